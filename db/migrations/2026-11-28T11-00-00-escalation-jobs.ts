import { type Kysely, sql } from 'kysely'

/**
 * Escalation cursor on tasks (which clock runs, when it started, which ladder position fires next, the last
 * escalation), reassignment links, contacts for escalation targets, and the job-run ledger whose unique
 * (job, slot) key lets one instance only run a cron slot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('escalation_clock', 'text', (c) =>
      c.check(sql`escalation_clock in ('unacknowledged','overdue')`),
    )
    .addColumn('clock_started_at', 'timestamptz')
    .addColumn('escalation_position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_escalated_at', 'timestamptz')
    .addColumn('last_escalation_rung', 'integer')
    .addColumn('last_escalation_notify', 'text')
    .addColumn('reassigned_from', 'uuid', (c) => c.references('tasks.id'))
    .execute()
  // A declined task is reassigned at most once.
  await db.schema
    .createIndex('tasks_reassigned_from_uq')
    .on('tasks')
    .column('reassigned_from')
    .unique()
    .where(sql.ref('reassigned_from'), 'is not', null)
    .execute()

  await db.schema
    .createTable('district_contacts')
    .addColumn('district_code', 'text', (c) => c.primaryKey().references('districts.code'))
    .addColumn('duty_officer_name', 'text')
    .addColumn('duty_officer_phone', 'text')
    .addColumn('head_name', 'text')
    .addColumn('head_phone', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'uuid')
    .execute()
  await db.schema
    .createTable('city_contacts')
    .addColumn('target', 'text', (c) =>
      c.primaryKey().check(sql`target in ('command_centre','city_leadership')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'uuid')
    .execute()

  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('instance', 'text', (c) => c.notNull())
    .addColumn('catch_up', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('running','ok','failed')`))
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'slot'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['job_runs', 'city_contacts', 'district_contacts']) await db.schema.dropTable(t).execute()
  await db.schema.dropIndex('tasks_reassigned_from_uq').execute()
  await db.schema
    .alterTable('tasks')
    .dropColumn('escalation_clock')
    .dropColumn('clock_started_at')
    .dropColumn('escalation_position')
    .dropColumn('last_escalated_at')
    .dropColumn('last_escalation_rung')
    .dropColumn('last_escalation_notify')
    .dropColumn('reassigned_from')
    .execute()
}
