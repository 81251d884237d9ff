import { type Kysely, sql } from 'kysely'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import type { DB } from '../db/types.js'
import { UPHELD_OUTCOMES } from '../domain/upheld.js'

export const businessColumns = [
  'id',
  'name',
  'address',
  'district_code',
  'kinds',
  'credit_code',
  'merged_into',
  'created_at',
] as const

export type BusinessRow = Awaited<ReturnType<typeof findBusiness>> & {}

export function findBusiness(db: Kysely<DB>, id: string) {
  return db.selectFrom('businesses').select(businessColumns).where('id', '=', id).executeTakeFirst()
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&')

/** The standing register (merged records left out), by name then id; `q` a part of the name or a whole code. */
export async function listBusinesses(
  db: Kysely<DB>,
  f: {
    limit: number
    cursor?: string | undefined
    q?: string | undefined
    district?: string | undefined
    kind?: string | undefined
  },
) {
  let q = db
    .selectFrom('businesses')
    .select(businessColumns)
    .where('merged_into', 'is', null)
    .orderBy('name')
    .orderBy('id')
    .limit(f.limit + 1)
  if (f.q) {
    const term = f.q
    q = q.where((eb) =>
      eb.or([eb('name', 'ilike', `%${escapeLike(term)}%`), eb('credit_code', '=', term.toUpperCase())]),
    )
  }
  if (f.district) q = q.where('district_code', '=', f.district)
  if (f.kind) q = q.where((eb) => eb(eb.val(f.kind as string), '=', eb.fn.any('kinds')))
  if (f.cursor) q = q.where(afterCursor(['name', 'id'], decodeCursor(f.cursor, 2)))
  const rows = await q.execute()
  return pageOf(rows, f.limit, (r) => [r.name, r.id])
}

/** Samples in which the business is the seller or the named producer, newest sampling first. */
export function samplesOfBusiness(db: Kysely<DB>, id: string, limit = 200) {
  return db
    .selectFrom('business_samples as l')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .select([
      's.id',
      's.no',
      's.food_name',
      's.brand',
      's.batch',
      's.verdict',
      's.public',
      's.sampled_on',
      'l.role',
    ])
    .where('l.business_id', '=', id)
    .orderBy('s.sampled_on', 'desc')
    .orderBy('s.no')
    .orderBy('l.role', 'desc')
    .limit(limit)
    .execute()
}

/**
 * The complaints, reports and enquiries naming the business, newest first: what was complained of and how it
 * ended, never who complained. `district`: only that district's (a district officer's view).
 */
export function complaintsOfBusiness(
  db: Kysely<DB>,
  id: string,
  opts: { district?: string | undefined; upheldOnly?: boolean } = {},
  limit = 200,
) {
  let q = db
    .selectFrom('complaints')
    .select([
      'id',
      'tracking',
      'kind',
      'status',
      'outcome',
      'received_at',
      'closed_at',
      'district_code',
      'product_name',
      'product_brand',
      'product_batch',
      'exercise',
    ])
    .where('business_id', '=', id)
  if (opts.district !== undefined) q = q.where('district_code', '=', opts.district)
  if (opts.upheldOnly) q = q.where('exercise', '=', false).where('outcome', 'in', [...UPHELD_OUTCOMES])
  return q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

/** Failing samples of the business published in standing, non-exercise announcements, newest first. */
export async function publicFailingOf(db: Kysely<DB>, id: string) {
  const rows = await db
    .selectFrom('business_samples as l')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .innerJoin('announcement_samples as x', 'x.sample_id', 's.id')
    .innerJoin('announcements as a', 'a.id', 'x.announcement_id')
    .select([
      's.id',
      's.no',
      's.food_name',
      's.brand',
      's.batch',
      's.sampled_on',
      'a.id as announcementId',
      'a.number',
    ])
    .select((eb) =>
      eb
        .selectFrom('sample_items as i')
        .select(sql<string[]>`coalesce(array_agg(i.name order by i.position), '{}')`.as('items'))
        .whereRef('i.sample_id', '=', 's.id')
        .where('i.verdict', '=', 'fail')
        .as('failedItems'),
    )
    .where('l.business_id', '=', id)
    .where('s.public', '=', true)
    .where('s.verdict', '=', 'fail')
    .where('a.status', '=', 'published')
    .where('a.superseded', 'is', null)
    .where('a.exercise', '=', false)
    .distinctOn(['s.sampled_on', 's.id'])
    .orderBy('s.sampled_on', 'desc')
    .orderBy('s.id')
    .limit(200)
    .execute()
  return rows.map((r) => ({
    sampleNo: r.no,
    foodName: r.food_name,
    brand: r.brand,
    batch: r.batch,
    sampledOn: r.sampled_on,
    failedItems: r.failedItems ?? [],
    announcementId: r.announcementId,
    announcement: r.number,
  }))
}
