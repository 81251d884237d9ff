import { type Kysely, sql } from 'kysely'
import { bulkInsert } from '../db/bulk-insert.js'
import { inTransaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import { after, currentCursor, type EventCursor, readEventsAfter } from '../events/events.read.js'
import { type IncidentCover, needsCover, routeMatches } from '../events/stream-scope.js'

const BATCH = 1000

const deliveryColumns = [
  ['webhook_id', 'uuid'],
  ['event_id', 'bigint'],
  ['window_start', 'timestamptz'],
  ['next_attempt_at', 'timestamptz'],
  ['created_at', 'timestamptz'],
] as const

/**
 * Fills the webhook outbox: the committed events after the fan-out cursor, each routed to the live
 * subscriptions by `routeMatches` (the stream's rule), in the bus's (txid, id) order. The cursor row is
 * locked for the step, so one instance at a time advances it and no event is routed twice; another
 * instance finding it locked skips (the holder is doing the work). Returns the events routed (none when no
 * subscription is live: the cursor then moves past them unread).
 */
export async function fanOutEvents(db: Kysely<DB>): Promise<number> {
  let total = 0
  for (;;) {
    const n = await inTransaction(db, async (trx) => {
      const locked = await sql<{ txid: string; event_id: string }>`
        select txid::text as txid, event_id from webhook_fanout where id = 1 for update skip locked`.execute(
        trx,
      )
      const at = locked.rows[0]
      if (!at) return 0
      const hooks = await trx
        .selectFrom('webhooks')
        .select(['id', 'events', 'districts', 'notify', sql<string>`from_txid::text`.as('from_txid')])
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .execute()
      const from = { txid: BigInt(at.txid), id: Number(at.event_id) }
      if (hooks.length === 0) {
        // Nobody subscribes: the cursor moves on without reading the events.
        const now = await currentCursor(trx)
        if (!after(now, from)) return 0
        await moveCursor(trx, now)
        return 0
      }
      const batch = await readEventsAfter(trx, from, BATCH)
      const last = batch.at(-1)
      if (!last) return 0
      const covers = await incidentCovers(
        trx,
        batch.filter((r) => hooks.some((h) => needsCover(h, r.event))).map((r) => r.event.incident as string),
      )
      const rows: (string | number)[][] = []
      for (const { event, cursor } of batch)
        for (const h of hooks)
          if (cursor.txid >= BigInt(h.from_txid) && routeMatches(h, event, coverOf(covers, event.incident)))
            rows.push([h.id, event.id, event.at, event.at, event.at])
      await bulkInsert(trx, 'webhook_deliveries', deliveryColumns, rows)
      await moveCursor(trx, last.cursor)
      return batch.length
    })
    total += n
    if (n < BATCH) return total
  }
}

const moveCursor = (db: Kysely<DB>, to: EventCursor) =>
  db
    .updateTable('webhook_fanout')
    .set({ txid: to.txid.toString(), event_id: to.id })
    .where('id', '=', 1)
    .execute()

const coverOf = (covers: Map<string, string[] | null>, incident: string | null): IncidentCover =>
  incident === null ? undefined : covers.has(incident) ? (covers.get(incident) ?? null) : []

async function incidentCovers(db: Kysely<DB>, ids: string[]): Promise<Map<string, string[] | null>> {
  const out = new Map<string, string[] | null>()
  if (ids.length === 0) return out
  const rows = await db
    .selectFrom('incidents')
    .select(['id', 'all_districts', 'districts'])
    .where('id', 'in', [...new Set(ids)])
    .execute()
  for (const r of rows) out.set(r.id, r.all_districts ? null : r.districts)
  return out
}
