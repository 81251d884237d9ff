import { parseArgs } from 'node:util'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { DB } from '../db/types.js'
import { systemContext } from '../domain/context.js'
import { ROLES, type Role } from '../domain/enums.js'
import { CreateUserSchema } from '../users/users.schema.js'
import { createUser } from '../users/users.service.js'

export class UsageError extends Error {}

/** Parsed before the database opens, so a typo costs nothing and says what is wrong in one line. */
export function parseUserCreate(args: string[]) {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const v = parsed.values
  const missing = (['login', 'name', 'role'] as const).filter((k) => !v[k]).map((k) => `--${k}`)
  if (missing.length > 0) throw new UsageError(`user create: missing ${missing.join(', ')}`)
  if (!(ROLES as readonly string[]).includes(v.role!))
    throw new UsageError(`user create: --role must be one of ${ROLES.join(', ')}`)
  // The API's and the console's rule set: the same limits, whoever creates the account.
  const input = CreateUserSchema.safeParse({
    login: v.login,
    name: v.name,
    role: v.role,
    ...(v.district !== undefined && { district: v.district }),
    ...(v.retailer !== undefined && { retailer: v.retailer }),
    ...(v.phone !== undefined && { phone: v.phone }),
  })
  if (!input.success) throw new UsageError(`user create: ${cliIssues(input.error)}`)
  const d = input.data
  return {
    login: d.login,
    name: d.name,
    role: d.role as Role,
    districtCode: d.district,
    retailerId: d.retailer,
    phone: d.phone,
    passwordStdin: v['password-stdin'] ?? false,
  }
}

/** A schema's problems on one line, named by option: `--name: …; --phone: …`. */
export const cliIssues = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => `--${i.path.map(String).join('.')}: ${i.message}`).join('; ')

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    options: {
      login: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      district: { type: 'string' },
      retailer: { type: 'string' },
      phone: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  })
}

/** The whole of standard input, less one trailing newline (what `echo` or a here-string adds). */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

export async function runUserCreate(
  db: Kysely<DB>,
  clock: Clock,
  input: ReturnType<typeof parseUserCreate> & { password?: string | undefined },
  out: { log(s: string): void; error(s: string): void },
): Promise<number> {
  const { user, oneTimePassword } = await createUser(db, clock, systemContext('cli'), input)
  const who = `${user.role}${user.district_code ? ` ${user.district_code}` : ''} "${user.display_name}"`
  if (oneTimePassword) {
    out.error(
      `created ${who} as ${user.login}; one-time password (shown once, must be changed at first sign-in):`,
    )
    out.log(oneTimePassword)
  } else out.log(`created ${who} as ${user.login} ${user.id}`)
  return 0
}
