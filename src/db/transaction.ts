import type { Kysely, Transaction } from 'kysely'
import { uniqueViolation } from '../domain/errors.js'
import type { DB } from './types.js'

export type { Transaction }

/**
 * Runs `fn` in one transaction: everything it writes commits together or not at all. Functions that must
 * run inside one take a `Transaction<DB>` (a plain `Kysely<DB>` does not type-check there). Called with a
 * transaction already, it joins it rather than nesting. A duplicate key raised by a race becomes a 409 naming
 * the field (`uniqueViolation`), the same for every verb and every entry point.
 */
export async function inTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>)
  try {
    return await db.transaction().execute(fn)
  } catch (err) {
    throw uniqueViolation(err) ?? err
  }
}
