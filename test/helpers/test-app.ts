import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { createApp, type PublicSources } from '../../src/app.js'
import { type Clock, ManualClock } from '../../src/clock.js'
import { type Config, loadConfig } from '../../src/config.js'
import { prepareCreditRules } from '../../src/credit/credit.service.js'
import type { Role } from '../../src/db/types.js'
import type { AppDeps } from '../../src/deps.js'
import { DistrictDirectory } from '../../src/districts/district-directory.js'
import { systemContext } from '../../src/domain/context.js'
import { startLive } from '../../src/events/live.js'
import { createLogger } from '../../src/logger.js'
import { loadPlaybookDir } from '../../src/playbooks/playbook.loader.js'
import { PlaybookRegistry, syncPlaybooks } from '../../src/playbooks/playbook.registry.js'
import { serveApp } from '../../src/public/fast-reads.js'
import { createToken } from '../../src/tokens/tokens.service.js'
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database.js'

export const PLAYBOOKS_DIR = resolve(import.meta.dirname, '../../playbooks')

export interface CallOptions {
  token?: string | undefined
  body?: unknown
  /** Sent as-is (no JSON encoding) when given. */
  raw?: string | Uint8Array
  headers?: Record<string, string>
}

export interface Called {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  body: any
  text: string
}

export interface TestApp {
  baseUrl: string
  deps: AppDeps
  clock: ManualClock
  testDb: TestDatabase
  call(method: string, path: string, opts?: CallOptions): Promise<Called>
  token(role: Role, binding?: { district?: string; retailer?: string; name?: string }): Promise<string>
  /** Restarts the HTTP surface on the same database, e.g. with other playbooks. */
  restart(opts?: { playbooksDir?: string }): Promise<void>
  close(): Promise<void>
}

export async function loadRegistry(
  dir: string,
  deps: Pick<AppDeps, 'db' | 'clock'>,
): Promise<PlaybookRegistry> {
  const loaded = await loadPlaybookDir(dir)
  await syncPlaybooks(deps.db, deps.clock, loaded)
  return new PlaybookRegistry(loaded)
}

/**
 * A real server on an ephemeral port over a fresh database (PostgreSQL when the run has one), with a manual
 * clock starting at a fixed Shanghai morning.
 */
export async function startTestApp(
  opts: {
    clock?: ManualClock
    config?: Partial<Record<string, string>>
    poolSize?: number
    playbooksDir?: string
    database?: Omit<TestDatabaseOptions, 'poolSize'>
    /** Sources the app takes from later modules (announcement pages, sample search). */
    sources?: PublicSources
  } = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase({ ...opts.database, poolSize: opts.poolSize ?? 5 })
  const clock = opts.clock ?? new ManualClock(new Date('2026-11-30T01:00:00Z')) // 09:00 in Chengdu
  const config: Config = loadConfig({ LOG_LEVEL: 'silent', SCHEDULER: 'false', ...opts.config })
  const logger = createLogger(config.LOG_LEVEL)
  const live = await startLive({ database: testDb.database, db: testDb.database.db, logger, config })
  const base = {
    config,
    logger,
    clock: clock as Clock,
    database: testDb.database,
    db: testDb.database.db,
    districts: await DistrictDirectory.load(testDb.database.db),
    ...live,
  }
  let deps: AppDeps = { ...base, playbooks: await loadRegistry(opts.playbooksDir ?? PLAYBOOKS_DIR, base) }
  // The shipped credit rules, whichever playbooks a test loads.
  await prepareCreditRules(base.db, PLAYBOOKS_DIR, clock.now())
  let server = listen(deps, opts.sources)
  let baseUrl = await server.url

  const app: TestApp = {
    get baseUrl() {
      return baseUrl
    },
    get deps() {
      return deps
    },
    clock,
    testDb,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers }
      if (o.token) headers.authorization = `Bearer ${o.token}`
      let body: string | Uint8Array | undefined
      if (o.raw !== undefined) body = o.raw
      else if (o.body !== undefined) {
        body = JSON.stringify(o.body)
        headers['content-type'] ??= 'application/json'
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body })
      // An event stream never ends by itself: answer with its status and headers only.
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        await res.body?.cancel()
        return { status: res.status, headers: res.headers, body: '', text: '' }
      }
      const text = await res.text()
      let parsed: unknown = text
      if (/json/.test(res.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text)
      return { status: res.status, headers: res.headers, body: parsed, text }
    },
    async token(role, binding = {}) {
      const created = await createToken(deps.db, clock, systemContext('test'), {
        role,
        name: binding.name ?? `${role} ${binding.district ?? binding.retailer ?? ''}`.trim(),
        districtCode: binding.district,
        retailerId: binding.retailer,
      })
      return created.token
    },
    async restart(r = {}) {
      await server.close()
      deps = { ...base, playbooks: await loadRegistry(r.playbooksDir ?? PLAYBOOKS_DIR, base) }
      server = listen(deps, opts.sources)
      baseUrl = await server.url
    },
    async close() {
      await live.events.stop()
      await server.close()
      await testDb.drop()
    },
  }
  return app
}

function listen(deps: AppDeps, sources?: PublicSources) {
  const app = createApp(deps, sources)
  let resolveUrl: (u: string) => void = () => {}
  const url = new Promise<string>((r) => {
    resolveUrl = r
  })
  const server = serveApp(app, { port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
    resolveUrl(`http://127.0.0.1:${info.port}`),
  )
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => r())
      }),
  }
}
