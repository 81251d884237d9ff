import { type Kysely, sql } from 'kysely'

/**
 * 每月自查 becomes a task: each self-check opened from now on links to its district's task in the month's
 * `monthly-self-check` incident, which carries the acknowledgement window and the escalation ladder. Checks
 * opened before this have no task (null) and are filed as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table self_checks add column task_id uuid unique references tasks(id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table self_checks drop column task_id`.execute(db)
}
