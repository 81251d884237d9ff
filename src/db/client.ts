import { mkdirSync } from 'node:fs'
import { relative } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type DedicatedConnection, onDedicatedConnection } from './dedicated.js'
import { type ListenHandlers, listenPostgres, type Unlisten } from './listen.js'
import { holdStore } from './store-lock.js'
import type { DB } from './types.js'

export type DatabaseKind = 'postgres' | 'pglite'

export interface Database {
  db: Kysely<DB>
  kind: DatabaseKind
  ping(): Promise<void>
  close(): Promise<void>
  /** LISTEN on a channel: a dedicated connection on PostgreSQL, in-process on PGlite. */
  listen(channel: string, on: ListenHandlers): Promise<Unlisten>
  /** PostgreSQL only: one connection for Kysely and `COPY … FROM STDIN` together (bulk imports). */
  dedicated?: <T>(fn: (conn: DedicatedConnection) => Promise<T>) => Promise<T>
}

const INT8 = 20
const NUMERIC = 1700

// pg hands int8 and numeric back as strings; PGlite as numbers. Parse them once here so every
// query sees numbers on both. Counts stay far below 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (v: string) => Number.parseInt(v, 10)
    if (oid === NUMERIC) return (v: string) => Number.parseFloat(v)
    return pg.types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser,
}

export interface PostgresOptions {
  url: string
  poolSize?: number
  /** How long to wait for a pooled connection (and to connect) before giving up. */
  connectionTimeoutMillis?: number
  /** Server-side statement_timeout: a statement running (or waiting on a lock) longer is cancelled. */
  statementTimeoutMillis?: number
  /** Told of every lost connection (pooled, dedicated or LISTEN): the service logs it. */
  onError?: ConnectionErrorHandler
}

/** Where a connection was lost: idle in the pool, checked out by a request or job, or the LISTEN one. */
export type ConnectionErrorHandler = (err: Error, where: 'idle' | 'in use' | 'listen') => void

export function openPostgres(opts: PostgresOptions): Database {
  const statementTimeout = opts.statementTimeoutMillis ?? 15_000
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5000,
    // Sent at connect: every statement on every pooled connection is bounded, so a request never waits
    // on a frozen database or a held lock for longer, and a cancelled statement rolls its transaction back.
    statement_timeout: statementTimeout,
    // A transaction left open by a vanished caller must not hold its locks indefinitely.
    idle_in_transaction_session_timeout: Math.max(statementTimeout * 2, 10_000),
    types: pgTypes,
  })
  const report = opts.onError ?? (() => {})
  // A connection that the server or the network drops emits 'error' on its client. pg-pool listens on idle
  // clients only (and re-emits as the pool's 'error'); a client checked out by a request or a job has no
  // listener, and an unhandled 'error' ends the process. So every client gets one for its whole life, from
  // the moment it connects: the error itself also reaches the query in flight (a 503 or a failed job run),
  // and the broken client is discarded when it is released.
  const inUse = new WeakSet<pg.PoolClient>()
  pool.on('acquire', (client) => inUse.add(client))
  pool.on('release', (_err, client) => inUse.delete(client))
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (inUse.has(client)) report(err, 'in use')
    })
  })
  // An idle connection dropped: the next query reconnects.
  pool.on('error', (err) => report(err, 'idle'))
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
    listen: (channel, on) => listenPostgres(opts.url, channel, on, (err) => report(err, 'listen')),
    dedicated: (fn) => onDedicatedConnection(pool, fn),
  }
}

/** What this process is, for the message another process gets when it finds the store held. */
const thisCommand = () =>
  [relative(process.cwd(), process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' ').slice(0, 200)

/**
 * PGlite's `shared_buffers` unless configured (`PGLITE_SHARED_BUFFERS`). PostgreSQL's default, 128MB, is
 * touched as soon as the store opens and sits in the WebAssembly memory, which never shrinks: ~110 MiB of
 * the process's RSS, idle or not. Pages beyond the buffers are read from the operating system's cache.
 */
export const PGLITE_SHARED_BUFFERS = '32MB'

/**
 * Embedded PostgreSQL (WASM). One connection: fine for a single instance and for tests. A data directory
 * is held by this process until close (StoreLockedError when another process holds it).
 */
export async function openPglite(
  dataDir: string | undefined,
  sharedBuffers: string = PGLITE_SHARED_BUFFERS,
): Promise<Database> {
  // Loaded here, not at the top: PGlite's module (and its wasm) is ~45 MB of RSS that a server on
  // PostgreSQL never uses.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ])
  let release = () => {}
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true })
    release = await holdStore(dataDir, thisCommand())
  }
  let pglite: PGlite
  try {
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      // PGlite's own start parameters, plus the buffers: a start parameter overrides postgresql.conf.
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
    })
  } catch (err) {
    release()
    throw err
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: async () => {
      try {
        await db.destroy()
        if (!pglite.closed) await pglite.close()
      } finally {
        release()
      }
    },
    // One in-process database: notifications cannot be missed, so `reconnected` never fires.
    listen: async (channel, on) => {
      const off = await pglite.listen(channel, (payload) => on.notify(payload))
      return async () => {
        if (!pglite.closed) await off().catch(() => {})
      }
    },
  }
}

export async function openDatabase(opts: {
  url?: string | undefined
  dataDir: string
  poolSize?: number
  statementTimeoutMillis?: number
  acquireTimeoutMillis?: number
  onError?: ConnectionErrorHandler
  /** PGlite only: its `shared_buffers` (PostgreSQL's units, e.g. `32MB`). */
  sharedBuffers?: string
}): Promise<Database> {
  if (opts.url)
    return openPostgres({
      url: opts.url,
      poolSize: opts.poolSize ?? 10,
      ...(opts.statementTimeoutMillis !== undefined && {
        statementTimeoutMillis: opts.statementTimeoutMillis,
      }),
      ...(opts.acquireTimeoutMillis !== undefined && { connectionTimeoutMillis: opts.acquireTimeoutMillis }),
      ...(opts.onError && { onError: opts.onError }),
    })
  return openPglite(opts.dataDir, opts.sharedBuffers)
}
