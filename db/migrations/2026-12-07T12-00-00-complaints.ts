import { type Kysely, sql } from 'kysely'

/**
 * 12315 complaints, reports and enquiries: the complaint row (its own lock root), a tracking
 * counter per year, the match keys signals count over, and signals with the complaints that raised them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('complaint_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('complaints')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tracking', 'text', (c) => c.notNull().unique())
    // sha256 of each check code handed out for it (a repeated submission gets its own code).
    .addColumn('code_hashes', sql`text[]`, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('district_code', 'text')
    .addColumn('owner_id', 'uuid')
    .addColumn('owner_name', 'text')
    .addColumn('taken_at', 'timestamptz')
    .addColumn('product_name', 'text')
    .addColumn('product_brand', 'text')
    .addColumn('product_batch', 'text')
    .addColumn('product_spec', 'text')
    .addColumn('business_name', 'text')
    .addColumn('business_address', 'text')
    .addColumn('purchased_on', 'date')
    .addColumn('amount', sql`numeric(12,2)`)
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('anonymous', 'boolean', (c) => c.notNull())
    .addColumn('decide_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision', 'text')
    .addColumn('decline_reasons', sql`text[]`)
    .addColumn('close_due_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addColumn('recovered', sql`numeric(12,2)`)
    .addColumn('close_note', 'text')
    .addColumn('rules_hash', 'text', (c) => c.notNull())
    .addColumn('exercise', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('submission_hash', 'text')
    .addColumn('incident_id', 'uuid')
    .addColumn('alarm_clock', 'text')
    .addColumn('alarm_rung', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_alarm_at', 'timestamptz')
    .addColumn('personal_cleared_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .execute()
  await db.schema
    .createIndex('complaints_list_idx')
    .on('complaints')
    .columns(['received_at desc', 'id desc'])
    .execute()
  await db.schema
    .createIndex('complaints_district_idx')
    .on('complaints')
    .columns(['district_code', 'received_at desc', 'id desc'])
    .execute()
  await db.schema
    .createIndex('complaints_submission_idx')
    .on('complaints')
    .columns(['submission_hash', 'received_at'])
    .execute()
  await sql`CREATE INDEX complaints_alarm_idx ON complaints (next_alarm_at) WHERE next_alarm_at IS NOT NULL`.execute(
    db,
  )
  await sql`CREATE INDEX complaints_retention_idx ON complaints (closed_at) WHERE contact_phone IS NOT NULL OR contact_name IS NOT NULL`.execute(
    db,
  )

  // A complaint's public timeline reads its events by subject (its tracking number).
  await sql`CREATE INDEX events_complaint_subject_idx ON events (subject, id) WHERE type LIKE 'complaint.%'`.execute(
    db,
  )

  await db.schema
    .createTable('complaint_keys')
    .addColumn('complaint_id', 'uuid', (c) => c.notNull().references('complaints.id'))
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('exercise', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('complaint_keys_pk', ['complaint_id', 'match', 'key'])
    .execute()
  await db.schema
    .createIndex('complaint_keys_count_idx')
    .on('complaint_keys')
    .columns(['match', 'key', 'received_at'])
    .execute()

  await db.schema
    .createTable('signals')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('rule_hash', 'text', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('complaint_count', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addColumn('dedup_until', 'timestamptz', (c) => c.notNull())
    .addColumn('snoozed_until', 'timestamptz')
    .addColumn('suggested_playbook', 'text', (c) => c.notNull())
    .addColumn('suggested_level', 'integer', (c) => c.notNull())
    .addColumn('incident_id', 'uuid')
    .addColumn('dismiss_reason', 'text')
    .addColumn('exercise', 'boolean', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'uuid')
    .execute()
  await db.schema
    .createIndex('signals_key_idx')
    .on('signals')
    .columns(['rule_id', 'key', 'dedup_until'])
    .execute()
  await db.schema
    .createIndex('signals_list_idx')
    .on('signals')
    .columns(['raised_at desc', 'id desc'])
    .execute()
  await db.schema
    .createTable('signal_complaints')
    .addColumn('signal_id', 'uuid', (c) => c.notNull().references('signals.id'))
    .addColumn('complaint_id', 'uuid', (c) => c.notNull().references('complaints.id'))
    .addPrimaryKeyConstraint('signal_complaints_pk', ['signal_id', 'complaint_id'])
    .execute()
  await db.schema
    .createIndex('signal_complaints_complaint_idx')
    .on('signal_complaints')
    .column('complaint_id')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX events_complaint_subject_idx`.execute(db)
  for (const t of ['signal_complaints', 'signals', 'complaint_keys', 'complaints', 'complaint_counters'])
    await db.schema.dropTable(t).execute()
}
