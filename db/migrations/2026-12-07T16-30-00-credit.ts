import { type Kysely, sql } from 'kysely'

/**
 * Credit-risk classes (金信工程): every version of a rules file that was ever loaded (so a class can be
 * recomputed from the version it names), which version is current, each business's class with the lines
 * that explain it, and the history of class changes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table rule_versions (
    kind text not null,
    hash text not null,
    source text not null,
    loaded_at timestamptz not null default now(),
    primary key (kind, hash)
  )`.execute(db)
  await sql`create table rule_current (kind text primary key, hash text not null, since timestamptz not null)`.execute(
    db,
  )
  await sql`create table business_credit (
    business_id uuid primary key references businesses(id),
    class text not null check (class in ('A', 'B', 'C', 'D')),
    score integer not null,
    lines jsonb not null,
    rules_hash text not null,
    computed_at timestamptz not null
  )`.execute(db)
  await sql`create table business_credit_history (
    id bigserial primary key,
    business_id uuid not null references businesses(id),
    class text not null,
    previous_class text,
    score integer not null,
    rules_hash text not null,
    reason text not null,
    at timestamptz not null
  )`.execute(db)
  await sql`create index business_credit_history_business on business_credit_history (business_id, id)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table business_credit_history`.execute(db)
  await sql`drop table business_credit`.execute(db)
  await sql`drop table rule_current`.execute(db)
  await sql`drop table rule_versions`.execute(db)
}
