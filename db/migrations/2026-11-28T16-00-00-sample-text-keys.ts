import { type Kysely, sql } from 'kysely'

/**
 * The samples' indexed text keys (sample number, normalised unit name, district code) and the retailers'
 * normalised name they are matched with compare byte-wise (COLLATE "C"): under a linguistic collation every
 * index insertion of a 100,000-row import went through the C library's string collation, measured at a
 * fifth to a quarter of storing the rows. Numbers, codes and normalised names are identifiers: only
 * equality and a stable order matter, and for them byte order is that order.
 */
const COLUMNS = [
  ['samples', 'no'],
  ['samples', 'unit_name_norm'],
  ['samples', 'district_code'],
  ['retailers', 'name_norm'],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of COLUMNS)
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "C"`.execute(
      db,
    )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of COLUMNS)
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "default"`.execute(
      db,
    )
}
