import type { Kysely } from 'kysely'
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

/** Append events inside the caller's transaction, so a state change and its record commit together. */
export async function appendEvents(
  trx: Kysely<DB>,
  ctx: RequestContext,
  at: Date,
  events: NewEvent[],
): Promise<void> {
  if (events.length === 0) return
  await trx
    .insertInto('events')
    .values(
      events.map((e) => ({
        type: e.type,
        incident_id: e.incidentId ?? null,
        task_id: e.taskId ?? null,
        district_code: e.districtCode ?? null,
        subject: e.subject ?? null,
        actor_id: ctx.actor?.id ?? null,
        actor_name: ctx.actor?.name ?? null,
        actor_role: ctx.actor?.role ?? 'system',
        request_id: ctx.requestId,
        payload: JSON.stringify(e.payload ?? {}),
        created_at: at,
      })),
    )
    .execute()
}

export function appendEvent(trx: Kysely<DB>, ctx: RequestContext, at: Date, event: NewEvent) {
  return appendEvents(trx, ctx, at, [event])
}
