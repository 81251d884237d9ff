import { type RawBuilder, sql } from 'kysely'
import { bulkInsert } from '../db/bulk-insert.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import { actorColumns, type RequestContext } from '../domain/context.js'
import type { EventPayloads, EventType } from './event-types.js'

interface EventTarget {
  incidentId?: string | null
  taskId?: string | null
  districtCode?: string | null
  subject?: string | null
}

/** An event to write: its type decides the payload's shape. */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: EventTarget & { type: K; payload: EventPayloads[K] }
}[T]

const eventColumns = [
  ['type', 'text'],
  ['incident_id', 'uuid'],
  ['task_id', 'uuid'],
  ['district_code', 'text'],
  ['subject', 'text'],
  ['actor_id', 'uuid'],
  ['actor_name', 'text'],
  ['actor_role', 'text'],
  ['request_id', 'text'],
  ['payload', 'jsonb'],
  ['created_at', 'timestamptz'],
] as const

/**
 * The one place events are written. Inside the caller's transaction, so a state change and its record
 * commit together; every event carries who (actor), when and from which request.
 */
export async function appendEvents(
  trx: Transaction<DB>,
  ctx: RequestContext,
  at: Date,
  events: NewEvent[],
): Promise<void> {
  if (events.length === 0) return
  const when = at.toISOString()
  const actor = actorColumns(ctx)
  await bulkInsert(
    trx,
    'events',
    eventColumns,
    events.map((e) => [
      e.type,
      e.incidentId ?? null,
      e.taskId ?? null,
      e.districtCode ?? null,
      e.subject ?? null,
      actor.actor_id,
      actor.actor_name,
      actor.actor_role,
      ctx.requestId,
      JSON.stringify(e.payload),
      when,
    ]),
  )
}

export function appendEvent(trx: Transaction<DB>, ctx: RequestContext, at: Date, event: NewEvent) {
  return appendEvents(trx, ctx, at, [event])
}

const EVENT_NAMES = sql.raw(eventColumns.map(([name]) => name).join(', '))

/**
 * `appendEvents` as one part of a larger statement (a data-modifying CTE), for a write that would otherwise
 * pay a round trip for its events: the same rows, from one jsonb parameter read with the table's own row type
 * (so each value has its column's type), written only when `when` holds (e.g. that an earlier part wrote).
 */
export function eventsInsert(
  ctx: RequestContext,
  at: Date,
  events: NewEvent[],
  when: RawBuilder<unknown> = sql`true`,
): RawBuilder<unknown> {
  const actor = actorColumns(ctx)
  const rows = events.map((e) => ({
    type: e.type,
    incident_id: e.incidentId ?? null,
    task_id: e.taskId ?? null,
    district_code: e.districtCode ?? null,
    subject: e.subject ?? null,
    ...actor,
    request_id: ctx.requestId,
    payload: e.payload,
    created_at: at.toISOString(),
  }))
  return sql`insert into events (${EVENT_NAMES})
    select ${EVENT_NAMES} from jsonb_populate_recordset(null::events, ${JSON.stringify(rows)}::jsonb)
    where ${when}`
}

/**
 * For a single statement that changes rows and records them (a data-modifying CTE, one round trip): the
 * event columns that do not depend on the changed row, as typed SELECT-list values. The caller selects
 * `incident_id`, `task_id`, `district_code` and `payload` from the changed rows after these, matching
 * `cteEventColumns`.
 */
export function eventConstants<T extends EventType>(ctx: RequestContext, at: Date, type: T) {
  const actor = actorColumns(ctx)
  // Parameters in a SELECT list are untyped: cast them to the target columns' types.
  return [
    sql<string>`${type}::text`.as('type'),
    sql<string | null>`${actor.actor_id}::uuid`.as('actor_id'),
    sql<string | null>`${actor.actor_name}::text`.as('actor_name'),
    sql<string>`${actor.actor_role}::text`.as('actor_role'),
    sql<string>`${ctx.requestId}::text`.as('request_id'),
    sql<Date>`${at.toISOString()}::timestamptz`.as('created_at'),
  ] as const
}

export const cteEventColumns = [
  'type',
  'actor_id',
  'actor_name',
  'actor_role',
  'request_id',
  'created_at',
  'incident_id',
  'task_id',
  'district_code',
  'payload',
] as const
