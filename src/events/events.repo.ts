import type { Kysely } from 'kysely'
import { bulkInsert } from '../db/bulk-insert.js'
import type { DB } from '../db/types.js'
import type { RequestContext } from '../http/app-env.js'

export interface NewEvent {
  type: string
  incidentId?: string | null
  taskId?: string | null
  districtCode?: string | null
  subject?: string | null
  payload?: Record<string, unknown>
}

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

/** Append events inside the caller's transaction, so a state change and its record commit together. */
export async function appendEvents(
  trx: Kysely<DB>,
  ctx: RequestContext,
  at: Date,
  events: NewEvent[],
): Promise<void> {
  const when = at.toISOString()
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
      ctx.actor?.id ?? null,
      ctx.actor?.name ?? null,
      ctx.actor?.role ?? 'system',
      ctx.requestId,
      JSON.stringify(e.payload ?? {}),
      when,
    ]),
  )
}

export function appendEvent(trx: Kysely<DB>, ctx: RequestContext, at: Date, event: NewEvent) {
  return appendEvents(trx, ctx, at, [event])
}
