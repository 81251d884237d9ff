import { type Kysely, sql } from 'kysely'

/**
 * `task.escalated` events no longer carry the contact's name and phone: the event log and the stream never
 * hold them (an SMS gateway's webhook gets the contact looked up at delivery). The events already written
 * lose `contact` and gain what the payload now names instead: the task's district and whether the incident
 * is an exercise. There is no way back: the names and phones are not kept anywhere else in the log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events e
    set payload = (e.payload - 'contact') || jsonb_build_object(
      'district', e.district_code,
      'exercise', coalesce((select i.exercise from incidents i where i.id = e.incident_id), false))
    where e.type = 'task.escalated'`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events set payload = payload - 'district' - 'exercise' || '{"contact":null}'::jsonb
    where type = 'task.escalated'`.execute(db)
}
