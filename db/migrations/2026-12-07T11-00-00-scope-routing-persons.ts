import { type Kysely, sql } from 'kysely'

/**
 * Persons behind credentials: a token may belong to a user (`api_tokens.user_id`), so 一审一核 tells people
 * apart, not tokens; `announcements.authors` lists everyone who wrote a draft (its drafter and each editor),
 * none of whom may review or approve it.
 *
 * Webhook routing moves out of the `events` trigger into the service (`events/stream-scope.ts` decides for
 * the stream and for webhooks alike; `webhooks/webhook-fanout.ts` fills the outbox from it). The trigger
 * keeps waking the event buses. `webhook_fanout` is the outbox's cursor over the committed events, one row,
 * locked by the instance that advances it; it starts here, so the events the trigger already routed are not
 * routed again. A subscription receives the events of its own transaction and later ones (`from_txid`), as
 * the trigger gave it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_tokens add column user_id uuid references users (id)`.execute(db)
  await sql`alter table announcements add column authors uuid[] not null default '{}'`.execute(db)
  await sql`update announcements set authors = array[drafted_by]`.execute(db)

  await sql`alter table webhooks add column from_txid xid8 not null default pg_current_xact_id()`.execute(db)
  await sql`
    create table webhook_fanout (
      id integer primary key check (id = 1),
      txid xid8 not null,
      event_id bigint not null
    )`.execute(db)
  await sql`insert into webhook_fanout (id, txid, event_id) values (1, pg_current_xact_id(), 0)`.execute(db)
  await sql`
    create or replace function events_after_insert() returns trigger language plpgsql as $$
    begin
      -- Wake every event bus (delivered at commit, dropped on rollback).
      perform pg_notify('rs_events', (select max(id)::text from new_events));
      return null;
    end $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function events_after_insert() returns trigger language plpgsql as $$
    begin
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
      perform pg_notify('rs_events', (select max(id)::text from new_events));
      return null;
    end $$`.execute(db)
  await sql`drop table webhook_fanout`.execute(db)
  await sql`alter table webhooks drop column from_txid`.execute(db)
  await sql`alter table announcements drop column authors`.execute(db)
  await sql`alter table api_tokens drop column user_id`.execute(db)
}
