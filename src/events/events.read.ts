import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'
import type { Event } from './event-schemas.js'
import { type EventRow, eventView } from './event-view.js'

/** An event as every consumer (stream, webhooks, later the public cache and boards) sees it. */
export type StoredEvent = Event

/**
 * Position in the committed event sequence: (writing transaction, id), compared in that order, as numbers:
 * bigint here, xid8 in SQL. The queries below hand the xid8 out as text (`txid_text`), under another name
 * than the column: `order by txid` with a text column named `txid` in the select list sorts by that text
 * ('1000' before '999'), which skipped events at batch boundaries and put a fresh cursor on an old event.
 */
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

export interface CursorRow extends EventRow {
  txid_text: string
}

/**
 * The horizon: every transaction of this database with an xid below it has ended. A bigserial id is drawn
 * at insert and shown at commit, so a later id can commit first; a reader that advanced past it by id alone
 * would skip the earlier one for good. Readers therefore take only events of transactions below the
 * horizon, in (txid, id) order, and nothing can later commit behind their cursor.
 *
 * The horizon is the snapshot's xmax lowered to the oldest xid still running in this database
 * (`pg_stat_activity.backend_xid`, lifted to 64 bits next to xmax). Transactions of other
 * databases on the same server cannot write these events, so unlike the snapshot's xmin they do not hold
 * the stream back. It must be taken in a statement before the one that reads the events: a transaction
 * that ends between the two is then visible to the read. Events are written by the app's own role, whose
 * sessions' xids `pg_stat_activity` always shows; prepared (two-phase) transactions are not used.
 */
export async function eventHorizon(db: Kysely<DB>): Promise<string> {
  // A backend's xid is 32 bits; it is placed against the snapshot's xmax by their signed 32-bit distance, so
  // an xid of the epoch before (wraparound) lands below xmax. An xid at or above xmax was assigned after the
  // snapshot (pg_stat_activity is read after it): it bounds nothing. Lifting it with the current epoch, as
  // before, put it an epoch too low: a negative horizon, which xid8 read as a huge one, so a read took
  // events past transactions still open and skipped theirs.
  const { rows } = await sql<{ h: string }>`
    with s as (select pg_snapshot_xmax(pg_current_snapshot())::text::numeric as xmax),
    running as (
      select s.xmax + (mod(a.backend_xid::text::numeric - mod(s.xmax, 4294967296) + 6442450944, 4294967296)
                       - 2147483648) as x
      from pg_stat_activity a, s
      where a.datname = current_database() and a.backend_xid is not null and a.pid <> pg_backend_pid()
    )
    select least((select xmax from s), coalesce((select min(x) from running), (select xmax from s)))::text as h`.execute(
    db,
  )
  const h = rows[0]?.h
  if (h === undefined) throw new Error('no event horizon')
  return h
}

/** Events read, and the horizon they were read under: every event of a transaction below it is among them. */
export interface ReadBatch {
  events: ReadEvent[]
  horizon: bigint
}

/**
 * Committed events after `from` in (txid, id) order, in one statement: below the xmin of that statement's own
 * snapshot, under which every transaction has ended and each committed one is visible to the same read. One
 * round trip and no scan of `pg_stat_activity` (milliseconds on a busy server), so the live path takes this
 * first. Its horizon counts transactions of every database on the server, so one open elsewhere holds it
 * back: a reader that was told of a newer event (a notification) falls back to `readEventsAfter`.
 */
export async function readFinishedAfter(
  db: Kysely<DB>,
  from: EventCursor,
  limit: number,
): Promise<ReadBatch> {
  // The horizon comes back on every row, and on one row of nulls when there is no event (the left join).
  const { rows } = await sql<CursorRow & { horizon_text: string; id: number | null }>`
    with h as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as x)
    select h.x::text as horizon_text, e.* from h left join lateral (
      select id, type, incident_id, task_id, district_code, subject, actor_id, actor_name, actor_role,
             request_id, payload, created_at, txid::text as txid_text
      from events
      where (txid, id) > (${from.txid.toString()}::xid8, ${from.id}::bigint)
        and txid < h.x
      order by events.txid, events.id
      limit ${limit}) e on true`.execute(db)
  const horizon = BigInt(rows[0]?.horizon_text ?? '0')
  return { events: rows.filter((r) => r.id !== null).map(toReadEvent), horizon }
}

export const toReadEvent = (r: CursorRow): ReadEvent => ({
  event: eventView(r),
  cursor: { txid: BigInt(r.txid_text), id: Number(r.id) },
})

/** Committed events after `from`, in (txid, id) order, of transactions below the horizon (see above). */
export async function readEventsAfter(
  db: Kysely<DB>,
  from: EventCursor,
  limit: number,
): Promise<ReadEvent[]> {
  return (await readEventsUpTo(db, from, limit)).events
}

/** `readEventsAfter`, with the horizon it read under. */
export async function readEventsUpTo(db: Kysely<DB>, from: EventCursor, limit: number): Promise<ReadBatch> {
  const horizon = await eventHorizon(db)
  const { rows } = await sql<CursorRow>`
    select id, type, incident_id, task_id, district_code, subject, actor_id, actor_name, actor_role,
           request_id, payload, created_at, txid::text as txid_text
    from events
    where (txid, id) > (${from.txid.toString()}::xid8, ${from.id}::bigint)
      and txid < ${horizon}::xid8
    order by events.txid, events.id
    limit ${limit}`.execute(db)
  return { events: rows.map(toReadEvent), horizon: BigInt(horizon) }
}

/** The xid every transaction that has ended by now is below (the current snapshot's xmax). */
export async function xidFence(db: Kysely<DB>): Promise<bigint> {
  const { rows } = await sql<{
    x: string
  }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db)
  return BigInt(rows[0]?.x ?? '0')
}

/** The newest position a reader may stand on now (everything at or before it is final). */
export async function currentCursor(db: Kysely<DB>): Promise<EventCursor> {
  const horizon = await eventHorizon(db)
  const { rows } = await sql<{ txid_text: string; id: number }>`
    select txid::text as txid_text, id from events
    where txid < ${horizon}::xid8
    order by events.txid desc, events.id desc limit 1`.execute(db)
  const r = rows[0]
  return r ? { txid: BigInt(r.txid_text), id: Number(r.id) } : START
}

/**
 * The position of an event id (for `Last-Event-ID`). An id no event has (a rolled-back insert, another
 * server's) resumes after the nearest event below it; undefined when there is none (start from the first).
 */
export async function cursorOf(db: Kysely<DB>, id: number): Promise<EventCursor | undefined> {
  const { rows } = await sql<{ txid_text: string; id: number }>`
    select txid::text as txid_text, id from events where id <= ${id} order by events.id desc limit 1`.execute(
    db,
  )
  const r = rows[0]
  return r ? { txid: BigInt(r.txid_text), id: Number(r.id) } : undefined
}
