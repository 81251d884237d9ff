import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import pg from 'pg'
import { createApp } from '../src/app.js'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import type { AppDeps } from '../src/deps.js'
import { type Actor, systemContext } from '../src/domain/context.js'
import { startLive } from '../src/events/live.js'
import { createLogger } from '../src/logger.js'
import { createToken } from '../src/tokens/tokens.service.js'
import { benchAcks } from './acks.bench.js'
import { benchActivation } from './activation.bench.js'
import { benchBoards, boardsSection } from './boards.bench.js'
import { benchComplaints, complaintsSection } from './complaints.bench.js'
import { benchCreditDraw, creditSection } from './credit-draw.bench.js'
import { benchEscalation, escalationSection } from './escalation.bench.js'
import { benchImport } from './import.bench.js'
import { type BenchDatabase, createBenchDatabase, DEFAULT_SERVER_URL } from './lib/bench-db.js'
import {
  buildService,
  type ChildServer,
  REPO_ROOT,
  SERVICE_ENTRY,
  SERVICE_NODE_FLAGS,
  startChildServer,
} from './lib/child-server.js'
import { seedPublicAlerts } from './lib/public-seed.js'
import { benchLive } from './live.bench.js'
import { benchReads } from './reads.bench.js'
import { liveSection, readSection, renderResults } from './report.js'
import { benchSearch } from './search.bench.js'

const RESULTS = resolve(import.meta.dirname, 'RESULTS.md')
const APP_POOL_SIZE = 10 // the app's default DB_POOL_SIZE, for the in-process app and the child server alike
const log = (line: string) => process.stderr.write(`${line}\n`)
const ONLY_READS = process.argv.includes('--only=reads')
const ONLY_BOARDS = process.argv.includes('--only=boards')
/** `--only=escalation` or `--only=live`: that section alone (on a fresh database), replacing just its text. */
const ONLY_ALONE = ['escalation', 'live'].find((name) => process.argv.includes(`--only=${name}`))
/** Retailer counts of the boards section: `--boards=1000,10000` to choose (50,000 takes a few minutes). */
const BOARD_SIZES = (process.argv.find((a) => a.startsWith('--boards='))?.slice(9) ?? '1000,10000,50000')
  .split(',')
  .map(Number)

/** Sizes of sections 9 and 10: `--complaints=2000`, `--credit=10000` (the defaults are the issues'). */
const sizeArg = (name: string, fallback: number) => {
  const v = Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3))
  return Number.isInteger(v) && v > 0 ? v : fallback
}
const COMPLAINTS = sizeArg('complaints', 10_000)
const CREDIT = sizeArg('credit', 50_000)

const SECTION = /<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->/g

/**
 * What this run does not write, carried over when it rewrites the file: every marked section (`<!-- name:start
 * -->` … `<!-- name:end -->`) whose name the new text does not hold — sections run alone (the sample import),
 * earlier runs kept for their figures, and hand-written notes.
 */
function keptSections(current: string, written: string): string {
  const mine = new Set([...written.matchAll(SECTION)].map((m) => m[1]))
  return [...current.matchAll(SECTION)]
    .filter((m) => !mine.has(m[1]))
    .map((m) => `\n${m[0]}\n`)
    .join('')
}

/** A section run alone takes the place of its earlier text, or goes at the end; the rest is left as it is. */
async function writeAlone(name: string, marked: string): Promise<void> {
  const current = await readFile(RESULTS, 'utf8').catch(() => '')
  const block = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`)
  await writeFile(
    RESULTS,
    block.test(current) ? current.replace(block, () => marked) : `${current}\n${marked}\n`,
  )
  process.stdout.write(`${marked}\n`)
}

/** Which code was measured: the commit, and whether src/ had uncommitted changes. */
function sourceState(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
    const dirty = git('status', '--porcelain', '--', 'src', 'db', 'playbooks') !== ''
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/, db/ or playbooks/' : ''}`
  } catch {
    return 'unknown (not a git checkout)'
  }
}

function listen(deps: AppDeps): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp(deps)
  return new Promise((ok) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      ok({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
            server.close(() => done())
          }),
      }),
    )
  })
}

