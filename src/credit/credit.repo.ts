import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'
import { UPHELD_OUTCOMES } from '../domain/upheld.js'
import type { ComplaintFact, CreditFact, InspectionFact, RectificationFact } from './credit-classify.js'

/**
 * The record credit classes are computed from: samples published in a standing, non-exercise announcement
 * (a retracted or superseded one does not count, a drill never does) in which the business is the seller
 * or the named producer, from `since` on. `ids` undefined: every business that has such a sample.
 */
export async function creditFacts(
  db: Kysely<DB>,
  since: string,
  ids?: readonly string[],
): Promise<Map<string, CreditFact[]>> {
  const only = ids ? sql`and l.business_id = any(${[...ids]}::uuid[])` : sql``
  const rows = await sql<{
    business_id: string
    role: 'seller' | 'producer'
    no: string
    food_name: string
    verdict: 'pass' | 'fail'
    on: string
    failed: string[] | null
  }>`select distinct on (l.business_id, l.role, s.id)
        l.business_id, l.role, s.no, s.food_name, s.verdict,
        coalesce(s.sampled_on, a.published_at::date)::text as on,
        (select array_agg(i.name order by i.position) from sample_items i
          where i.sample_id = s.id and i.verdict = 'fail') as failed
      from business_samples l
      join samples s on s.id = l.sample_id and s.public
      join announcement_samples x on x.sample_id = s.id
      join announcements a on a.id = x.announcement_id and a.status = 'published'
        and a.superseded is null and not a.exercise
      where coalesce(s.sampled_on, a.published_at::date) >= ${since}::date ${only}
      order by l.business_id, l.role, s.id`.execute(db)
  const out = new Map<string, CreditFact[]>()
  for (const r of rows.rows) {
    const list = out.get(r.business_id) ?? []
    list.push({
      sampleNo: r.no,
      foodName: r.food_name,
      on: r.on,
      verdict: r.verdict,
      role: r.role,
      failedItems: r.failed ?? [],
    })
    out.set(r.business_id, list)
  }
  return out
}

export function currentCredit(db: Kysely<DB>, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('business_credit')
    .select(['business_id', 'class', 'score', 'lines', 'rules_hash'])
    .where('business_id', 'in', [...ids])
    .execute()
}

/**
 * Rectification cases opened from `since` on that count against a business at `now`: refused, or overdue
 * (open past the deadline, or closed after it); a failing sample's case or an inspection's (named by its
 * plan). A case closed because its announcement was retracted never counts.
 */
export async function rectificationFacts(
  db: Kysely<DB>,
  since: string,
  now: Date,
  ids: readonly string[],
): Promise<Map<string, RectificationFact[]>> {
  const out = new Map<string, RectificationFact[]>()
  if (ids.length === 0) return out
  const at = now.toISOString()
  const rows = await sql<{
    business_id: string
    food_name: string
    on: string
    overdue: boolean
    refused: boolean
  }>`
    select r.business_id, coalesce(s.food_name, p.title) as food_name,
      ((r.opened_at at time zone 'UTC') + interval '8 hours')::date::text as on,
      coalesce(r.closed_at, ${at}::timestamptz) > r.due_at as overdue, r.outcome = 'refused' as refused
    from rectifications r
      left join samples s on s.id = r.sample_id
      left join inspection_plans p on p.id = r.inspection_plan_id
    where r.business_id = any(${[...ids]}::uuid[]) and r.opened_at >= ${since}::date
      and (r.outcome is distinct from 'resample_passed' or r.closed_at > r.due_at)
      and r.outcome is distinct from 'retracted'
    order by r.business_id, r.opened_at, r.id`.execute(db)
  for (const r of rows.rows) {
    if (!r.overdue && !r.refused) continue
    const list = out.get(r.business_id) ?? []
    list.push({ foodName: r.food_name, on: r.on, overdue: r.overdue, refused: r.refused })
    out.set(r.business_id, list)
  }
  return out
}

/** Random inspections of the businesses recorded from `since` on (double random, one public). */
export async function inspectionFacts(
  db: Kysely<DB>,
  since: string,
  ids: readonly string[],
): Promise<Map<string, InspectionFact[]>> {
  const out = new Map<string, InspectionFact[]>()
  if (ids.length === 0) return out
  const rows = await sql<{ business_id: string; on: string; result: InspectionFact['result'] }>`
    select business_id, ((recorded_at at time zone 'UTC') + interval '8 hours')::date::text as on, result
    from inspections
    where business_id = any(${[...ids]}::uuid[]) and result is not null and recorded_at >= ${since}::date
    order by business_id, recorded_at`.execute(db)
  for (const r of rows.rows) {
    const list = out.get(r.business_id) ?? []
    list.push({ on: r.on, result: r.result })
    out.set(r.business_id, list)
  }
  return out
}

/**
 * Complaints upheld against the businesses and closed from `since` on: a mediation agreed or a report whose
 * case was opened (src/domain/upheld.ts). Exercise complaints never count.
 */
export async function complaintFacts(
  db: Kysely<DB>,
  since: string,
  ids: readonly string[],
): Promise<Map<string, ComplaintFact[]>> {
  const out = new Map<string, ComplaintFact[]>()
  if (ids.length === 0) return out
  const rows = await sql<{
    business_id: string
    on: string
    kind: ComplaintFact['kind']
    product: string | null
  }>`
    select business_id, ((closed_at at time zone 'UTC') + interval '8 hours')::date::text as on, kind,
      product_name as product
    from complaints
    where business_id = any(${[...ids]}::uuid[]) and not exercise and status = 'closed'
      and outcome = any(${[...UPHELD_OUTCOMES]}::text[]) and closed_at >= ${since}::date
    order by business_id, closed_at, id`.execute(db)
  for (const r of rows.rows) {
    const list = out.get(r.business_id) ?? []
    list.push({ on: r.on, kind: r.kind, product: r.product })
    out.set(r.business_id, list)
  }
  return out
}
