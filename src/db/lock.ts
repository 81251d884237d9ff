import type { Selectable } from 'kysely'
import type { Transaction } from './transaction.js'
import type { DB } from './types.js'

/**
 * Check-then-write has one shape: inside the transaction, lock the aggregate root with this, then read the
 * state you will check, then write. Every verb that reads before it writes goes through here.
 *
 * Lock order (always in this order, so two verbs never wait on each other in a cycle):
 *   1. announcement → the announcement it revises (publishing a correction or retraction) → the samples it
 *      takes (`lockRows('samples', ids)`, in id order: drafting, editing a draft, publishing) → the incidents whose disposal tasks
 *      its publication cancels (`lockRows('incidents', ids)`) → the rectification cases a retraction closes
 *      (`lockRows('rectifications', ids)`)
 *   2. incident → its tasks, then its alerts. Every verb that changes an incident's task set (close, level
 *      change, reassign, cancel, a report with figures, the recurring-task job) locks the incident first
 *      and re-checks its status under the lock; a single-statement task move (ack, start, complete,
 *      decline) is a conditional UPDATE of the task alone and needs no read first, except that a move
 *      ending a task of a `closes_when_done` playbook's incident (complete, decline, cancel) locks the
 *      incident first, since it may close it
 *   2b. inspection plan → its incident → the district task its last result completes (recording a result)
 *   2c. self-check → its month's incident → its task (filing completes the task, which may close the incident)
 *   3. retailer, user, business, complaint, signal, rectification: each its own root, locked alone (the
 *      active admin tokens are one set, locked together by the last-admin rule); a signal's
 *      activation locks the signal, then writes its complaints' incident link (signal → complaints)
 *   4. a complaint's intake: transaction advisory locks, all in its first statement — the submission's (for
 *      repeats), then each signal (rule, key) in `signalKeysOf` order — then the open signals' rows
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
