import { type Kysely, sql } from 'kysely'

/**
 * The event bus and webhooks (issue 7, part B).
 *
 * `events.txid` records the writing transaction. A bigserial id is taken at insert time but becomes visible
 * at commit, so ids can appear out of order; readers therefore advance over (txid, id) and only past
 * transactions older than every one still running in this database (see `eventHorizon`), which no later
 * commit can precede.
 *
 * Both triggers are per statement with a transition table, so they cover every writer (including the
 * single-statement task transitions) at the cost of one notification and one INSERT … SELECT per statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column txid xid8 not null default pg_current_xact_id()`.execute(db)
  await db.schema.createIndex('events_txid_idx').on('events').columns(['txid', 'id']).execute()

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', sql`text[]`, (c) => c.notNull())
    .addColumn('districts', sql`text[]`)
    .addColumn('notify', sql`text[]`)
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('deleted_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id'))
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The retry window (24 h) counts from here; a redelivery restarts it.
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // The head of each subscription's queue: its oldest pending delivery.
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (webhook_id, id) where status = 'pending'`.execute(
    db,
  )
  await db.schema
    .createIndex('webhook_deliveries_list_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'status', 'id'])
    .execute()

  await sql`
    create function events_after_insert() returns trigger language plpgsql as $$
    begin
      -- The outbox: one delivery per matching live subscription, in the writer's transaction.
      insert into webhook_deliveries (webhook_id, event_id, window_start, next_attempt_at, created_at)
      select w.id, e.id, e.created_at, e.created_at, e.created_at
      from new_events e
      join webhooks w on w.deleted_at is null
        and exists (
          select 1 from unnest(w.events) p
          where p = '*' or p = e.type or (right(p, 2) = '.*' and starts_with(e.type, left(p, -1))))
        and (w.districts is null or e.district_code = any (w.districts))
        and (w.notify is null or e.payload ->> 'notify' = any (w.notify))
      order by e.id, w.id;
      -- Wake every event bus (delivered at commit, dropped on rollback).
      perform pg_notify('rs_events', (select max(id)::text from new_events));
      return null;
    end $$`.execute(db)
  await sql`
    create trigger events_after_insert after insert on events
    referencing new table as new_events
    for each statement execute function events_after_insert()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger events_after_insert on events`.execute(db)
  await sql`drop function events_after_insert()`.execute(db)
  await db.schema.dropTable('webhook_deliveries').execute()
  await db.schema.dropTable('webhooks').execute()
  await sql`alter table events drop column txid`.execute(db)
}
