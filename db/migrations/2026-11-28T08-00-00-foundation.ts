import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('districts')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[0-9]{6}$'`))
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('since', 'integer')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  // Retailers get their full shape with the boards issue; tokens bind to them already.
  await db.schema
    .createTable('retailers')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z0-9][a-z0-9-]{1,63}$'`))
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('district_code', 'text', (c) => c.notNull().references('districts.code'))
    .addColumn('address', 'text')
    .addColumn('categories', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .check(sql`role in ('admin','commander','district','sampler','reviewer','approver','retailer')`),
    )
    .addColumn('district_code', 'text', (c) => c.references('districts.code'))
    .addColumn('retailer_id', 'text', (c) => c.references('retailers.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid')
    .addCheckConstraint(
      'api_tokens_binding',
      sql`(role = 'district') = (district_code is not null) and (role = 'retailer') = (retailer_id is not null)`,
    )
    .execute()

  // The audit trail and the source of live streams and webhooks: append-only.
  await db.schema
    .createTable('events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'uuid')
    .addColumn('task_id', 'uuid')
    .addColumn('district_code', 'text')
    .addColumn('subject', 'text')
    .addColumn('actor_id', 'uuid')
    .addColumn('actor_name', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('request_id', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('events_incident_idx').on('events').columns(['incident_id', 'id']).execute()
  await db.schema.createIndex('events_task_idx').on('events').columns(['task_id', 'id']).execute()

  await db.schema
    .createTable('app_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['app_state', 'events', 'api_tokens', 'retailers', 'districts']) {
    await db.schema.dropTable(t).execute()
  }
}