async function main(): Promise<void> {
  const startedAt = new Date()
  const loadBefore = os.loadavg()[0] ?? Number.NaN
  const source = sourceState()
  const t0 = performance.now()
  const cleanups: (() => Promise<unknown>)[] = []
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((e: unknown) => log(`cleanup: ${String(e)}`))
  }
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)))
  const serverUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL
  const boards = async (alone: boolean) => {
    const before = os.loadavg()[0] ?? Number.NaN
    const rows = await benchBoards({ sizes: BOARD_SIZES, serverUrl, log })
    const how = alone ? 'This section alone: `npm run bench -- --only=boards`' : 'Part of the full run above'
    return boardsSection(
      rows,
      `${how} at ${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores · ` +
        `Node ${process.version} · 1-minute load average ${before.toFixed(1)} before this section, ` +
        `${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} after · code at ${source}.`,
    )
  }
  if (process.argv.includes('--only=import-memory')) {
    const { benchImportMemory, importMemorySection } = await import('./import-memory.bench.js')
    log('6b. sample import: peak memory on each engine')
    const rs = await benchImportMemory(log)
    await writeAlone(
      'import-memory',
      importMemorySection(
        rs,
        `This section alone: \`npm run bench -- --only=import-memory\` at ${startedAt.toISOString()} · ` +
          `${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores · Node ${process.version} · 1-minute load ` +
          `average ${loadBefore.toFixed(1)} before, ${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} after · code at ${source}.`,
      ),
    )
    return
  }
  if (ONLY_BOARDS) {
    log('8. retailer boards')
    await writeAlone('boards', await boards(true))
    return
  }
  const stampOf = (name: string, alone: boolean, before: number) =>
    `${alone ? `This section alone: \`npm run bench -- --only=${name}\`` : 'Part of the full run above'} at ` +
    `${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores · Node ` +
    `${process.version} · 1-minute load average ${before.toFixed(1)} before this section, ` +
    `${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} after · code at ${source}.`
  const complaints = async (alone: boolean) => {
    const before = os.loadavg()[0] ?? Number.NaN
    const r = await benchComplaints({ serverUrl, count: COMPLAINTS, log })
    return complaintsSection(r, stampOf('complaints', alone, before))
  }
  const credit = async (alone: boolean) => {
    const before = os.loadavg()[0] ?? Number.NaN
    const r = await benchCreditDraw({ serverUrl, n: CREDIT, log })
    return creditSection(r, stampOf('credit', alone, before))
  }
  if (process.argv.includes('--only=complaints')) {
    log('9. 12315 complaints')
    buildService()
    await writeAlone('complaints', await complaints(true))
    return
  }
  if (process.argv.includes('--only=credit')) {
    log('10. credit classes and the draw')
    await writeAlone('credit', await credit(true))
    return
  }
  try {
    // The service runs from its build, as `npm start` and the image run it.
    buildService()
    const bench: BenchDatabase = await createBenchDatabase(serverUrl)
    cleanups.push(() => bench.drop())
    log(`database ${bench.name} (PostgreSQL ${bench.serverVersion})`)

    const env = {
      DATABASE_URL: bench.url,
      SCHEDULER: 'false',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: String(APP_POOL_SIZE),
      // The webhook section delivers to a receiver on this machine (loopback), which production refuses.
      WEBHOOK_ALLOW_PRIVATE: 'true',
    }
    const config = loadConfig({ ...env, PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks') })
    const logger = createLogger(config.LOG_LEVEL)
    const { database, playbooks, districts } = await prepare(config, logger, systemClock)
    cleanups.push(() => database.close())
    const liveDeps = await startLive({ database, db: database.db, logger, config })
    cleanups.push(() => liveDeps.events.stop())
    const deps: AppDeps = {
      config,
      logger,
      clock: systemClock,
      database,
      db: database.db,
      playbooks,
      districts,
      ...liveDeps,
    }
    const pool = new pg.Pool({ connectionString: bench.url, max: 50 })
    pool.on('error', () => {})
    cleanups.push(() => pool.end())

    const commander = await createToken(database.db, systemClock, systemContext('bench'), {
      role: 'commander',
      name: 'bench commander',
    })
    const actor: Actor = {
      type: 'token',
      id: commander.id,
      name: commander.name,
      role: commander.role,
      districtCode: null,
      retailerId: null,
    }

    if (ONLY_ALONE) {
      const stamp = () =>
        `This section alone: \`npm run bench -- --only=${ONLY_ALONE}\` at ${startedAt.toISOString()} · ` +
        `${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores · Node ${process.version} · PostgreSQL ` +
        `${bench.serverVersion} · 1-minute load average ${loadBefore.toFixed(1)} before, ` +
        `${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} after · code at ${source}.`
      if (ONLY_ALONE === 'escalation') {
        log('4. escalation sweep')
        const r = await benchEscalation({ deps, actor, pool, log })
        await writeAlone('escalation', escalationSection(r, stamp()))
        return
      }
      log('5. live stream')
      const server = await startChildServer(
        SERVICE_ENTRY,
        { ...env, PORT: '0', HOST: '127.0.0.1' },
        SERVICE_NODE_FLAGS,
      )
      cleanups.push(() => server.stop())
      const admin = await createToken(database.db, systemClock, systemContext('bench'), {
        role: 'admin',
        name: 'bench admin',
      })
      const r = await benchLive({
        deps,
        serverUrl: server.url,
        serverPid: server.pid,
        adminToken: admin.token,
        databaseUrl: bench.url,
        subscribers: 1000,
        events: 40,
        webhookEvents: 1000,
        log,
      })
      await writeAlone('live', liveSection(r, stamp()))
      return
    }

    // Section 3 runs first, on a fresh database, so that `--only=reads` can stop here.
    log('3. public reads')
    const seeded = await seedPublicAlerts(deps)
    // The app's default log level: the access log is part of what a request costs.
    const readServer: ChildServer = await startChildServer(
      SERVICE_ENTRY,
      {
        ...env,
        LOG_LEVEL: 'info',
        // One client asks for the search tens of thousands of times: without this it would mostly get 429s.
        SEARCH_RATE_PER_MINUTE: '100000000',
        PORT: '0',
        HOST: '127.0.0.1',
      },
      SERVICE_NODE_FLAGS,
    )
    cleanups.push(() => readServer.stop())
    const reads = await benchReads({
      app: readServer,
      pool,
      database: bench.name,
      rounds: 5,
      secondsPerTurn: 2,
      alerts: seeded,
      log,
    })
    await readServer.stop()
    if (ONLY_READS) {
      const cpu = `${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores`
      const stamp =
        `## 3. Public reads\n\nThis section alone: \`npm run bench -- --only=reads\` at ${startedAt.toISOString()} · ${cpu} · ` +
        `Node ${process.version} · PostgreSQL ${bench.serverVersion} · 1-minute load average ${loadBefore.toFixed(1)} ` +
        `before, ${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} after · code at ${source}.`
      await writeAlone('reads', readSection(reads).replace('## 3. Public reads', stamp))
      return
    }

    log('1. activation')
    const inProcess = await listen(deps)
    const activation = await benchActivation({
      deps,
      baseUrl: inProcess.url,
      commanderToken: commander.token,
      actor,
      pool,
      iterations: 100,
      warmup: 5,
      log,
    })
    await inProcess.close()

    log('2. acknowledgements')
    const appServer: ChildServer = await startChildServer(
      SERVICE_ENTRY,
      { ...env, PORT: '0', HOST: '127.0.0.1' },
      SERVICE_NODE_FLAGS,
    )
    cleanups.push(() => appServer.stop())
    const acks = await benchAcks({
      deps,
      database: bench.name,
      server: appServer,
      commanderToken: commander.token,
      actor,
      pool,
      appIncidents: activation.appIncidents,
      rawIncidents: activation.rawIncidents,
      durationS: 10,
      diagnosticS: 5,
      log,
    })

    log('4. escalation sweep')
    const escalation = await benchEscalation({ deps, actor, pool, log })

    log('5. live stream and webhooks')
    const admin = await createToken(database.db, systemClock, systemContext('bench'), {
      role: 'admin',
      name: 'bench admin',
    })
    const live = await benchLive({
      deps,
      serverUrl: appServer.url,
      serverPid: appServer.pid,
      adminToken: admin.token,
      databaseUrl: bench.url,
      subscribers: 1000,
      events: 40,
      webhookEvents: 1000,
      log,
    })

    log('6. sample import')
    const sampleImport = await benchImport({ deps, pool, rounds: 3, log })
    log('7. public search')
    const search = await benchSearch({ pool, env, samples: 100_000, log })
    log('8. retailer boards')
    const boardSection = await boards(false)
    log('9. 12315 complaints')
    const complaintSection = await complaints(false)
    log('10. credit classes and the draw')
    const creditDraw = await credit(false)

    const markdown = renderResults({
      info: {
        startedAt,
        totalS: (performance.now() - t0) / 1000,
        postgres: bench.serverVersion,
        appPoolSize: APP_POOL_SIZE,
        source,
        loadBefore,
        loadAfter: os.loadavg()[0] ?? Number.NaN,
      },
      activation,
      acks,
      reads,
      escalation,
      live,
      sampleImport,
      search,
      boards: boardSection,
      complaints: complaintSection,
      credit: creditDraw,
    })
    const current = await readFile(RESULTS, 'utf8').catch(() => '')
    await writeFile(RESULTS, `${markdown}${keptSections(current, markdown)}`)
    process.stdout.write(`${markdown}\n`)
    log(`wrote ${RESULTS}`)
  } finally {
    await cleanup()
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  process.exitCode = 1
})
