import { type Kysely, sql } from 'kysely'
import { bulkInsertJson } from '../db/bulk-insert.js'
import { timeOrderedId } from '../db/ids.js'
import type { DB } from '../db/types.js'
import { isNotGiven, normaliseName } from '../domain/names.js'

interface Wanted {
  name: string
  address: string | null
  district: string | null
}

const LINK_COLUMNS = [
  ['sample_id', 'uuid'],
  ['role', 'text'],
  ['business_id', 'uuid'],
] as const

const keyOf = (name: string, address: string | null) =>
  `${normaliseName(name)}\u0000${normaliseName(address)}`

/**
 * Links written samples to the register: the sampled unit (seller) and the named producer each become, or
 * are found as, a business by normalised name and address. A placeholder producer (`/`, `无`) is no producer
 * and never becomes a business. A merged business's keys lead to the one it was merged into. Runs in the
 * writing transaction (an import's, through a cursor); a few statements per chunk of samples.
 */
export async function linkSamplesToBusinesses(
  db: Kysely<DB>,
  which: { ids: readonly string[] } | { importId: string },
  at: Date,
): Promise<void> {
  if ('ids' in which) {
    if (which.ids.length === 0) return
    const samples = await sql<SampleRow>`${SAMPLE_ROW} where id = any(${[...which.ids]}::uuid[])`.execute(db)
    await linkChunk(db, samples.rows, at)
    return
  }
  // An import's samples through a cursor, a chunk at a time: a million-row import's samples, links and the
  // JSON of one insert of them all were most of the import's peak memory.
  const cursor = sql.raw(`business_links_${which.importId.replace(/-/g, '')}`)
  await sql`declare ${cursor} no scroll cursor for ${SAMPLE_ROW} where import_id = ${which.importId}`.execute(
    db,
  )
  for (;;) {
    const chunk = await sql<SampleRow>`fetch ${sql.raw(String(LINK_CHUNK))} from ${cursor}`.execute(db)
    if (chunk.rows.length === 0) break
    await linkChunk(db, chunk.rows, at)
  }
  await sql`close ${cursor}`.execute(db)
}

/**
 * Samples per chunk when linking an import: large enough that a statement's fixed cost is small, small
 * enough that a chunk's rows, keys and JSON (live across its statements, so promoted to V8's old space) do
 * not raise the heap size V8 lets garbage grow to before it collects.
 */
const LINK_CHUNK = 5_000

interface SampleRow {
  id: string
  unit_name: string
  unit_address: string
  district_code: string
  producer_name: string | null
  producer_address: string | null
}

const SAMPLE_ROW = sql`select id, unit_name, unit_address, district_code, producer_name, producer_address
  from samples`

async function linkChunk(db: Kysely<DB>, samples: readonly SampleRow[], at: Date): Promise<void> {
  const wanted = new Map<string, Wanted>()
  const links: [string, 'seller' | 'producer', string][] = []
  for (const s of samples) {
    const seller = keyOf(s.unit_name, s.unit_address)
    if (!wanted.has(seller))
      wanted.set(seller, { name: s.unit_name, address: s.unit_address, district: s.district_code })
    links.push([s.id, 'seller', seller])
    if (s.producer_name && !isNotGiven(s.producer_name)) {
      const producer = keyOf(s.producer_name, s.producer_address)
      if (!wanted.has(producer))
        wanted.set(producer, { name: s.producer_name, address: s.producer_address, district: null })
      links.push([s.id, 'producer', producer])
    }
  }
  if (wanted.size === 0) return
  const idOf = await ensureBusinesses(db, wanted, at)
  await bulkInsertJson(
    db,
    'business_samples',
    LINK_COLUMNS,
    links.flatMap(([sample, role, key]) => {
      const business = idOf.get(key)
      return business ? [[sample, role, business]] : []
    }),
  )
  const kinds = { seller: new Set<string>(), producer: new Set<string>() }
  for (const [, role, key] of links) {
    const id = idOf.get(key)
    if (id) kinds[role].add(id)
  }
  await addKind(db, [...kinds.seller], 'sampled_unit')
  await addKind(db, [...kinds.producer], 'producer')
}

