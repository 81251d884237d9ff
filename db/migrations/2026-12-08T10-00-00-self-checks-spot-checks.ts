import { type Kysely, sql } from 'kysely'

/**
 * 每月自查 · 每季抽查, and the rest of the rectification loop:
 * - `self_checks`: one per district and month, opened once the month has ended; the district files its report
 *   (summary, measures) and the scorecard figures of that month are kept with it as filed.
 * - `spot_checks`: the command centre's quarterly draw of districts from a published seed (one per quarter):
 *   the districts it drew from (so the draw can be repeated whatever changes later) and those drawn, in order.
 * - a rectification case may now come from an inspection (`rectification_opened`) rather than a failing
 *   sample (role `inspected`, no sample or announcement), and may be closed by a retraction (`retracted`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table self_checks (
    id uuid primary key,
    district_code text not null references districts(code),
    month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status text not null default 'due' check (status in ('due', 'filed')),
    opened_at timestamptz not null,
    due_at timestamptz not null,
    summary text,
    measures text,
    figures jsonb,
    filed_at timestamptz,
    filed_by text,
    unique (district_code, month),
    constraint self_checks_filed check ((status = 'filed') = (filed_at is not null and figures is not null))
  )`.execute(db)
  await sql`create index self_checks_month on self_checks (month, district_code)`.execute(db)
  await sql`create table spot_checks (
    id uuid primary key,
    quarter text not null unique check (quarter ~ '^[0-9]{4}-Q[1-4]$'),
    seed text not null,
    count integer not null check (count between 1 and 20),
    population text[] not null,
    districts text[] not null,
    created_at timestamptz not null,
    created_by text
  )`.execute(db)
  await sql`alter table rectifications
    alter column sample_id drop not null,
    alter column announcement_id drop not null,
    add column inspection_plan_id uuid,
    add column inspection_position integer,
    drop constraint rectifications_role_check,
    add constraint rectifications_role_check check (role in ('seller', 'producer', 'inspected')),
    drop constraint rectifications_outcome_check,
    add constraint rectifications_outcome_check
      check (outcome in ('resample_passed', 'rectified', 'refused', 'retracted')),
    add constraint rectifications_inspection foreign key (inspection_plan_id, inspection_position)
      references inspections (plan_id, position),
    add constraint rectifications_inspection_once unique (inspection_plan_id, inspection_position),
    add constraint rectifications_source check (
      (sample_id is not null and announcement_id is not null and inspection_plan_id is null)
      or (sample_id is null and inspection_plan_id is not null and inspection_position is not null))`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from rectification_evidence where rectification_id in
    (select id from rectifications where inspection_plan_id is not null)`.execute(db)
  await sql`delete from rectifications where inspection_plan_id is not null`.execute(db)
  await sql`update rectifications set outcome = 'rectified' where outcome = 'retracted'`.execute(db)
  await sql`alter table rectifications
    drop constraint rectifications_source,
    drop constraint rectifications_inspection_once,
    drop constraint rectifications_inspection,
    drop constraint rectifications_outcome_check,
    add constraint rectifications_outcome_check check (outcome in ('resample_passed', 'rectified', 'refused')),
    drop constraint rectifications_role_check,
    add constraint rectifications_role_check check (role in ('seller', 'producer')),
    drop column inspection_position,
    drop column inspection_plan_id,
    alter column announcement_id set not null,
    alter column sample_id set not null`.execute(db)
  await sql`drop table spot_checks`.execute(db)
  await sql`drop table self_checks`.execute(db)
}
