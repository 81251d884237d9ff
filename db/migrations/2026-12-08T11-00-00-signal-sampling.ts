import { type Kysely, sql } from 'kysely'

/**
 * A signal's request for sampling (one per signal): the `signal-sampling` incident whose district tasks
 * carry it, and what each district is to sample where (from the signal's complaints, no personal data).
 * Complaints link to the register of businesses, so a business's page lists them and its credit class can
 * count the upheld ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signal_sampling_requests')
    .addColumn('signal_id', 'uuid', (c) => c.primaryKey().references('signals.id'))
    .addColumn('incident_id', 'uuid', (c) => c.notNull().unique().references('incidents.id'))
    .addColumn('districts', sql`text[]`, (c) => c.notNull())
    .addColumn('targets', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .execute()
  await db.schema
    .alterTable('complaints')
    .addColumn('business_id', 'uuid', (c) => c.references('businesses.id'))
    .execute()
  await sql`CREATE INDEX complaints_business_idx ON complaints (business_id, received_at desc) WHERE business_id IS NOT NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX complaints_business_idx`.execute(db)
  await db.schema.alterTable('complaints').dropColumn('business_id').execute()
  await db.schema.dropTable('signal_sampling_requests').execute()
}