/** Finds or makes the businesses of these keys; key → the standing business (following a merge). */
async function ensureBusinesses(db: Kysely<DB>, wanted: Map<string, Wanted>, at: Date) {
  const rows = [...wanted.entries()].map(([key, w]) => {
    const [nameNorm = '', addressNorm = ''] = key.split('\u0000')
    return {
      id: timeOrderedId(),
      name: w.name,
      nameNorm,
      address: w.address,
      addressNorm,
      district: w.district,
    }
  })
  const json = JSON.stringify(rows)
  await sql`insert into businesses (id, name, name_norm, address, address_norm, district_code, created_at)
    select r.id, r.name, r."nameNorm", r.address, r."addressNorm", r.district, ${at.toISOString()}::timestamptz
    from jsonb_to_recordset(${json}::jsonb)
      as r(id uuid, name text, "nameNorm" text, address text, "addressNorm" text, district text)
    on conflict (name_norm, address_norm) do nothing`.execute(db)
  const found = await sql<{
    id: string
    name_norm: string
    address_norm: string
    merged_into: string | null
  }>`
    select b.id, b.name_norm, b.address_norm, b.merged_into from businesses b
    join jsonb_to_recordset(${json}::jsonb) as r("nameNorm" text, "addressNorm" text)
      on b.name_norm = r."nameNorm" and b.address_norm = r."addressNorm"`.execute(db)
  return new Map(found.rows.map((b) => [`${b.name_norm}\u0000${b.address_norm}`, b.merged_into ?? b.id]))
}

/** Marks businesses as being of a kind (a retailer, a sampled unit, a producer), once. */
export async function addKind(db: Kysely<DB>, ids: readonly string[], kind: string): Promise<void> {
  if (ids.length === 0) return
  await sql`update businesses set kinds = array_append(kinds, ${kind})
    where id = any(${[...ids]}::uuid[]) and not (${kind} = any(kinds))`.execute(db)
}

/** The business of a registered retailer: found by name and address, or made; the retailer points at it. */
export async function linkRetailerToBusiness(
  db: Kysely<DB>,
  r: { id: string; name: string; address: string | null; district: string },
  at: Date,
): Promise<string> {
  const key = keyOf(r.name, r.address)
  const idOf = await ensureBusinesses(
    db,
    new Map([[key, { name: r.name, address: r.address, district: r.district }]]),
    at,
  )
  const id = idOf.get(key)
  if (!id) throw new Error('a business just made or found is missing')
  await addKind(db, [id], 'retailer')
  await db.updateTable('retailers').set({ business_id: id }).where('id', '=', r.id).execute()
  return id
}

/**
 * The register row a complaint's business would be (a new id, the normalised key), for an intake that finds
 * or adds it within its own statement; null when no business is named or the name is a placeholder.
 */
export function businessOfComplaint(
  b: { name: string; address: string | null; district: string | null } | null,
) {
  if (!b?.name.trim() || isNotGiven(b.name)) return null
  return {
    id: timeOrderedId(),
    name: b.name,
    name_norm: normaliseName(b.name),
    address: b.address,
    address_norm: normaliseName(b.address),
    district_code: b.district,
  }
}

/**
 * The business a complaint names, found or made in the register by normalised name and address (as samples
 * link), in the intake's transaction; null when no business is named or the name is a placeholder (`/`,
 * `无`). The district is the complaint's routing district, when it has one.
 */
export async function linkComplaintToBusiness(
  db: Kysely<DB>,
  b: { name: string; address: string | null; district: string | null } | null,
  at: Date,
): Promise<string | null> {
  if (!b?.name.trim() || isNotGiven(b.name)) return null
  const key = keyOf(b.name, b.address)
  const idOf = await ensureBusinesses(db, new Map([[key, b]]), at)
  return idOf.get(key) ?? null
}
