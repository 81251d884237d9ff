import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'

/** An event as every consumer (stream, webhooks, later the public cache and boards) sees it. */
export interface StoredEvent {
  id: number
  type: string
  incident: string | null
  task: string | null
  district: string | null
  subject: string | null
  actor: { id: string | null; name: string | null; role: string | null }
  requestId: string | null
  payload: Record<string, unknown>
  at: string
}

/** Position in the committed event sequence: (writing transaction, id), compared in that order. */
export interface EventCursor {
  txid: bigint
  id: number
}

export interface ReadEvent {
  event: StoredEvent
  cursor: EventCursor
}

export const START: EventCursor = { txid: 0n, id: 0 }

export const after = (a: EventCursor, b: EventCursor): boolean =>
  a.txid > b.txid || (a.txid === b.txid && a.id > b.id)

interface Row {
  id: number
  type: string
  incident_id: string | null
  task_id: string | null
  district_code: string | null
  subject: string | null
  actor_id: string | null
  actor_name: string | null
  actor_role: string | null
  request_id: string | null
  payload: Record<string, unknown> | string
  created_at: Date | string
  txid: string
}

export function toStoredEvent(r: Omit<Row, 'txid'>): StoredEvent {
  return {
    id: Number(r.id),
    type: r.type,
    incident: r.incident_id,
    task: r.task_id,
    district: r.district_code,
    subject: r.subject,
    actor: { id: r.actor_id, name: r.actor_name, role: r.actor_role },
    requestId: r.request_id,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    at: new Date(r.created_at).toISOString(),
  }
}

/**
 * Committed events after `from`, in (txid, id) order, and only from transactions older than every one
 * still running. A bigserial id is drawn at insert and shown at commit, so a later id can commit first; a
 * reader that advanced past it by id alone would skip the earlier one for good. Every transaction below
 * the snapshot's xmin has ended, so no commit can still land before the cursor. The cost is latency: an
 * event waits while an older transaction is open.
 */
export async function readEventsAfter(
  db: Kysely<DB>,
  from: EventCursor,
  limit: number,
): Promise<ReadEvent[]> {
  const { rows } = await sql<Row>`
    select id, type, incident_id, task_id, district_code, subject, actor_id, actor_name, actor_role,
           request_id, payload, created_at, txid::text as txid
    from events
    where (txid, id) > (${from.txid.toString()}::xid8, ${from.id}::bigint)
      and txid < pg_snapshot_xmin(pg_current_snapshot())
    order by txid, id
    limit ${limit}`.execute(db)
  return rows.map((r) => ({ event: toStoredEvent(r), cursor: { txid: BigInt(r.txid), id: Number(r.id) } }))
}

/** The newest position a reader may stand on now (everything at or before it is final). */
export async function currentCursor(db: Kysely<DB>): Promise<EventCursor> {
  const { rows } = await sql<{ txid: string; id: number }>`
    select txid::text as txid, id from events
    where txid < pg_snapshot_xmin(pg_current_snapshot())
    order by txid desc, id desc limit 1`.execute(db)
  const r = rows[0]
  return r ? { txid: BigInt(r.txid), id: Number(r.id) } : START
}

/** The position of a given event id (for `Last-Event-ID`), or undefined when there is no such event. */
export async function cursorOf(db: Kysely<DB>, id: number): Promise<EventCursor | undefined> {
  const { rows } = await sql<{ txid: string; id: number }>`
    select txid::text as txid, id from events where id = ${id}`.execute(db)
  const r = rows[0]
  return r ? { txid: BigInt(r.txid), id: Number(r.id) } : undefined
}
