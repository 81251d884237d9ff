import type { Kysely } from 'kysely'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { districtScopeOf, type RequestContext } from '../domain/context.js'
import { forbidden, notFound } from '../domain/errors.js'
import type { RectificationQuery } from './rectifications.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock'>

function baseQuery(db: Kysely<DB>) {
  return db
    .selectFrom('rectifications as r')
    .innerJoin('businesses as b', 'b.id', 'r.business_id')
    .leftJoin('samples as s', 's.id', 'r.sample_id')
    .leftJoin('samples as rs', 'rs.id', 'r.resample_id')
    .leftJoin('inspection_plans as p', 'p.id', 'r.inspection_plan_id')
    .selectAll('r')
    .select([
      'b.name as business_name',
      's.no as sample_no',
      's.food_name',
      'rs.no as resample_no',
      'p.title as plan_title',
    ])
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

function dto(r: Row, now: Date) {
  const due = new Date(r.due_at)
  const overdue = r.status === 'open' ? now > due : r.closed_at !== null && new Date(r.closed_at) > due
  return {
    id: r.id,
    business: { id: r.business_id, name: r.business_name },
    role: r.role,
    sample:
      r.sample_id === null ? null : { id: r.sample_id, no: r.sample_no ?? '', foodName: r.food_name ?? '' },
    announcementId: r.announcement_id,
    inspection:
      r.inspection_plan_id === null || r.inspection_position === null
        ? null
        : { planId: r.inspection_plan_id, position: r.inspection_position, title: r.plan_title ?? '' },
    district: r.district_code,
    status: r.status,
    overdue,
    failedItems: r.failed_items,
    measuresRequired: r.measures_required,
    rules: r.rules_hash,
    openedAt: new Date(r.opened_at).toISOString(),
    dueAt: due.toISOString(),
    meeting: r.meeting,
    cause: r.cause,
    measuresTaken: r.measures_taken,
    outcome: r.outcome,
    resampleNo: r.resample_no,
    closeReason: r.close_reason,
    closedAt: iso(r.closed_at),
    escalations: r.alarm_rung,
  }
}

/** Rectification cases, newest first; a district officer sees only their district's. */
export async function listRectifications(deps: Deps, ctx: RequestContext, f: RectificationQuery) {
  const scope = districtScopeOf(ctx)
  const now = deps.clock.now()
  let q = baseQuery(deps.db)
    .orderBy('r.opened_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(f.limit + 1)
  if (scope !== undefined) q = q.where('r.district_code', '=', scope)
  if (f.district) q = q.where('r.district_code', '=', f.district)
  if (f.business) q = q.where('r.business_id', '=', f.business)
  if (f.status === 'overdue') q = q.where('r.status', '=', 'open').where('r.due_at', '<', now)
  else if (f.status) q = q.where('r.status', '=', f.status)
  if (f.cursor) {
    const [at, id] = decodeCursor(f.cursor, 2)
    q = q.where(
      afterCursor(['r.opened_at', 'r.id'], [new Date(String(at)).toISOString(), id ?? null], 'desc'),
    )
  }
  const rows = await q.execute()
  return pageOf(
    rows,
    f.limit,
    (r) => [new Date(r.opened_at).toISOString(), r.id],
    (r) => dto(r, now),
  )
}

/** Every case of one business, newest first, as the list shows them; `district` narrows to one district's. */
export async function rectificationsOfBusiness(
  db: Kysely<DB>,
  businessId: string,
  now: Date,
  district: string | undefined,
) {
  let q = baseQuery(db).where('r.business_id', '=', businessId)
  if (district !== undefined) q = q.where('r.district_code', '=', district)
  const rows = await q.orderBy('r.opened_at', 'desc').orderBy('r.id', 'desc').limit(200).execute()
  return rows.map((r) => dto(r, now))
}

/** One case with its evidence (names, types and sizes; not the bytes). */
export async function getRectification(deps: Deps, ctx: RequestContext, id: string) {
  const row = await baseQuery(deps.db).where('r.id', '=', id).executeTakeFirst()
  if (!row) throw notFound({ zh: `没有编号为 ${id} 的整改案件`, en: `No rectification ${id}` })
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && row.district_code !== scope)
    throw forbidden({ zh: '该整改案件不属于本区县', en: 'This rectification belongs to another district' })
  const evidence = await deps.db
    .selectFrom('rectification_evidence')
    .select(['id', 'note', 'file_name', 'content_type', 'size', 'added_at'])
    .where('rectification_id', '=', id)
    .orderBy('added_at')
    .orderBy('id')
    .execute()
  return {
    ...dto(row, deps.clock.now()),
    evidence: evidence.map((e) => ({
      id: e.id,
      note: e.note,
      fileName: e.file_name,
      contentType: e.content_type,
      size: e.size,
      addedAt: new Date(e.added_at).toISOString(),
    })),
  }
}

/**
 * What the public business page shows: each case's food, opening, deadline, status and outcome. A case opened
 * by a random inspection names the inspection (双随机抽查) where a sample's food and number would be.
 */
export async function publicRectificationsOf(db: Kysely<DB>, businessId: string, now: Date) {
  // A case its announcement's retraction closed is no longer part of the public record (nor is its sample).
  const rows = await baseQuery(db)
    .where('r.business_id', '=', businessId)
    .where((eb) => eb.or([eb('r.outcome', 'is', null), eb('r.outcome', '!=', 'retracted')]))
    .orderBy('r.opened_at', 'desc')
    .limit(50)
    .execute()
  return rows.map((r) => {
    const d = dto(r, now)
    const outcome = d.outcome === 'retracted' ? null : d.outcome
    return {
      foodName: d.sample?.foodName ?? '双随机抽查',
      sampleNo: d.sample?.no ?? `${d.inspection?.title ?? ''} #${d.inspection?.position ?? ''}`,
      openedAt: d.openedAt,
      dueAt: d.dueAt,
      status: d.status,
      overdue: d.overdue,
      outcome,
    }
  })
}
