import { Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { DB } from './types.js'

/** One pooled connection, both as Kysely and for `COPY … FROM STDIN`, so both run in one transaction. */
export interface DedicatedConnection {
  db: Kysely<DB>
  /** Starts `COPY … FROM STDIN` on this connection; write rows in COPY's text format, then end it. */
  copyIn(statement: string): ReturnType<typeof copyFrom>
}

/**
 * Runs `fn` on one connection taken from the pool, wrapped in a single-connection Kysely: a transaction
 * begun on `db` and the COPY streams share that connection. After an error the connection is closed rather
 * than returned, so a COPY cut off half-way never reaches the next caller.
 */
export async function onDedicatedConnection<T>(
  pool: pg.Pool,
  fn: (conn: DedicatedConnection) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  const shared: PostgresPoolClient = {
    query: client.query.bind(client) as PostgresPoolClient['query'],
    release: () => {}, // returned to the pool below, once, when `fn` is done
  }
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: async () => shared, end: async () => {} } }),
  })
  let failed = false
  // The pool gives every client a lifelong 'error' listener (see openPostgres); this one only makes sure a
  // connection that broke under `fn` is closed rather than returned, even if `fn` swallowed the failure.
  const broken = () => {
    failed = true
  }
  client.on('error', broken)
  try {
    return await fn({ db, copyIn: (statement) => client.query(copyFrom(statement)) })
  } catch (err) {
    failed = true
    throw err
  } finally {
    await db.destroy()
    client.off('error', broken)
    client.release(failed)
  }
}
