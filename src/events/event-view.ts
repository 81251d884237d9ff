import type { Event } from './event-schemas.js'
import type { EventType } from './event-types.js'

/** The columns of an `events` row that the public `Event` shows (however the row was read). */
export interface EventRow {
  id: number | string
  type: string
  incident_id: string | null
  task_id: string | null
  district_code: string | null
  subject: string | null
  actor_id: string | null
  actor_name: string | null
  actor_role: string | null
  request_id: string | null
  payload: unknown
  created_at: Date | string
}

/**
 * An events row as the public `Event` (`event-schemas.ts`): the one shape of an event on the incident
 * timeline, the live stream and in webhook bodies. A row of a type no module declares yet (written by a
 * later version, or a test) keeps its type and payload as stored.
 */
export function eventView(r: EventRow): Event {
  return {
    id: Number(r.id),
    type: r.type as EventType,
    at: new Date(r.created_at).toISOString(),
    incident: r.incident_id,
    task: r.task_id,
    district: r.district_code,
    subject: r.subject,
    actor: { id: r.actor_id, name: r.actor_name, role: r.actor_role ?? 'system' },
    requestId: r.request_id,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as never,
  } as Event
}
