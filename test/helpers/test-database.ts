import { randomBytes } from 'node:crypto'
import { cp, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { inject } from 'vitest'
import {
  type ConnectionErrorHandler,
  type Database,
  type DatabaseKind,
  openPglite,
  openPostgres,
} from '../../src/db/client.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { seedDistricts } from '../../src/districts/districts.seed.js'

/**
 * Per-file test databases (after immich's medium tests): globalSetup picks the engine once per run
 * and migrates and seeds one template; each test file then gets a copy of it. On PostgreSQL the
 * copy is CREATE DATABASE … TEMPLATE. On PGlite it is a copy of a closed data directory: opening
 * one takes about a second, where a fresh PGlite spends three or four in initdb.
 */

export type TestEngine = DatabaseKind

export type TestDatabaseContext =
  | { engine: 'postgres'; adminUrl: string; template: string; runId: string }
  | { engine: 'pglite'; templateDir: string }

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseContext
  }
}

export interface TestDatabase {
  database: Database
  /** Connection URL of this database; undefined on PGlite (in-process, nothing to connect to). */
  url: string | undefined
  kind: TestEngine
  /** Close the pool and remove the database. Safe to call twice. */
  drop(): Promise<void>
}

export const DISTRICTS_CSV = fileURLToPath(new URL('../../db/seed/districts.csv', import.meta.url))

export const TEMPLATE_PREFIX = 'rs_tpl_'
export const COPY_PREFIX = 'rs_t_'

/** The engine chosen for this run, for tests that size their workload to it. */
export function testEngine(): TestEngine {
  return inject('testDatabase').engine
}

export interface TestDatabaseOptions {
  poolSize?: number
  /** PostgreSQL only: statement_timeout and pool acquire timeout of the copy's pool. */
  statementTimeoutMillis?: number
  acquireTimeoutMillis?: number
  /** PostgreSQL only: the URL the app connects to instead (a proxy in front of the copy, to cut it). */
  connectVia?: (url: string) => string
  /** PostgreSQL only: told of lost connections, as the service's logger is. */
  onError?: ConnectionErrorHandler
}

export async function createTestDatabase(opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const ctx = inject('testDatabase')
  if (ctx.engine === 'pglite') return createPgliteDatabase(ctx.templateDir)

  const name = `${COPY_PREFIX}${ctx.runId}_${randomBytes(4).toString('hex')}`
  await createFromTemplate(ctx.adminUrl, name, ctx.template)
  const url = databaseUrl(ctx.adminUrl, name)
  const database = openPostgres({
    url: opts.connectVia ? opts.connectVia(url) : url,
    ...(opts.onError && { onError: opts.onError }),
    poolSize: opts.poolSize ?? 5,
    ...(opts.statementTimeoutMillis !== undefined && { statementTimeoutMillis: opts.statementTimeoutMillis }),
    ...(opts.acquireTimeoutMillis !== undefined && { connectionTimeoutMillis: opts.acquireTimeoutMillis }),
  })
  let dropped = false
  return {
    database,
    url,
    kind: 'postgres',
    drop: async () => {
      if (dropped) return
      dropped = true
      await database.close()
      await dropDatabase(ctx.adminUrl, name)
    },
  }
}

async function createPgliteDatabase(templateDir: string): Promise<TestDatabase> {
  const dir = join(dirname(templateDir), `db_${randomBytes(4).toString('hex')}`)
  await cp(templateDir, dir, { recursive: true })
  const database = await openPglite(dir)
  let dropped = false
  return {
    database,
    url: undefined,
    kind: 'pglite',
    drop: async () => {
      if (dropped) return
      dropped = true
      await database.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Build a migrated, seeded template: a PostgreSQL database's contents or a PGlite data directory. */
export async function prepareTemplate(database: Database): Promise<void> {
  try {
    await migrateToLatest(database.db)
    await seedDistricts(database.db, DISTRICTS_CSV)
  } finally {
    await database.close()
  }
}

// ---- administration over the URL's own database (shared with globalSetup) ----

/** A run id that sorts and ages: seconds since the epoch, then pid and randomness for uniqueness. */
export function newRunId(now = Date.now()): string {
  return `${Math.floor(now / 1000)}_${process.pid}_${randomBytes(3).toString('hex')}`
}

/** Seconds since the epoch encoded in a harness database name, or undefined if not ours. */
export function runStartedAt(datname: string): number | undefined {
  const m = /^rs_(?:tpl|t)_(\d{10})_\d+_[0-9a-f]+(?:_[0-9a-f]+)?$/.exec(datname)
  return m?.[1] === undefined ? undefined : Number(m[1])
}

/** The same server and credentials, another database. */
export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  return u.toString()
}

/** Our names are generated, but quote defensively and refuse anything odd. */
export function ident(name: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`refusing database name ${JSON.stringify(name)}`)
  return `"${name}"`
}

export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: adminUrl,
    connectionTimeoutMillis: 10_000,
    application_name: 'redshield-test-harness',
  })
  client.on('error', () => {})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

const OBJECT_IN_USE = '55006'

/**
 * PostgreSQL refuses to copy a database that has other sessions ("source database … is being
 * accessed by other users"); the template allows no connections, but a backend of the session
 * that built it may still be exiting. Retry with a short backoff.
 */
export async function createFromTemplate(adminUrl: string, name: string, template: string): Promise<void> {
  const statement = `CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin(adminUrl, (c) => c.query(statement))
      return
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (code !== OBJECT_IN_USE || attempt >= 20) throw err
      await sleep(Math.min(50 * 2 ** attempt, 1000) + Math.random() * 50)
    }
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`))
}
