import { type Kysely, sql } from 'kysely'

/**
 * A task's reports carry what a district officer needs to see them again and put a wrong figure right:
 * the sample a per-sample disposal record is about, the report a correcting report corrects (its figures
 * are the signed change, so sums follow), the reason stated for it, and the name of whoever filed it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('task_reports')
    .addColumn('sample_id', 'uuid', (c) => c.references('samples.id'))
    .addColumn('corrects', 'uuid', (c) => c.references('task_reports.id'))
    .addColumn('reason', 'text')
    .addColumn('created_by_name', 'text')
    .execute()
  await db.schema
    .createIndex('task_reports_task_idx')
    .on('task_reports')
    .columns(['task_id', 'created_at'])
    .execute()
  await sql`create index task_reports_corrects_idx on task_reports (corrects) where corrects is not null`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('task_reports_corrects_idx').execute()
  await db.schema.dropIndex('task_reports_task_idx').execute()
  await db.schema
    .alterTable('task_reports')
    .dropColumn('created_by_name')
    .dropColumn('reason')
    .dropColumn('corrects')
    .dropColumn('sample_id')
    .execute()
}
