import { type Kysely, sql } from 'kysely'

/** Samples (lab results), their test items, file imports, and the announcements that publish them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('samples')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('no', 'text', (c) => c.notNull().unique())
    .addColumn('seq', 'integer')
    .addColumn('unit_name', 'text', (c) => c.notNull())
    .addColumn('unit_name_norm', 'text', (c) => c.notNull())
    .addColumn('unit_address', 'text', (c) => c.notNull())
    // Checked against the loaded divisions on the way in; no foreign key, whose per-row trigger was a
    // quarter of a large import's insert time.
    .addColumn('district_code', 'text', (c) => c.notNull())
    .addColumn('food_name', 'text', (c) => c.notNull())
    .addColumn('spec', 'text')
    .addColumn('brand', 'text')
    .addColumn('batch', 'text')
    .addColumn('production_date', 'date')
    .addColumn('purchase_date', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('producer_name', 'text')
    .addColumn('producer_address', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('task_source', 'text')
    .addColumn('lab', 'text')
    .addColumn('sampled_on', 'date')
    .addColumn('tested_on', 'date')
    .addColumn('remarks', 'text')
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('pass','fail')`))
    .addColumn('public', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('import_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .execute()
  await db.schema.createIndex('samples_district_idx').on('samples').columns(['district_code', 'no']).execute()

  await db.schema
    .createTable('sample_items')
    .addColumn('sample_id', 'uuid', (c) => c.notNull().references('samples.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('limit_value', 'text')
    .addColumn('unit', 'text')
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('pass','fail')`))
    .addPrimaryKeyConstraint('sample_items_pk', ['sample_id', 'position'])
    .execute()

  // One row per imported file (by content hash): importing the same file again adds nothing.
  await db.schema
    .createTable('sample_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('content_hash', 'text', (c) => c.notNull().unique())
    .addColumn('file_name', 'text')
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .execute()

  await db.schema
    .createTable('announcements')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('original','correction','retraction')`))
    .addColumn('refers_to', 'uuid', (c) => c.references('announcements.id'))
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft','in_review','reviewed','approved','published')`),
    )
    .addColumn('superseded', 'text', (c) => c.check(sql`superseded in ('corrected','retracted')`))
    .addColumn('superseded_by', 'uuid')
    .addColumn('exercise', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('drafted_by', 'uuid', (c) => c.notNull())
    .addColumn('drafted_by_name', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'uuid')
    .addColumn('reviewed_by_name', 'text')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('review_comment', 'text')
    .addColumn('approved_by', 'uuid')
    .addColumn('approved_by_name', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('approve_comment', 'text')
    .addColumn('return_comment', 'text')
    .addColumn('publish_at', 'timestamptz')
    .addColumn('published_at', 'timestamptz')
    .addColumn('published_by', 'uuid')
    .addColumn('incident_id', 'uuid', (c) => c.references('incidents.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // The publication job's claim: approved rows whose time has come.
  await db.schema
    .createIndex('announcements_due_idx')
    .on('announcements')
    .column('publish_at')
    .where(sql.ref('status'), '=', 'approved')
    .execute()

  await db.schema
    .createTable('announcement_samples')
    .addColumn('announcement_id', 'uuid', (c) => c.notNull().references('announcements.id'))
    .addColumn('sample_id', 'uuid', (c) => c.notNull().references('samples.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('announcement_samples_pk', ['announcement_id', 'sample_id'])
    .execute()
  await db.schema
    .createIndex('announcement_samples_sample_idx')
    .on('announcement_samples')
    .column('sample_id')
    .execute()

  // Which samples a disposal task is about: each district's task lists that district's failing samples.
  await db.schema
    .createTable('disposal_task_samples')
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id'))
    .addColumn('sample_id', 'uuid', (c) => c.notNull().references('samples.id'))
    .addColumn('announcement_id', 'uuid', (c) => c.notNull().references('announcements.id'))
    .addPrimaryKeyConstraint('disposal_task_samples_pk', ['task_id', 'sample_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'disposal_task_samples',
    'announcement_samples',
    'announcements',
    'sample_imports',
    'sample_items',
    'samples',
  ])
    await db.schema.dropTable(t).execute()
}
