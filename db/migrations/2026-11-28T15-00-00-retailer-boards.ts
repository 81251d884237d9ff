import { type Kysely, sql } from 'kysely'

/**
 * Retailers get their full shape (normalised name and address for sample linking, contact, who changed
 * them); samples link to the retailer they were taken at; boards are versioned snapshots.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('retailers')
    .addColumn('name_norm', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('address_norm', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('created_by', 'uuid')
    .addColumn('updated_at', 'timestamptz')
    .addColumn('updated_by', 'uuid')
    .execute()
  await db.schema.createIndex('retailers_match_idx').on('retailers').columns(['name_norm']).execute()
  await db.schema
    .createIndex('retailers_district_idx')
    .on('retailers')
    .columns(['district_code', 'id'])
    .execute()
  // Linking a newly registered retailer looks samples up by normalised unit name.
  await db.schema.createIndex('samples_unit_name_norm_idx').on('samples').column('unit_name_norm').execute()

  await db.schema
    .createTable('retailer_samples')
    .addColumn('sample_id', 'uuid', (c) => c.primaryKey().references('samples.id'))
    .addColumn('retailer_id', 'text', (c) => c.notNull().references('retailers.id'))
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('retailer_samples_retailer_idx')
    .on('retailer_samples')
    .columns(['retailer_id', 'sample_id'])
    .execute()

  // The current board of each retailer, and what confirmation it awaits.
  await db.schema
    .createTable('boards')
    .addColumn('retailer_id', 'text', (c) => c.primaryKey().references('retailers.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('failing_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('confirmed_version', 'integer')
    .addColumn('confirmed_at', 'timestamptz')
    // Since when a version that added failing products has waited for the retailer's confirmation.
    .addColumn('unconfirmed_since', 'timestamptz')
    .addColumn('unconfirmed_version', 'integer')
    .execute()
  await db.schema
    .createTable('board_versions')
    .addColumn('retailer_id', 'text', (c) => c.notNull().references('retailers.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('added_failing', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('board_versions_pk', ['retailer_id', 'version'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['board_versions', 'boards', 'retailer_samples']) await db.schema.dropTable(t).execute()
  await db.schema.dropIndex('samples_unit_name_norm_idx').execute()
}
