import { type Kysely, sql } from 'kysely'

/**
 * `complaint.escalated` and `rectification.escalated` no longer carry the contact's name and phone, as
 * `task.escalated` no longer does: they name the rung's target and the district, and an SMS gateway's
 * webhook gets the contact looked up at delivery. The events already written lose `contact` and gain the
 * district. There is no way back: the names and phones are not kept anywhere else in the log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events e
    set payload = (e.payload - 'contact') || jsonb_build_object('district', e.district_code)
    where e.type in ('complaint.escalated', 'rectification.escalated')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events set payload = payload - 'district' || '{"contact":null}'::jsonb
    where type in ('complaint.escalated', 'rectification.escalated')`.execute(db)
}
