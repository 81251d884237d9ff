import type { Kysely } from 'kysely'
import { afterCursor, decodeCursor, encodeCursor } from '../db/pagination.js'
import type { DB } from '../db/types.js'
import { notFound } from '../domain/errors.js'

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

/**
 * Plans with their draw in order. `publicView`: drawn plans only, without the inspectors' names (the seed,
 * the businesses and the results are what 一公开 publishes).
 */
export async function readPlans(
  db: Kysely<DB>,
  opts: { id?: string; publicView?: boolean; limit?: number; cursor?: string | undefined },
) {
  let q = db.selectFrom('inspection_plans').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc')
  if (opts.id) q = q.where('id', '=', opts.id)
  if (opts.publicView) q = q.where('status', '=', 'drawn')
  if (opts.cursor) {
    const [at, id] = decodeCursor(opts.cursor, 2)
    q = q.where(afterCursor(['created_at', 'id'], [new Date(String(at)).toISOString(), id ?? null], 'desc'))
  }
  const plans = await q.limit(opts.limit ?? 50).execute()
  if (plans.length === 0) return []
  const ids = plans.map((p) => p.id)
  const rows = await db
    .selectFrom('inspections as i')
    .innerJoin('businesses as b', 'b.id', 'i.business_id')
    .selectAll('i')
    .select('b.name')
    .where('i.plan_id', 'in', ids)
    .orderBy('i.plan_id')
    .orderBy('i.position')
    .execute()
  const userIds = [...new Set(rows.flatMap((r) => r.inspectors))]
  const users =
    opts.publicView || userIds.length === 0
      ? []
      : await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute()
  const nameOf = new Map(users.map((u) => [u.id, u.display_name]))
  return plans.map((p) => ({
    id: p.id,
    title: p.title,
    period: p.period,
    population: p.population,
    shares: p.shares,
    seed: p.seed,
    checklist: p.checklist,
    status: p.status,
    incidentId: p.incident_id,
    createdAt: new Date(p.created_at).toISOString(),
    drawnAt: iso(p.drawn_at),
    draw: rows
      .filter((r) => r.plan_id === p.id)
      .map((r) => ({
        position: r.position,
        business: { id: r.business_id, name: r.name },
        district: r.district_code,
        creditClass: r.credit_class,
        inspectors: opts.publicView ? [] : r.inspectors.map((id) => ({ id, name: nameOf.get(id) ?? id })),
        taskId: opts.publicView ? null : r.task_id,
        result: r.result,
        note: opts.publicView ? null : r.note,
        recordedAt: iso(r.recorded_at),
      })),
  }))
}

export async function readPlan(db: Kysely<DB>, id: string) {
  const [plan] = await readPlans(db, { id })
  if (!plan) throw notFound({ zh: `没有编号为 ${id} 的抽查计划`, en: `No inspection plan ${id}` })
  return plan
}

export type InspectionPlanView = Awaited<ReturnType<typeof readPlan>>

/** A page of plans (newest first) with their draws: `{items, next}`. */
export async function pageOfPlans(
  db: Kysely<DB>,
  opts: { publicView?: boolean; limit: number; cursor?: string | undefined },
) {
  const rows = await readPlans(db, { ...opts, limit: opts.limit + 1 })
  const items = rows.slice(0, opts.limit)
  const last = items.at(-1)
  return {
    items,
    next: rows.length > opts.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
  }
}
