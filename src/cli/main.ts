import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { z } from 'zod'
import { prepare } from '../boot.js'
import { systemClock } from '../clock.js'
import { ConfigError, loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { migrateToLatest } from '../db/migrate.js'
import { systemContext } from '../domain/context.js'
import { LEVEL_NAMES, ROLES } from '../domain/enums.js'
import { AppError } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { ActivateSchema, toActivateInput } from '../incidents/incidents.schema.js'
import { activateIncident } from '../incidents/incidents.service.js'
import { createLogger } from '../logger.js'
import { PlaybookValidationError } from '../playbooks/playbook.loader.js'
import { listTokens } from '../tokens/tokens.repo.js'
import { CreateTokenSchema } from '../tokens/tokens.schema.js'
import { createToken, revokeToken } from '../tokens/tokens.service.js'
import { findUserForSignIn, loginKey } from '../users/users.repo.js'
import { runPlaybooksValidate } from './playbooks-validate.js'
import { runSamplesImport } from './samples-import.js'
import {
  cliIssues,
  parseUserCreate,
  readPasswordFromStdin,
  runUserCreate,
  UsageError,
} from './user-create.js'

const usage = `usage: npm run cli -- <command>
  token create --role ROLE [--district CODE] [--retailer ID] [--name NAME] [--user LOGIN]
                                            print a new token (last line); --user: the person it acts for
  token list                                                                  list tokens
  token revoke ID                                                             revoke a token
  user create --login L --name N --role ROLE [--district CODE] [--retailer ID] [--phone P] [--password-stdin]
                                            print a one-time password (last line), or read the password from stdin
  playbooks validate [FILE…]                                                  validate playbook files
  samples import FILE…                                                        import sampling results (CSV, published layout)
  drill PLAYBOOK [--level III] [--districts all|CODE,CODE] [--title TITLE]     activate an exercise incident
  db migrate                                                                  apply pending migrations
roles: ${ROLES.join(' ')}`

/** The caller asked for something that cannot work (exit 2), as a 4xx would say over HTTP. */

const out = {
  log: (s: string) => process.stdout.write(`${s}\n`),
  error: (s: string) => process.stderr.write(`${s}\n`),
}

async function run(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv
  const config = loadConfig()
  // The CLI speaks on stdout; logs go to stderr only when something is wrong.
  const logger = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', { sync: true })

  if (group === 'playbooks' && verb === 'validate')
    return runPlaybooksValidate(rest, out, resolve(config.PLAYBOOKS_DIR))

  if (group === 'db' && verb === 'migrate') {
    const database = await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      sharedBuffers: config.PGLITE_SHARED_BUFFERS,
    })
    try {
      const applied = await migrateToLatest(database.db)
      out.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date')
      return 0
    } finally {
      await database.close()
    }
  }

  if (group === 'samples' && verb === 'import') {
    const { database, districts } = await prepare(config, logger, systemClock)
    try {
      return await runSamplesImport({ db: database.db, database, clock: systemClock, districts }, rest, out)
    } finally {
      await database.close()
    }
  }

  if (group === 'drill' && verb) {
    const { values } = parseArgs({
      args: rest,
      options: {
        level: { type: 'string', default: 'IV' },
        districts: { type: 'string', default: 'all' },
        title: { type: 'string' },
      },
    })
    if (!(LEVEL_NAMES as readonly string[]).includes(values.level))
      throw new UsageError(`drill: --level ${values.level}: not a level; one of ${LEVEL_NAMES.join(', ')}`)
    const { database, playbooks, districts } = await prepare(config, logger, systemClock)
    try {
      const deps = { db: database.db, clock: systemClock, config, playbooks, districts }
      // The API's activation rule (the console's too): the same limits on the title and the districts.
      const input = ActivateSchema.safeParse({
        playbook: verb,
        level: values.level,
        title: values.title ?? `【演练】${playbooks.get(verb)?.playbook.name.zh ?? verb}`,
        districts: values.districts === 'all' ? 'all' : values.districts.split(','),
        exercise: true,
      })
      if (!input.success) throw new UsageError(`drill: ${cliIssues(input.error)}`)
      const { incident } = await activateIncident(deps, systemContext('cli'), toActivateInput(input.data))
      out.log(
        `${incident.code} ${incident.id} exercise at level ${values.level} in ${incident.districts.length} district(s)`,
      )
      return 0
    } finally {
      await database.close()
    }
  }

  if (group === 'user' && verb === 'create') {
    // Every mistake is one line on stderr and exit 2, before or after the database has been opened.
    try {
      const input = parseUserCreate(rest)
      const password = input.passwordStdin ? await readPasswordFromStdin() : undefined
      const { database } = await prepare(config, logger, systemClock)
      try {
        return await runUserCreate(database.db, systemClock, { ...input, password }, out)
      } finally {
        await database.close()
      }
    } catch (err) {
      if (err instanceof UsageError) out.error(err.message)
      else if (err instanceof AppError) {
        const issues = (err.extra.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ')
        out.error(`user create: ${issues || (err.detail?.en ?? err.message)}`)
      } else throw err
      return 2
    }
  }

  if (group === 'token') {
    // Arguments are checked before the store is opened: a typo must not wait for (or hold) the database.
    const create =
      verb === 'create'
        ? parseArgs({
            args: rest,
            options: {
              role: { type: 'string' },
              district: { type: 'string' },
              retailer: { type: 'string' },
              name: { type: 'string' },
              user: { type: 'string' },
            },
          }).values
        : undefined
    let tokenInput: z.output<typeof CreateTokenSchema> | undefined
    if (create) {
      if (!create.role) throw new UsageError(`token create: --role is required; one of ${ROLES.join(', ')}`)
      if (!(ROLES as readonly string[]).includes(create.role))
        throw new UsageError(`token create: --role ${create.role}: unknown role; one of ${ROLES.join(', ')}`)
      // The API's and the console's rule set for a token.
      const checked = CreateTokenSchema.safeParse({
        name: create.name ?? `${create.role}${create.district ? ` ${create.district}` : ''}`,
        role: create.role,
        ...(create.district !== undefined && { district: create.district }),
        ...(create.retailer !== undefined && { retailer: create.retailer }),
      })
      if (!checked.success) throw new UsageError(`token create: ${cliIssues(checked.error)}`)
      tokenInput = checked.data
    }
    if (verb === 'revoke' && rest[0] !== undefined && !isUuid(rest[0]))
      throw new UsageError(`token revoke: "${rest[0]}" is not a token id (a UUID, as \`token list\` shows)`)
    if (!['create', 'list', 'revoke'].includes(verb ?? '') || (verb === 'revoke' && rest.length !== 1)) {
      out.error(usage)
      return 2
    }
    const { database } = await prepare(config, logger, systemClock)
    const ctx = systemContext('cli')
    try {
      if (tokenInput) {
        const login = create?.user
        const person = login ? await findUserForSignIn(database.db, loginKey(login)) : undefined
        if (login && !person) {
          out.error(`token create: --user ${login}: no account has this login`)
          return 1
        }
        const created = await createToken(database.db, systemClock, ctx, {
          name: tokenInput.name,
          role: tokenInput.role,
          districtCode: tokenInput.district,
          retailerId: tokenInput.retailer,
          userId: person?.id,
        })
        out.error(`created ${created.role} token ${created.id} "${created.name}" (shown once):`)
        out.log(created.token)
        return 0
      }
      if (verb === 'list') {
        for (const t of await listTokens(database.db, { includeRevoked: true }))
          out.log(
            [
              t.id,
              t.role,
              t.district_code ?? t.retailer_id ?? '-',
              t.token_prefix,
              t.revoked_at ? 'revoked' : 'active',
              t.name,
            ].join('\t'),
          )
        return 0
      }
      if (verb === 'revoke' && rest[0]) {
        await revokeToken(database.db, systemClock, ctx, rest[0])
        out.log(`revoked ${rest[0]}`)
        return 0
      }
    } finally {
      await database.close()
    }
  }
  out.error(usage)
  return 2
}

/**
 * Exit 2 for what the caller got wrong (usage, a refused input: what HTTP answers with a 4xx), on one line
 * that says what to do; exit 1 for everything else. Never a raw database message for a caller's mistake.
 */
function report(err: unknown): number {
  if (err instanceof UsageError) {
    out.error(err.message)
    return 2
  }
  if ((err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) {
    out.error(`${(err as Error).message}\n${usage}`)
    return 2
  }
  if (err instanceof AppError) {
    const issues = (err.extra.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ')
    out.error(`${err.detail?.en ?? err.message}${issues ? ` (${issues})` : ''}`)
    return err.status < 500 ? 2 : 1
  }
  if (err instanceof ConfigError || err instanceof PlaybookValidationError || err instanceof Error) {
    out.error(err.message)
    return 1
  }
  out.error(String(err))
  return 1
}

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => process.exit(report(err)))
