import { type Kysely, sql } from 'kysely'
import { linkSamplesToBusinesses } from '../businesses/business-links.js'
import { bulkInsertJson } from '../db/bulk-insert.js'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { Transaction } from '../db/transaction.js'
import type { DB, Verdict } from '../db/types.js'
import { linkNewSamples } from '../retailers/retailer-links.js'

/** A sample ready to be written: every field already cleaned and checked. */
export interface NewSample {
  id: string
  no: string
  seq: number | null
  unitName: string
  unitAddress: string
  districtCode: string
  foodName: string
  spec: string | null
  brand: string | null
  batch: string | null
  productionDate: string | null
  purchaseDate: boolean
  producerName: string | null
  producerAddress: string | null
  category: string
  taskSource: string | null
  lab: string | null
  sampledOn: string | null
  testedOn: string | null
  remarks: string | null
  items: { name: string; result: string; limit: string | null; unit: string | null; verdict: Verdict }[]
}

export const sampleColumns = [
  ['id', 'uuid'],
  ['no', 'text'],
  ['seq', 'integer'],
  ['unit_name', 'text'],
  ['unit_name_norm', 'text'],
  ['unit_address', 'text'],
  ['district_code', 'text'],
  ['food_name', 'text'],
  ['spec', 'text'],
  ['brand', 'text'],
  ['batch', 'text'],
  ['production_date', 'date'],
  ['purchase_date', 'boolean'],
  ['producer_name', 'text'],
  ['producer_address', 'text'],
  ['category', 'text'],
  ['task_source', 'text'],
  ['lab', 'text'],
  ['sampled_on', 'date'],
  ['tested_on', 'date'],
  ['remarks', 'text'],
  ['verdict', 'text'],
  ['import_id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['created_by', 'uuid'],
] as const

export const itemColumns = [
  ['sample_id', 'uuid'],
  ['position', 'integer'],
  ['name', 'text'],
  ['result', 'text'],
  ['limit_value', 'text'],
  ['unit', 'text'],
  ['verdict', 'text'],
] as const

// Keeps each statement's arrays to a size both engines handle comfortably.
const CHUNK = 10_000

export const sampleVerdict = (s: Pick<NewSample, 'items'>): Verdict =>
  s.items.some((i) => i.verdict === 'fail') ? 'fail' : 'pass'

export interface WriteMeta {
  at: Date
  by: string | null
  importId: string | null
  normalise: (name: string) => string
}

type Value = string | number | boolean | null

/** A sample as a row of `sampleColumns`, in their order; dates in ISO form. */
export function sampleRow(s: NewSample, meta: WriteMeta, verdict: Verdict = sampleVerdict(s)): Value[] {
  return [
    s.id,
    s.no,
    s.seq,
    s.unitName,
    meta.normalise(s.unitName),
    s.unitAddress,
    s.districtCode,
    s.foodName,
    s.spec,
    s.brand,
    s.batch,
    s.productionDate,
    s.purchaseDate,
    s.producerName,
    s.producerAddress,
    s.category,
    s.taskSource,
    s.lab,
    s.sampledOn,
    s.testedOn,
    s.remarks,
    verdict,
    meta.importId,
    meta.at.toISOString(),
    meta.by,
  ]
}

/** A sample's items as rows of `itemColumns`, positions from 1. */
export const itemRows = (sampleId: string, items: NewSample['items']): Value[][] =>
  items.map((it, n) => [sampleId, n + 1, it.name, it.result, it.limit, it.unit, it.verdict])

/** Writes samples and their items with one JSON-parameter insert per table per chunk. */
export async function writeSamples(
  trx: Transaction<DB>,
  samples: readonly NewSample[],
  meta: WriteMeta & { onProgress?: (done: number) => void },
): Promise<void> {
  for (let i = 0; i < samples.length; i += CHUNK) {
    const chunk = samples.slice(i, i + CHUNK)
    await bulkInsertJson(
      trx,
      'samples',
      sampleColumns,
      chunk.map((s) => sampleRow(s, meta)),
    )
    const items = chunk.flatMap((s) => itemRows(s.id, s.items))
    for (let j = 0; j < items.length; j += CHUNK)
      await bulkInsertJson(trx, 'sample_items', itemColumns, items.slice(j, j + CHUNK))
    // Retailer boards: a sample taken at a registered retailer links to it in the same write.
    await linkNewSamples(trx, chunk, meta.at)
    await linkSamplesToBusinesses(trx, { ids: chunk.map((s) => s.id) }, meta.at)
    meta.onProgress?.(i + chunk.length)
  }
}

/** Sample numbers among `nos` that are already recorded. */
export async function existingNumbers(db: Kysely<DB>, nos: string[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < nos.length; i += CHUNK) {
    const rows = await sql<{
      no: string
    }>`select no from samples where no = any(${nos.slice(i, i + CHUNK)}::text[])`.execute(db)
    for (const r of rows.rows) found.add(r.no)
  }
  return found
}

export const selectSample = (db: Kysely<DB>) =>
  db
    .selectFrom('samples')
    .select([
      'id',
      'no',
      'seq',
      'unit_name',
      'unit_address',
      'district_code',
      'food_name',
      'spec',
      'brand',
      'batch',
      sql<string | null>`production_date::text`.as('production_date'),
      'purchase_date',
      'producer_name',
      'producer_address',
      'category',
      'task_source',
      'lab',
      sql<string | null>`sampled_on::text`.as('sampled_on'),
      sql<string | null>`tested_on::text`.as('tested_on'),
      'remarks',
      'verdict',
      'public',
      'created_at',
    ])

export type SampleRow = Awaited<ReturnType<ReturnType<typeof selectSample>['executeTakeFirstOrThrow']>>
export type ItemRow = {
  sample_id: string
  position: number
  name: string
  result: string
  limit_value: string | null
  unit: string | null
  verdict: Verdict
}

export async function itemsOf(db: Kysely<DB>, sampleIds: string[]): Promise<Map<string, ItemRow[]>> {
  const map = new Map<string, ItemRow[]>()
  if (sampleIds.length === 0) return map
  const rows = await db
    .selectFrom('sample_items')
    .selectAll()
    .where('sample_id', 'in', sampleIds)
    .orderBy('sample_id')
    .orderBy('position')
    .execute()
  for (const r of rows) {
    const list = map.get(r.sample_id) ?? []
    list.push(r)
    map.set(r.sample_id, list)
  }
  return map
}

export interface SampleFilter {
  no?: string | undefined
  district?: string | undefined
  category?: string | undefined
  verdict?: Verdict | undefined
  producer?: string | undefined
  unit?: string | undefined
  after?: KeyValue[] | undefined
  limit: number
}

const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`

/** Samples by number; name filters are substring matches (Chinese queries are often two characters). */
export function listSamples(db: Kysely<DB>, f: SampleFilter) {
  let q = selectSample(db)
  if (f.no) q = q.where('no', '=', f.no)
  if (f.district) q = q.where('district_code', '=', f.district)
  if (f.category) q = q.where('category', '=', f.category)
  if (f.verdict) q = q.where('verdict', '=', f.verdict)
  if (f.producer) q = q.where('producer_name', 'ilike', like(f.producer))
  if (f.unit) q = q.where('unit_name', 'ilike', like(f.unit))
  if (f.after) q = q.where(afterCursor(['no'], f.after))
  return q
    .orderBy('no')
    .limit(f.limit + 1)
    .execute()
}
