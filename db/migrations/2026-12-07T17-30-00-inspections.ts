import { type Kysely, sql } from 'kysely'

/**
 * 双随机、一公开: inspection plans (population, shares per credit class, published seed, checklist), the
 * draw (businesses in order, two officers each, the district task that carries it, the result), and the
 * officers flagged as conflicted with a business (never drawn to inspect it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table inspection_plans (
    id uuid primary key,
    title text not null,
    period text not null,
    population jsonb not null,
    shares jsonb not null,
    seed text not null,
    checklist jsonb not null,
    status text not null default 'planned' check (status in ('planned', 'drawn')),
    incident_id uuid references incidents(id),
    created_at timestamptz not null,
    created_by text,
    drawn_at timestamptz,
    drawn_by text
  )`.execute(db)
  await sql`create table inspections (
    plan_id uuid not null references inspection_plans(id),
    position integer not null,
    business_id uuid not null references businesses(id),
    district_code text not null references districts(code),
    credit_class text not null,
    inspectors uuid[] not null,
    task_id uuid references tasks(id),
    result text check (result in ('pass', 'issues_found', 'rectification_opened')),
    note text,
    recorded_at timestamptz,
    recorded_by text,
    primary key (plan_id, position)
  )`.execute(db)
  await sql`create index inspections_business on inspections (business_id)`.execute(db)
  await sql`create table officer_conflicts (
    user_id uuid not null references users(id),
    business_id uuid not null references businesses(id),
    reason text not null,
    created_at timestamptz not null,
    created_by text,
    primary key (user_id, business_id)
  )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table officer_conflicts`.execute(db)
  await sql`drop table inspections`.execute(db)
  await sql`drop table inspection_plans`.execute(db)
}
