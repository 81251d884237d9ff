import { type Kysely, sql } from 'kysely'
import { bulkInsert } from '../db/bulk-insert.js'
import type { DB } from '../db/types.js'
import { normaliseName } from '../domain/names.js'

/**
 * A sampled unit is a registered retailer when its name AND address match after normalising: NFKC (full-width
 * letters, digits and the ideographic space U+3000 become their half-width forms), no whitespace at all, lower
 * case. The same rule as `samples.unit_name_norm`, so a name looks up by index.
 */
export const normaliseAddress = (address: string | null | undefined) => normaliseName(address ?? '')

const LINK_COLUMNS = [
  ['sample_id', 'uuid'],
  ['retailer_id', 'text'],
  ['linked_at', 'timestamptz'],
] as const

export interface UnitOfSample {
  id: string
  unitName: string
  unitAddress: string
}

/** Links newly written samples to the retailers they were taken at; runs in the writing transaction. */
export async function linkNewSamples(db: Kysely<DB>, samples: readonly UnitOfSample[], at: Date) {
  if (samples.length === 0) return 0
  const names = [...new Set(samples.map((s) => normaliseName(s.unitName)))]
  const retailers = new Map<string, string>()
  for (let i = 0; i < names.length; i += 5000) {
    const rows = await db
      .selectFrom('retailers')
      .select(['id', 'name_norm', 'address_norm'])
      .where('name_norm', 'in', names.slice(i, i + 5000))
      .execute()
    for (const r of rows) retailers.set(`${r.name_norm}\u0000${r.address_norm}`, r.id)
  }
  if (retailers.size === 0) return 0
  const when = at.toISOString()
  const links = samples.flatMap((s) => {
    const id = retailers.get(`${normaliseName(s.unitName)}\u0000${normaliseAddress(s.unitAddress)}`)
    return id ? [[s.id, id, when] as const] : []
  })
  await bulkInsert(db, 'retailer_samples', LINK_COLUMNS, links)
  return links.length
}

/**
 * Links the samples of one bulk import to the retailers they were taken at, found from the retailers' side
 * (each registered name looked up in the samples' name index), so the import keeps no list of its units.
 */
export async function linkImportedSamples(db: Kysely<DB>, importId: string, at: Date) {
  const candidates = await db
    .selectFrom('retailers as r')
    .innerJoin('samples as s', 's.unit_name_norm', 'r.name_norm')
    .select(['s.id as sampleId', 's.unit_address', 'r.id as retailerId', 'r.address_norm'])
    .where('s.import_id', '=', importId)
    .execute()
  const when = at.toISOString()
  const links = candidates
    .filter((c) => normaliseAddress(c.unit_address) === c.address_norm)
    .map((c) => [c.sampleId, c.retailerId, when] as const)
  await bulkInsert(db, 'retailer_samples', LINK_COLUMNS, links)
  return links.length
}

/** (Re)links every recorded sample of a retailer after it was registered or its name or address changed. */
export async function relinkRetailer(
  db: Kysely<DB>,
  r: { id: string; nameNorm: string; addressNorm: string },
  at: Date,
): Promise<number> {
  await db.deleteFrom('retailer_samples').where('retailer_id', '=', r.id).execute()
  const candidates = await db
    .selectFrom('samples')
    .select(['id', 'unit_address'])
    .where('unit_name_norm', '=', r.nameNorm)
    .execute()
  const ids = candidates.filter((s) => normaliseAddress(s.unit_address) === r.addressNorm).map((s) => s.id)
  if (ids.length === 0) return 0
  await sql`insert into retailer_samples (sample_id, retailer_id, linked_at)
    select unnest(${ids}::uuid[]), ${r.id}, ${at.toISOString()}::timestamptz
    on conflict (sample_id) do nothing`.execute(db)
  return ids.length
}
