import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('playbook_versions')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('playbook_id', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('current_hash', 'text', (c) => c.notNull().references('playbook_versions.hash'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('incident_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('playbook_id', 'text', (c) => c.notNull())
    .addColumn('playbook_hash', 'text', (c) => c.notNull().references('playbook_versions.hash'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('hazard', 'text')
    .addColumn('products', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('level', 'smallint', (c) => c.notNull().check(sql`level between 1 and 4`))
    .addColumn('all_districts', 'boolean', (c) => c.notNull())
    .addColumn('districts', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','closed')`))
    .addColumn('exercise', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('note', 'text')
    .addColumn('summary', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid')
    .execute()
  await db.schema
    .createIndex('incidents_status_idx')
    .on('incidents')
    .columns(['status', 'created_at'])
    .execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute()

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('incident_id', 'uuid', (c) => c.notNull().references('incidents.id'))
    .addColumn('district_code', 'text', (c) => c.notNull().references('districts.code'))
    .addColumn('step_key', 'text', (c) => c.notNull())
    .addColumn('occurrence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('pending','acknowledged','in_progress','completed','declined','cancelled')`),
    )
    .addColumn('ack_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('owner_id', 'uuid')
    .addColumn('owner_name', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('declined_at', 'timestamptz')
    .addColumn('decline_reason', 'text')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('last_report_at', 'timestamptz')
    .addColumn('next_escalation_at', 'timestamptz')
    .addColumn('escalation_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('tasks_occurrence_uq', ['incident_id', 'district_code', 'step_key', 'occurrence'])
    .execute()
  await db.schema.createIndex('tasks_district_idx').on('tasks').columns(['district_code', 'status']).execute()
  await db.schema
    .createIndex('tasks_escalation_idx')
    .on('tasks')
    .column('next_escalation_at')
    .where(sql.ref('next_escalation_at'), 'is not', null)
    .execute()

  await db.schema
    .createTable('task_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id'))
    .addColumn('incident_id', 'uuid', (c) => c.notNull().references('incidents.id'))
    .addColumn('district_code', 'text', (c) => c.notNull())
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('request_id', 'text')
    .execute()
  await db.schema.createIndex('task_reports_incident_idx').on('task_reports').column('incident_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'task_reports',
    'tasks',
    'idempotency_keys',
    'incidents',
    'incident_counters',
    'playbooks',
    'playbook_versions',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
