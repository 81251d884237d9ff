import type { Kysely, Selectable } from 'kysely'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import type { DB, SelfChecksTable } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { districtScopeOf, type RequestContext } from '../domain/context.js'
import { forbidden, notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { districtCard } from './scorecard.read.js'
import type { SelfCheckFigures, SelfCheckQuery } from './self-checks.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>
type Row = Selectable<SelfChecksTable>

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

function dto(deps: Pick<AppDeps, 'districts'>, r: Row, now: Date) {
  const due = new Date(r.due_at)
  const filed = r.filed_at === null ? null : new Date(r.filed_at)
  return {
    id: r.id,
    district: r.district_code,
    districtName: deps.districts.items.find((d) => d.code === r.district_code)?.nameZh ?? r.district_code,
    month: r.month,
    status: r.status,
    overdue: filed === null ? now > due : filed > due,
    openedAt: new Date(r.opened_at).toISOString(),
    dueAt: due.toISOString(),
    summary: r.summary,
    measures: r.measures,
    filedAt: iso(r.filed_at),
    onTime: filed === null ? null : filed <= due,
    taskId: r.task_id,
  }
}

/** Self-checks, newest month first; a district officer sees only their district's. */
export async function listSelfChecks(deps: Deps, ctx: RequestContext, f: SelfCheckQuery) {
  const scope = districtScopeOf(ctx)
  const now = deps.clock.now()
  let q = deps.db
    .selectFrom('self_checks')
    .selectAll()
    .orderBy('month', 'desc')
    .orderBy('district_code', 'desc')
    .limit(f.limit + 1)
  if (scope !== undefined) q = q.where('district_code', '=', scope)
  if (f.district) q = q.where('district_code', '=', f.district)
  if (f.month) q = q.where('month', '=', f.month)
  if (f.status === 'overdue') q = q.where('status', '=', 'due').where('due_at', '<', now)
  else if (f.status) q = q.where('status', '=', f.status)
  if (f.cursor) {
    const [month, district] = decodeCursor(f.cursor, 2)
    q = q.where(afterCursor(['month', 'district_code'], [month ?? null, district ?? null], 'desc'))
  }
  return pageOf(
    await q.execute(),
    f.limit,
    (r) => [r.month, r.district_code],
    (r) => dto(deps, r, now),
  )
}

/**
 * One self-check with the district's figures of the month: as they stand while it is due, as filed after.
 */
export async function getSelfCheck(deps: Deps, ctx: RequestContext, id: string) {
  const row = isUuid(id)
    ? await deps.db.selectFrom('self_checks').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined
  if (!row) throw notFound({ zh: `没有编号为 ${id} 的自查`, en: `No self-check ${id}` })
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && row.district_code !== scope)
    throw forbidden({ zh: '该自查不属于本区县', en: 'This self-check belongs to another district' })
  let figures: SelfCheckFigures
  if (row.figures !== null) figures = row.figures as SelfCheckFigures
  else {
    const { selfChecks: _own, ...live } = await districtCard(deps, row.district_code, row.month)
    figures = live
  }
  return { ...dto(deps, row, deps.clock.now()), figures }
}

/**
 * The self-check a task carries (the console's task page shows its form), or null for any other task. The
 * caller has already read the task as this person (another district's is a 404 before this).
 */
export async function selfCheckOfTask(deps: Deps, ctx: RequestContext, taskId: string) {
  if (!isUuid(taskId)) return null
  const row = await deps.db
    .selectFrom('self_checks')
    .select('id')
    .where('task_id', '=', taskId)
    .executeTakeFirst()
  return row ? getSelfCheck(deps, ctx, row.id) : null
}

/** The self-checks of a month, for the scorecard page: district → status (filed on time, late, due). */
export async function selfChecksOfMonth(db: Kysely<DB>, month: string) {
  return db.selectFrom('self_checks').selectAll().where('month', '=', month).execute()
}
