import { type Kysely, sql } from 'kysely'

/** Staff accounts, their browser sessions, and the failed-sign-in record behind the lockout. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull())
    // Lower-cased login: the unique key, so "Zhang" and "zhang" are one account.
    .addColumn('login_key', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .check(sql`role in ('admin','commander','district','sampler','reviewer','approver','retailer')`),
    )
    .addColumn('district_code', 'text', (c) => c.references('districts.code'))
    .addColumn('retailer_id', 'text', (c) => c.references('retailers.id'))
    .addColumn('phone', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'boolean', (c) => c.notNull())
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('disabled_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'uuid')
    .execute()

  await db.schema
    .createTable('sessions')
    // sha256 of the cookie's secret: a leaked table cannot be replayed as cookies.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()

  // Keyed by the lower-cased login as typed, known or not: unknown logins lock like real ones.
  await db.schema
    .createTable('login_failures')
    .addColumn('login_key', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('login_failures_key_idx')
    .on('login_failures')
    .columns(['login_key', 'failed_at'])
    .execute()
  await db.schema
    .createTable('login_locks')
    .addColumn('login_key', 'text', (c) => c.primaryKey())
    .addColumn('locked_until', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_locks').execute()
  await db.schema.dropTable('login_failures').execute()
  await db.schema.dropTable('sessions').execute()
  await db.schema.dropTable('users').execute()
}
