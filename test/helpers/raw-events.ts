import type { Kysely } from 'kysely'
import type { DB } from '../../src/db/types.js'

/**
 * Writes an event row of any type, bypassing the typed `appendEvents`: for types no module writes yet
 * (`test.*`, a later issue's `announcement.published` or `task.escalated`), as the stream, the outbox trigger
 * and the bus see every row whatever wrote it.
 */
export async function insertRawEvent(
  db: Kysely<DB>,
  at: Date,
  event: {
    type: string
    incidentId?: string
    districtCode?: string
    subject?: string
    payload?: Record<string, unknown>
  },
  requestId = 'test',
): Promise<void> {
  await db
    .insertInto('events')
    .values({
      type: event.type,
      incident_id: event.incidentId ?? null,
      task_id: null,
      district_code: event.districtCode ?? null,
      subject: event.subject ?? null,
      actor_id: null,
      actor_name: 'test',
      actor_role: 'system',
      request_id: requestId,
      payload: JSON.stringify(event.payload ?? {}),
      created_at: at,
    })
    .execute()
}
