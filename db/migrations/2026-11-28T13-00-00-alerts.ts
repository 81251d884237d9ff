import { type Kysely, sql } from 'kysely'

/**
 * Consumer alerts. `alerts` holds the current state of each alert (what the public pages and the list show);
 * `alert_versions` holds every CAP message ever sent for it (Alert, then Updates, then a Cancel), each with
 * the full content it carried, so `/cap/{id}.xml` re-renders any version exactly as it was sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('incident','announcement')`))
    .addColumn('incident_id', 'uuid')
    .addColumn('announcement_id', 'uuid')
    .addColumn('sample_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','closed','cancelled')`))
    .addColumn('exercise', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('level', 'smallint', (c) => c.notNull().check(sql`level between 1 and 4`))
    .addColumn('product_category', 'text')
    .addColumn('districts', sql`text[]`, (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('current_version_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('alerts_incident_idx').on('alerts').column('incident_id').execute()
  await db.schema.createIndex('alerts_announcement_idx').on('alerts').column('announcement_id').execute()

  await db.schema
    .createTable('alert_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('alert_id', 'uuid', (c) => c.notNull().references('alerts.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('identifier', 'text', (c) => c.notNull().unique())
    .addColumn('msg_type', 'text', (c) => c.notNull().check(sql`msg_type in ('Alert','Update','Cancel')`))
    .addColumn('cap_status', 'text', (c) => c.notNull().check(sql`cap_status in ('Actual','Exercise')`))
    .addColumn('references', sql`text[]`, (c) => c.notNull())
    .addColumn('sent', 'timestamptz', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('alert_versions_alert_version_uq', ['alert_id', 'version'])
    .execute()
  // The public read cache asks for the newest public-facing event twice a second per instance.
  await sql`create index events_public_idx on events (id) where (type like 'alert.%' or type like 'announcement.%')`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index events_public_idx`.execute(db)
  await db.schema.dropTable('alert_versions').execute()
  await db.schema.dropTable('alerts').execute()
}
