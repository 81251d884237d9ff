import { type Kysely, sql } from 'kysely'

/**
 * One register of businesses (经营主体) behind retailers, sampled units and named producers. A business is
 * known by its normalised name and address (NFKC, no spaces, lower case: the rule retailers and samples
 * already use) or by its unified social credit code. A merged record keeps its keys and points at the one it
 * was merged into, so a later sample under the old name still reaches the surviving business.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table businesses (
    id uuid primary key,
    name text not null,
    name_norm text collate "C" not null,
    address text,
    address_norm text collate "C" not null default '',
    district_code text references districts(code),
    kinds text[] not null default '{}',
    credit_code text collate "C",
    merged_into uuid references businesses(id),
    created_at timestamptz not null default now(),
    created_by text,
    updated_at timestamptz,
    updated_by text,
    constraint businesses_not_into_itself check (merged_into is null or merged_into <> id)
  )`.execute(db)
  await sql`create unique index businesses_name_address on businesses (name_norm, address_norm)`.execute(db)
  await sql`create unique index businesses_credit_code on businesses (credit_code) where credit_code is not null`.execute(
    db,
  )
  await sql`create index businesses_district on businesses (district_code) where merged_into is null`.execute(
    db,
  )
  // Which business sold (the sampled unit) and which made (the named producer) each sample. A table of its
  // own rather than columns on samples: linking a 100,000-row import inserts rows here instead of
  // rewriting every sample row it has just written.
  await sql`create table business_samples (
    sample_id uuid not null references samples(id) on delete cascade,
    role text not null check (role in ('seller', 'producer')),
    business_id uuid not null references businesses(id),
    primary key (sample_id, role)
  )`.execute(db)
  await sql`create index business_samples_business on business_samples (business_id)`.execute(db)
  await sql`alter table retailers add column business_id uuid references businesses(id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table retailers drop column business_id`.execute(db)
  await sql`drop table business_samples`.execute(db)
  await sql`drop table businesses`.execute(db)
}
