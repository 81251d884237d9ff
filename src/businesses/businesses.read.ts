import type { Kysely } from 'kysely'
import { chinaIso } from '../calendar/working-days.js'
import { creditOf } from '../credit/credit.read.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import { publicRectificationsOf, rectificationsOfBusiness } from '../rectifications/rectifications.read.js'
import {
  type BusinessRow,
  complaintsOfBusiness,
  findBusiness,
  listBusinesses,
  publicFailingOf,
  samplesOfBusiness,
} from './businesses.repo.js'
import type { BUSINESS_KINDS, BusinessQuery } from './businesses.schema.js'

type Deps = Pick<AppDeps, 'db' | 'districts' | 'clock'>
type Kind = (typeof BUSINESS_KINDS)[number]

function businessDto(deps: Pick<AppDeps, 'districts'>, r: BusinessRow) {
  return {
    id: r.id,
    name: r.name,
    address: r.address,
    district: r.district_code,
    districtName: r.district_code
      ? (deps.districts.items.find((d) => d.code === r.district_code)?.nameZh ?? null)
      : null,
    kinds: [...r.kinds].sort() as Kind[],
    creditCode: r.credit_code,
    mergedInto: r.merged_into,
    createdAt: new Date(r.created_at).toISOString(),
  }
}

export async function findBusinesses(deps: Deps, query: BusinessQuery) {
  const page = await listBusinesses(deps.db, query)
  return { items: page.items.map((r) => businessDto(deps, r)), next: page.next }
}

/** Who reads a part of a business's record: nobody (a role without that read), one district, or all. */
export type RecordView = { none: true } | { district: string | undefined }

/** What the reader may see of the business's complaints, rectification cases and random inspections. */
export interface BusinessView {
  complaints: RecordView
  rectifications: RecordView
  inspections: RecordView
}

const NOTHING: BusinessView = {
  complaints: { none: true },
  rectifications: { none: true },
  inspections: { none: true },
}

/** The random inspections (双随机) of a business, newest plan first: plan, position, result, who recorded it. */
function inspectionsOfBusiness(db: Kysely<DB>, businessId: string, district: string | undefined) {
  let q = db
    .selectFrom('inspections as i')
    .innerJoin('inspection_plans as p', 'p.id', 'i.plan_id')
    .select([
      'i.plan_id',
      'p.title',
      'p.period',
      'i.position',
      'i.district_code',
      'i.credit_class',
      'i.task_id',
      'i.result',
      'i.note',
      'i.recorded_at',
    ])
    .where('i.business_id', '=', businessId)
  if (district !== undefined) q = q.where('i.district_code', '=', district)
  return q.orderBy('p.created_at', 'desc').orderBy('i.position').limit(200).execute()
}

/**
 * One business with its samples (as seller or named producer), the retailers it runs, the records merged into
 * it and the complaints naming it (as far as the reader may see complaints: a district its own).
 */
export async function getBusiness(deps: Deps, id: string, view: BusinessView = NOTHING) {
  const row = await findBusiness(deps.db, id)
  if (!row) throw notFound({ zh: `没有编号为 ${id} 的经营主体`, en: `No business ${id}` })
  const seen = view.rectifications
  const inspected = view.inspections
  const [samples, merged, retailers, credit, complaints, rectifications, inspections] = await Promise.all([
    samplesOfBusiness(deps.db, id),
    deps.db.selectFrom('businesses').select('id').where('merged_into', '=', id).orderBy('id').execute(),
    deps.db.selectFrom('retailers').select('id').where('business_id', '=', id).orderBy('id').execute(),
    creditOf(deps.db, id),
    'none' in view.complaints
      ? []
      : complaintsOfBusiness(deps.db, id, { district: view.complaints.district }),
    'none' in seen ? [] : rectificationsOfBusiness(deps.db, id, deps.clock.now(), seen.district),
    'none' in inspected ? [] : inspectionsOfBusiness(deps.db, id, inspected.district),
  ])
  return {
    ...businessDto(deps, row),
    rectifications,
    inspections: inspections.map((i) => ({
      planId: i.plan_id,
      title: i.title,
      period: i.period,
      position: i.position,
      district: i.district_code,
      creditClassAtDraw: i.credit_class,
      taskId: i.task_id,
      result: i.result,
      note: i.note,
      recordedAt: i.recorded_at ? chinaIso(new Date(i.recorded_at)) : null,
    })),
    complaints: complaints.map((c) => ({
      id: c.id,
      tracking: c.tracking,
      kind: c.kind,
      status: c.status,
      outcome: c.outcome,
      receivedAt: chinaIso(new Date(c.received_at)),
      closedAt: c.closed_at ? chinaIso(new Date(c.closed_at)) : null,
      district: c.district_code,
      product: c.product_name,
      brand: c.product_brand,
      batch: c.product_batch,
      exercise: c.exercise,
    })),
    mergedFrom: merged.map((m) => m.id),
    retailers: retailers.map((r) => r.id),
    ...credit,
    samples: samples.map((s) => ({
      id: s.id,
      no: s.no,
      foodName: s.food_name,
      brand: s.brand,
      batch: s.batch,
      role: s.role,
      verdict: s.verdict,
      public: s.public,
      sampledOn: s.sampled_on,
    })),
  }
}

/**
 * What the public may read of a business: identity, class, explanation, and the failing samples published
 * in standing, non-exercise announcements (the record the class is computed from).
 */
export async function getPublicBusiness(deps: Deps, id: string) {
  const row = await findBusiness(deps.db, id)
  if (!row) throw notFound({ zh: `没有编号为 ${id} 的经营主体`, en: `No business ${id}` })
  const [credit, failing, rectifications, upheld] = await Promise.all([
    creditOf(deps.db, id),
    publicFailingOf(deps.db, id),
    publicRectificationsOf(deps.db, id, deps.clock.now()),
    complaintsOfBusiness(deps.db, id, { upheldOnly: true }),
  ])
  return {
    ...businessDto(deps, row),
    creditClass: credit.creditClass,
    creditExplanation: credit.creditExplanation,
    failing,
    rectifications,
    // Upheld complaints only (mediation agreed, report with a case opened): what was complained of, not who.
    upheldComplaints: upheld.map((c) => ({
      kind: c.kind as 'complaint' | 'report' | 'enquiry',
      outcome: c.outcome as 'agreed' | 'case_opened',
      closedOn: c.closed_at ? chinaIso(new Date(c.closed_at)).slice(0, 10) : null,
      product: c.product_name,
      brand: c.product_brand,
      batch: c.product_batch,
    })),
  }
}

export type PublicBusiness = Awaited<ReturnType<typeof getPublicBusiness>>
