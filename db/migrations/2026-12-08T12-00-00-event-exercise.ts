import { type Kysely, sql } from 'kysely'

/**
 * Every incident.* and task.* event payload says whether its incident is an exercise (演练), so a stream
 * or webhook consumer never has to look the incident up to tell a drill from the real thing. Events
 * written before carry it from their incident. `task.escalated` is written by the escalation sweep and
 * given the flag there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events e
       set payload = e.payload || jsonb_build_object('exercise', i.exercise)
      from incidents i
     where i.id = e.incident_id
       and (e.type like 'incident.%' or (e.type like 'task.%' and e.type <> 'task.escalated'))
       and not (e.payload ? 'exercise')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events
       set payload = payload - 'exercise'
     where type like 'task.%' and type <> 'task.escalated'
        or type in ('incident.level_raised', 'incident.level_lowered', 'incident.closed')`.execute(db)
}
