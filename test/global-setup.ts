import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openPglite, openPostgres } from '../src/db/client.js'
import {
  COPY_PREFIX,
  databaseUrl,
  dropDatabase,
  ident,
  newRunId,
  prepareTemplate,
  runStartedAt,
  TEMPLATE_PREFIX,
  type TestDatabaseContext,
  withAdmin,
} from './helpers/test-database.js'

/**
 * Chooses the test database engine once per run:
 *   1. TEST_DATABASE_URL → that PostgreSQL server (CI);
 *   2. a Docker engine answering /_ping within 1.5 s → postgres:15-alpine via testcontainers;
 *   3. otherwise PGlite, one data directory per test file.
 * Either way it builds one migrated, seeded template that each test file copies.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.TEST_DATABASE_URL
  let adminUrl: string | undefined = fromEnv === '' ? undefined : fromEnv
  let stopContainer: (() => Promise<unknown>) | undefined
  let source = 'TEST_DATABASE_URL'

  if (adminUrl === undefined && (await dockerAnswers(1500))) {
    try {
      // Imported only here: testcontainers is slow to load and probes Docker on its own.
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
      const container = await new PostgreSqlContainer('postgres:15-alpine')
        .withCommand([
          'postgres',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ])
        .start()
      adminUrl = container.getConnectionUri()
      stopContainer = () => container.stop()
      source = 'testcontainers postgres:15-alpine'
    } catch (err) {
      console.warn(`[test-db] Docker answered but the container did not start; using PGlite: ${String(err)}`)
    }
  }

  const runId = newRunId()
  if (adminUrl === undefined) {
    await sweepStalePgliteDirs()
    const root = await mkdtemp(join(tmpdir(), `redshield-test-${runId}-`))
    const templateDir = join(root, 'template')
    try {
      await prepareTemplate(await openPglite(templateDir))
    } catch (err) {
      await rm(root, { recursive: true, force: true })
      throw err
    }
    console.log(`[test-db] engine: PGlite (no TEST_DATABASE_URL, no Docker), template ${templateDir}`)
    project.provide('testDatabase', { engine: 'pglite', templateDir } satisfies TestDatabaseContext)
    return () => rm(root, { recursive: true, force: true })
  }

  const admin = adminUrl
  const template = `${TEMPLATE_PREFIX}${runId}`
  try {
    await sweepStale(admin)
    await buildTemplate(admin, template)
  } catch (err) {
    await dropDatabase(admin, template).catch(() => {})
    await stopContainer?.()
    throw err
  }
  console.log(`[test-db] engine: PostgreSQL (${source}) at ${redact(admin)}, template ${template}`)
  project.provide('testDatabase', { engine: 'postgres', adminUrl: admin, template, runId })

  return async () => {
    if (stopContainer) {
      await stopContainer()
      return
    }
    // Copies left behind by a file that failed before its afterAll, then the template.
    const leftovers = await withAdmin(admin, async (c) => {
      const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database')
      return rows.map((r) => r.datname).filter((n) => n.startsWith(`${COPY_PREFIX}${runId}_`))
    })
    for (const name of leftovers) await dropDatabase(admin, name)
    await dropDatabase(admin, template)
  }
}

async function buildTemplate(adminUrl: string, template: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${ident(template)}`))
  await prepareTemplate(openPostgres({ url: databaseUrl(adminUrl, template), poolSize: 1 }))
  // No one may connect to the template again: a session on it would make copies fail.
  await withAdmin(adminUrl, (c) => c.query(`ALTER DATABASE ${ident(template)} WITH ALLOW_CONNECTIONS false`))
}

// Runs killed before their teardown leave databases (or PGlite directories) behind: remove ours
// older than 12 hours. Names start with the run's start time in epoch seconds.
async function sweepStale(adminUrl: string): Promise<void> {
  const cutoff = Date.now() / 1000 - 12 * 3600
  const stale = await withAdmin(adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'rs\\_t%'`,
    )
    return rows.map((r) => r.datname).filter((n) => (runStartedAt(n) ?? Number.POSITIVE_INFINITY) < cutoff)
  })
  for (const name of stale) await dropDatabase(adminUrl, name).catch(() => {})
}

async function sweepStalePgliteDirs(): Promise<void> {
  const cutoff = Date.now() / 1000 - 12 * 3600
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    const m = /^redshield-test-(\d{10})_/.exec(name)
    if (m?.[1] !== undefined && Number(m[1]) < cutoff) {
      await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => {})
    }
  }
}

function redact(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

/**
 * testcontainers can hang for a long time looking for a Docker engine, so ask the engine
 * ourselves first, with a hard deadline. Supports unix sockets and tcp (with TLS if set).
 */
export function dockerAnswers(timeoutMs: number): Promise<boolean> {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'
  let request: () => http.ClientRequest
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length)
    if (!existsSync(socketPath)) return Promise.resolve(false)
    request = () => http.get({ socketPath, path: '/_ping' })
  } else if (host.startsWith('tcp://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'))
    const tls = process.env.DOCKER_TLS_VERIFY !== undefined && process.env.DOCKER_TLS_VERIFY !== ''
    if (tls) {
      const dir = process.env.DOCKER_CERT_PATH ?? join(process.env.HOME ?? '', '.docker')
      const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : undefined)
      const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')]
      request = () => https.get({ host: u.hostname, port: u.port || 2376, path: '/_ping', ca, cert, key })
    } else {
      request = () => http.get({ host: u.hostname, port: u.port || 2375, path: '/_ping' })
    }
  } else {
    return Promise.resolve(false) // npipe://, ssh://: not on the machines we run on
  }

  return new Promise((resolve) => {
    let req: http.ClientRequest
    try {
      req = request()
    } catch {
      resolve(false)
      return
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    let settled = false
    function done(ok: boolean) {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve(ok)
    }
    req.on('response', (res) => {
      res.resume()
      done(res.statusCode === 200)
    })
    req.on('error', () => done(false))
  })
}
