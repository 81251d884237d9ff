import { type Kysely, sql } from 'kysely'

/**
 * The notification that wakes the event buses carries the statement's events when they are few and small,
 * so a bus can hand them on without reading the table back (a round trip that was most of a live event's
 * latency). With them it says whether the writing transaction was the oldest one running in this database
 * when it wrote (`oldest`; no transaction with a lower xid can start later): then every transaction that
 * could write an event before it in (txid, id) order has ended by its commit, and a bus that has delivered every notification before this one may deliver these at once
 * (`events/event-bus.ts` says when). Otherwise, or when the rows would not fit a notification (8,000 bytes),
 * the payload is the transaction and its largest id, and the bus reads the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function events_after_insert() returns trigger language plpgsql as $$
    declare
      rows_json text;
      oldest boolean;
    begin
      if (select count(*) from new_events) <= 20 then
        -- The oldest running, server-wide (cheap), or else in this database: only its sessions write events.
        oldest := pg_snapshot_xmin(pg_current_snapshot()) = pg_current_xact_id();
        if not oldest then
          -- pg_stat_activity is read once per transaction and kept: read it afresh.
          perform pg_stat_clear_snapshot();
          oldest := not exists (
            select 1 from pg_stat_activity a
            where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_xid is not null
              and age(a.backend_xid) > age((pg_current_xact_id()::text::numeric % 4294967296)::text::xid));
        end if;
        select json_build_object(
                 'txid', pg_current_xact_id()::text,
                 'oldest', oldest,
                 'events', json_agg(json_build_object(
                   'id', e.id, 'type', e.type, 'incident_id', e.incident_id, 'task_id', e.task_id,
                   'district_code', e.district_code, 'subject', e.subject, 'actor_id', e.actor_id,
                   'actor_name', e.actor_name, 'actor_role', e.actor_role, 'request_id', e.request_id,
                   'payload', e.payload, 'created_at', e.created_at) order by e.id))::text
          into rows_json
          from new_events e;
      end if;
      -- Wake every event bus (delivered at commit, dropped on rollback).
      if rows_json is not null and octet_length(rows_json) <= 7900 then
        perform pg_notify('rs_events', rows_json);
      else
        perform pg_notify('rs_events', json_build_object(
          'txid', pg_current_xact_id()::text, 'max', (select max(id) from new_events))::text);
      end if;
      return null;
    end $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function events_after_insert() returns trigger language plpgsql as $$
    begin
      -- Wake every event bus (delivered at commit, dropped on rollback).
      perform pg_notify('rs_events', (select max(id)::text from new_events));
      return null;
    end $$`.execute(db)
}
