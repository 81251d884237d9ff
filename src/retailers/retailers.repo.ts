import { type Kysely, sql } from 'kysely'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import type { DB } from '../db/types.js'

export type RetailerRow = Awaited<ReturnType<typeof retailerRows>>[number]

export function retailerRows(db: Kysely<DB>, ids?: string[]) {
  let q = db
    .selectFrom('retailers as r')
    .selectAll('r')
    .select(
      sql<number>`(select count(*)::int from retailer_samples l where l.retailer_id = r.id)`.as('linked'),
    )
  if (ids) q = q.where('r.id', 'in', ids.length > 0 ? ids : [''])
  return q.execute()
}

export async function listRetailers(
  db: Kysely<DB>,
  f: { limit: number; cursor?: string | undefined; district?: string | undefined; q?: string | undefined },
) {
  let q = db
    .selectFrom('retailers as r')
    .selectAll('r')
    .select(
      sql<number>`(select count(*)::int from retailer_samples l where l.retailer_id = r.id)`.as('linked'),
    )
    .orderBy('r.id')
    .limit(f.limit + 1)
  if (f.district) q = q.where('r.district_code', '=', f.district)
  if (f.q) q = q.where('r.name_zh', 'like', `%${f.q.replace(/[\\%_]/g, '\\$&')}%`)
  if (f.cursor) q = q.where(afterCursor(['r.id'], decodeCursor(f.cursor, 1)))
  const rows = await q.execute()
  return pageOf(rows, f.limit, (r) => [r.id])
}

export async function retailerSamples(
  db: Kysely<DB>,
  retailerId: string,
  f: { limit: number; cursor?: string | undefined },
) {
  let q = db
    .selectFrom('retailer_samples as l')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .select(['s.id', 's.no', 's.food_name', 's.brand', 's.sampled_on', 's.verdict', 's.public'])
    .where('l.retailer_id', '=', retailerId)
    .orderBy('s.no')
    .limit(f.limit + 1)
  if (f.cursor) q = q.where(afterCursor(['s.no'], decodeCursor(f.cursor, 1)))
  const rows = await q.execute()
  return pageOf(
    rows,
    f.limit,
    (r) => [r.no],
    (r) => ({
      id: r.id,
      no: r.no,
      foodName: r.food_name,
      brand: r.brand,
      sampledOn: r.sampled_on,
      verdict: r.verdict as 'pass' | 'fail',
      public: r.public,
    }),
  )
}
