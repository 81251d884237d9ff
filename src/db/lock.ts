import type { Selectable } from 'kysely'
import type { Transaction } from './transaction.js'
import type { DB } from './types.js'

/**
 * Check-then-write has one shape: inside the transaction, lock the aggregate root with this, then read the
 * state you will check, then write. Every verb that reads before it writes goes through here.
 *
 * Lock order (always in this order, so two verbs never wait on each other in a cycle):
 *   1. incident  → its tasks (a task verb locks the incident first, then the task)
 *   2. announcement → the samples it takes (lock the announcement, then `lockRows('samples', ids)`)
 *   3. retailer, user, business, complaint, signal, rectification: each its own root, locked alone; a signal's
 *      activation locks the signal, then writes its complaints' incident link (signal → complaints)
 * A job that sweeps many rows claims them with `FOR UPDATE SKIP LOCKED` instead and re-checks the root.
 */
export type LockableRoot = {
  [T in keyof DB]: DB[T] extends { id: unknown } ? T : never
}[keyof DB]

/** Locks one root row and returns it as it is now (undefined when it does not exist). */
export async function lockRoot<T extends LockableRoot>(
  trx: Transaction<DB>,
  table: T,
  id: string,
): Promise<Selectable<DB[T]> | undefined> {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot narrow a generic table name's columns.
  const q = trx.selectFrom(table as any).selectAll() as any
  return (await q.where('id', '=', id).forUpdate().executeTakeFirst()) as Selectable<DB[T]> | undefined
}

/** Locks several rows of one table in id order (a fixed order, so concurrent callers cannot deadlock). */
export async function lockRows<T extends LockableRoot>(
  trx: Transaction<DB>,
  table: T,
  ids: readonly string[],
): Promise<Selectable<DB[T]>[]> {
  if (ids.length === 0) return []
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  const q = trx.selectFrom(table as any).selectAll() as any
  return (await q
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .execute()) as Selectable<DB[T]>[]
}
