import { type Kysely, sql } from 'kysely'

/**
 * Tracking numbers come from a sequence inside the intake's transaction instead of a per-year counter row
 * in a transaction of its own: that row was locked by every intake until its commit, so all intakes of the
 * year queued on it, and each intake paid a second commit. A year's numbers are `nextval - base`, its base
 * taken once when the year is first seen (`complaint_years`), so they still start near 1 each year and keep
 * the `12315-YYYY-NNNNNNN` form. A rolled-back intake or a repeat leaves a gap; numbers were never promised
 * to be contiguous. The years already counted carry on after their last number (base = -last_number: the
 * sequence starts at 1).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence complaint_number_seq as bigint`.execute(db)
  await db.schema
    .createTable('complaint_years')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('base', 'bigint', (c) => c.notNull())
    .execute()
  await sql`insert into complaint_years (year, base) select year, -last_number from complaint_counters`.execute(
    db,
  )
  await db.schema.dropTable('complaint_counters').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('complaint_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute()
  // Each year's counter resumes after the highest number it gave.
  await sql`
    insert into complaint_counters (year, last_number)
    select split_part(tracking, '-', 2)::int, max(split_part(tracking, '-', 3)::int)
    from complaints where tracking like '12315-%' group by 1`.execute(db)
  await db.schema.dropTable('complaint_years').execute()
  await sql`drop sequence complaint_number_seq`.execute(db)
}
