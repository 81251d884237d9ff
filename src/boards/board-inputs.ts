import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'

/** A failing product published in the last 90 days, as a board shows it. */
export interface FailingProduct {
  sampleId: string
  sampleNo: string
  product: string
  brand: string | null
  batch: string | null
  producer: string | null
  unit: string
  district: string
  failingItems: string[]
  announcement: string
  publishedAt: string
}

export interface Notice {
  alertId: string
  level: number
  title: { zh: string; en: string }
  instruction: { zh: string; en: string }
  updatedAt: string
}

export interface OwnSample {
  sampleNo: string
  product: string
  sampledOn: string | null
  verdict: 'pass' | 'fail'
  announcement: string
}

const DAY = 86_400_000

/** Announcements that stand publicly: published, not superseded, not a retraction, not an exercise. */
function standing(db: Kysely<DB>) {
  return db
    .selectFrom('announcements as a')
    .where('a.status', '=', 'published')
    .where('a.superseded', 'is', null)
    .where('a.kind', '!=', 'retraction')
    .where('a.exercise', '=', false)
}

/** Failing products of standing announcements published in the 90 days up to `now`, newest first. */
export async function failingProducts(db: Kysely<DB>, now: Date): Promise<FailingProduct[]> {
  const rows = await standing(db)
    .innerJoin('announcement_samples as l', 'l.announcement_id', 'a.id')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .select([
      's.id',
      's.no',
      's.food_name',
      's.brand',
      's.batch',
      's.producer_name',
      's.unit_name',
      's.district_code',
      'a.number',
      'a.published_at',
      sql<
        string[]
      >`array(select i.name from sample_items i where i.sample_id = s.id and i.verdict = 'fail' order by i.position)`.as(
        'items',
      ),
    ])
    .where('s.verdict', '=', 'fail')
    .where('a.published_at', '>=', new Date(now.getTime() - 90 * DAY))
    .orderBy('a.published_at', 'desc')
    .orderBy('s.no')
    .execute()
  return rows.map((r) => ({
    sampleId: r.id,
    sampleNo: r.no,
    product: r.food_name,
    brand: r.brand,
    batch: r.batch,
    producer: r.producer_name,
    unit: r.unit_name,
    district: r.district_code,
    failingItems: r.items,
    announcement: r.number,
    publishedAt: new Date(r.published_at as Date).toISOString(),
  }))
}

/** Active, real (not exercise) alerts, each with the districts it covers (empty: the whole city). */
export async function activeNotices(db: Kysely<DB>): Promise<{ districts: string[]; notice: Notice }[]> {
  const rows = await db
    .selectFrom('alerts')
    .select(['id', 'level', 'districts', 'content', 'updated_at'])
    .where('status', '=', 'active')
    .where('exercise', '=', false)
    .orderBy('level')
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map((r) => {
    const c = r.content as { title: Notice['title']; instruction: Notice['instruction'] }
    return {
      districts: r.districts,
      notice: {
        alertId: r.id,
        level: r.level,
        title: c.title,
        instruction: c.instruction,
        updatedAt: new Date(r.updated_at as Date).toISOString(),
      },
    }
  })
}

/** Pass rate of samples in standing announcements published since `from` (percent, two decimals). */
export async function cityPassRate(db: Kysely<DB>, from: Date) {
  const r = await standing(db)
    .innerJoin('announcement_samples as l', 'l.announcement_id', 'a.id')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .select([
      sql<number>`count(*)::int`.as('n'),
      sql<number>`count(*) filter (where s.verdict = 'fail')::int`.as('failed'),
    ])
    .where('a.published_at', '>=', from)
    .executeTakeFirst()
  const n = Number(r?.n ?? 0)
  const failed = Number(r?.failed ?? 0)
  return { samples: n, failed, passRate: n === 0 ? null : Math.round(((n - failed) / n) * 10_000) / 100 }
}

/** The published samples taken at each of `retailerIds` (all retailers when omitted), newest first. */
export async function ownSamples(db: Kysely<DB>, retailerIds?: string[]): Promise<Map<string, OwnSample[]>> {
  let q = standing(db)
    .innerJoin('announcement_samples as l', 'l.announcement_id', 'a.id')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .innerJoin('retailer_samples as rs', 'rs.sample_id', 's.id')
    .select(['rs.retailer_id', 's.no', 's.food_name', 's.sampled_on', 's.verdict', 'a.number'])
    .orderBy('rs.retailer_id')
    .orderBy('a.published_at', 'desc')
    .orderBy('s.no')
  if (retailerIds) q = q.where('rs.retailer_id', 'in', retailerIds.length > 0 ? retailerIds : [''])
  const out = new Map<string, OwnSample[]>()
  for (const r of await q.execute()) {
    const list = out.get(r.retailer_id) ?? []
    list.push({
      sampleNo: r.no,
      product: r.food_name,
      sampledOn: r.sampled_on,
      verdict: r.verdict as 'pass' | 'fail',
      announcement: r.number,
    })
    out.set(r.retailer_id, list)
  }
  return out
}
