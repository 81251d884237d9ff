import { sql } from 'kysely'
import { chinaIso, workingCalendar } from '../calendar/working-days.js'
import { timeOrderedId } from '../db/ids.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { DistrictResolver } from '../domain/district-resolver.js'
import { appendEvents, type NewEvent } from '../events/events.repo.js'
import { rectificationRules } from './rectification-rules.js'

const resolvers = new WeakMap<AppDeps['districts'], DistrictResolver>()
function resolverOf(districts: AppDeps['districts']): DistrictResolver {
  let r = resolvers.get(districts)
  if (!r) {
    r = new DistrictResolver(districts.items)
    resolvers.set(districts, r)
  }
  return r
}

/**
 * Opens the rectification cases of a publication, in the publishing transaction: one per failing sample and
 * seller business (the sampled unit, in the sample's district), and one per producer business whose
 * district is known or can be read from its address (a producer outside the city, or at an address naming
 * no district, gets no case: the city cannot guide it). A sample already under a case for that business (a
 * correction re-announcing it) opens nothing new. Exercises never open cases (the caller checks).
 */
export async function openRectifications(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'config' | 'districts'>,
  ctx: RequestContext,
  announcementId: string,
  failingSampleIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (failingSampleIds.length === 0) return []
  const { rules, hash } = rectificationRules(deps.config)
  const rows = await sql<{
    sample_id: string
    no: string
    sample_district: string
    role: 'seller' | 'producer'
    business_id: string
    business_district: string | null
    address: string | null
    failed: string[] | null
  }>`select l.sample_id, s.no, s.district_code as sample_district, l.role, b.id as business_id,
        b.district_code as business_district, b.address,
        (select array_agg(i.name order by i.position) from sample_items i
          where i.sample_id = s.id and i.verdict = 'fail') as failed
      from business_samples l
      join samples s on s.id = l.sample_id
      join businesses b on b.id = coalesce(
        (select m.merged_into from businesses m where m.id = l.business_id and m.merged_into is not null),
        l.business_id)
      where l.sample_id = any(${[...failingSampleIds]}::uuid[])
      order by l.sample_id, l.role desc`.execute(trx)
  const resolver = resolverOf(deps.districts)
  const cases = rows.rows.flatMap((r) => {
    const district =
      r.role === 'seller'
        ? r.sample_district
        : (r.business_district ?? (r.address ? resolver.resolve(r.address) : undefined))
    if (!district || !deps.districts.has(district)) return []
    const due = workingCalendar().deadline(now, rules.deadline_working_days[r.role])
    return [{ ...r, id: timeOrderedId(), district, due, failed: r.failed ?? [] }]
  })
  if (cases.length === 0) return []
  const inserted = await trx
    .insertInto('rectifications')
    .values(
      cases.map((c) => ({
        id: c.id,
        business_id: c.business_id,
        role: c.role,
        sample_id: c.sample_id,
        announcement_id: announcementId,
        district_code: c.district,
        failed_items: JSON.stringify(c.failed),
        measures_required: JSON.stringify(rules.measures_required),
        rules_hash: hash,
        opened_at: now,
        due_at: c.due,
        next_alarm_at: c.due,
      })),
    )
    .onConflict((oc) => oc.columns(['sample_id', 'business_id']).doNothing())
    .returning('id')
    .execute()
  const made = new Set(inserted.map((r) => r.id))
  const events: NewEvent[] = cases
    .filter((c) => made.has(c.id))
    .map((c) => ({
      type: 'rectification.opened',
      districtCode: c.district,
      subject: c.id,
      payload: {
        rectificationId: c.id,
        businessId: c.business_id,
        role: c.role,
        sampleNo: c.no,
        announcementId,
        failedItems: c.failed,
        dueAt: chinaIso(c.due),
      },
    }))
  await appendEvents(trx, ctx, now, events)
  return [...made]
}

/**
 * Opens the case an inspection result of `rectification_opened` calls for, in the recording transaction: one
 * per inspection (a repeat opens nothing), in the inspection's district, with the seller's deadline and the
 * rules' required measures; the inspector's note is the finding. Returns the case id, or null when it existed.
 */
export async function openInspectionRectification(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'config'>,
  ctx: RequestContext,
  inspection: { planId: string; position: number; businessId: string; district: string; note: string | null },
  now: Date,
): Promise<string | null> {
  const { rules, hash } = rectificationRules(deps.config)
  const id = timeOrderedId()
  const due = workingCalendar().deadline(now, rules.deadline_working_days.seller)
  const failed = inspection.note === null ? [] : [inspection.note]
  const inserted = await trx
    .insertInto('rectifications')
    .values({
      id,
      business_id: inspection.businessId,
      role: 'inspected',
      inspection_plan_id: inspection.planId,
      inspection_position: inspection.position,
      district_code: inspection.district,
      failed_items: JSON.stringify(failed),
      measures_required: JSON.stringify(rules.measures_required),
      rules_hash: hash,
      opened_at: now,
      due_at: due,
      next_alarm_at: due,
    })
    .onConflict((oc) => oc.columns(['inspection_plan_id', 'inspection_position']).doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!inserted) return null
  await appendEvents(trx, ctx, now, [
    {
      type: 'rectification.opened',
      districtCode: inspection.district,
      subject: id,
      payload: {
        rectificationId: id,
        businessId: inspection.businessId,
        role: 'inspected',
        sampleNo: null,
        announcementId: null,
        inspection: { planId: inspection.planId, position: inspection.position },
        failedItems: failed,
        dueAt: chinaIso(due),
      },
    },
  ])
  return id
}
