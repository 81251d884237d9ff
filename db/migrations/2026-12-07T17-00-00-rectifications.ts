import { type Kysely, sql } from 'kysely'

/**
 * Rectification (整改): a failing sample in a published, non-exercise announcement opens one case per seller
 * business (and per producer business located in the city). The case records the quality-analysis meeting,
 * the business's stated cause and measures, evidence (text or a small file kept here as bytea), and how it
 * closed: a passing re-sample of the same business, or a recorded decision with a reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table rectifications (
    id uuid primary key,
    business_id uuid not null references businesses(id),
    role text not null check (role in ('seller', 'producer')),
    sample_id uuid not null references samples(id),
    announcement_id uuid not null references announcements(id),
    district_code text not null references districts(code),
    failed_items jsonb not null,
    measures_required jsonb not null,
    rules_hash text not null,
    status text not null default 'open' check (status in ('open', 'closed')),
    opened_at timestamptz not null,
    due_at timestamptz not null,
    meeting jsonb,
    cause text,
    measures_taken text,
    outcome text check (outcome in ('resample_passed', 'rectified', 'refused')),
    resample_id uuid references samples(id),
    close_reason text,
    closed_at timestamptz,
    closed_by text,
    alarm_rung integer not null default 0,
    next_alarm_at timestamptz,
    updated_at timestamptz,
    unique (sample_id, business_id),
    constraint rectifications_closed check ((status = 'closed') = (outcome is not null and closed_at is not null))
  )`.execute(db)
  await sql`create index rectifications_district on rectifications (district_code, opened_at desc)`.execute(
    db,
  )
  await sql`create index rectifications_business on rectifications (business_id)`.execute(db)
  await sql`create index rectifications_alarm on rectifications (next_alarm_at) where next_alarm_at is not null`.execute(
    db,
  )
  await sql`create table rectification_evidence (
    id uuid primary key,
    rectification_id uuid not null references rectifications(id),
    note text,
    file_name text,
    content_type text,
    size integer,
    content bytea,
    added_at timestamptz not null,
    added_by text,
    constraint rectification_evidence_something check (note is not null or content is not null)
  )`.execute(db)
  await sql`create index rectification_evidence_case on rectification_evidence (rectification_id, added_at)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rectification_evidence`.execute(db)
  await sql`drop table rectifications`.execute(db)
}
