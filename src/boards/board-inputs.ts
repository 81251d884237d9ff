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

/** What one published announcement gives the boards: its samples' count, how many failed, and those. */
interface Contribution {
  samples: number
  failed: number
  failing: Omit<FailingProduct, 'announcement' | 'publishedAt'>[]
}

/**
 * Contributions by announcement id, per database handle. A published announcement's samples, their verdicts
 * and failing items never change (publication, correction and retraction change which announcements stand,
 * not what an announcement holds), so each is read once: a refresh then reads only which announcements stand.
 */
const contributions = new WeakMap<Kysely<DB>, Map<string, Contribution>>()

async function contributionsOf(db: Kysely<DB>, ids: string[]): Promise<Map<string, Contribution>> {
  let known = contributions.get(db)
  if (!known) {
    known = new Map()
    contributions.set(db, known)
  }
  const missing = ids.filter((id) => !known.has(id))
  if (missing.length > 0) {
    const [counts, failing] = await Promise.all([
      db
        .selectFrom('announcement_samples as l')
        .innerJoin('samples as s', 's.id', 'l.sample_id')
        .select([
          'l.announcement_id',
          sql<number>`count(*)::int`.as('n'),
          sql<number>`count(*) filter (where s.verdict = 'fail')::int`.as('failed'),
        ])
        .where('l.announcement_id', 'in', missing)
        .groupBy('l.announcement_id')
        .execute(),
      db
        .selectFrom('announcement_samples as l')
        .innerJoin('samples as s', 's.id', 'l.sample_id')
        .select([
          'l.announcement_id',
          's.id',
          's.no',
          's.food_name',
          's.brand',
          's.batch',
          's.producer_name',
          's.unit_name',
          's.district_code',
          sql<
            string[]
          >`array(select i.name from sample_items i where i.sample_id = s.id and i.verdict = 'fail' order by i.position)`.as(
            'items',
          ),
        ])
        .where('l.announcement_id', 'in', missing)
        .where('s.verdict', '=', 'fail')
        .orderBy('s.no')
        .execute(),
    ])
    for (const id of missing) known.set(id, { samples: 0, failed: 0, failing: [] })
    for (const c of counts) {
      const k = known.get(c.announcement_id)
      if (k) {
        k.samples = c.n
        k.failed = c.failed
      }
    }
    for (const r of failing)
      known.get(r.announcement_id)?.failing.push({
        sampleId: r.id,
        sampleNo: r.no,
        product: r.food_name,
        brand: r.brand,
        batch: r.batch,
        producer: r.producer_name,
        unit: r.unit_name,
        district: r.district_code,
        failingItems: r.items,
      })
  }
  return known
}

/**
 * From the standing announcements: the failing products of those published in the 90 days up to `now`
 * (newest first), and the pass rate of the samples of those published since `quarterFrom` (percent, two
 * decimals).
 */
export async function publishedInputs(db: Kysely<DB>, now: Date, quarterFrom: Date) {
  const failingFrom = new Date(now.getTime() - 90 * DAY)
  const since = failingFrom < quarterFrom ? failingFrom : quarterFrom
  const standingRows = await standing(db)
    .select(['a.id', 'a.number', 'a.published_at'])
    .where('a.published_at', '>=', since)
    .orderBy('a.published_at', 'desc')
    .orderBy('a.id')
    .execute()
  const known = await contributionsOf(
    db,
    standingRows.map((a) => a.id),
  )
  const failing: FailingProduct[] = []
  let n = 0
  let failed = 0
  for (const a of standingRows) {
    const c = known.get(a.id)
    const at = new Date(a.published_at as Date)
    if (!c) continue
    if (at >= quarterFrom) {
      n += c.samples
      failed += c.failed
    }
    if (at >= failingFrom)
      for (const f of c.failing) failing.push({ ...f, announcement: a.number, publishedAt: at.toISOString() })
  }
  // Newest first, then by sample number across announcements published at the same instant.
  failing.sort((x, y) => y.publishedAt.localeCompare(x.publishedAt) || x.sampleNo.localeCompare(y.sampleNo))
  return {
    failing,
    rate: { samples: n, failed, passRate: n === 0 ? null : Math.round(((n - failed) / n) * 10_000) / 100 },
  }
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
