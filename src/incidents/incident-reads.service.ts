import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { districtScopeOf, type RequestContext } from '../domain/context.js'
import type { IncidentStatus } from '../domain/enums.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { eventView } from '../events/event-view.js'
import { overdueList } from '../tasks/task-view.js'
import { afterActionReport } from './incident-report.js'
import { figureTotals, incidentSummary, taskMatrix } from './incident-view.js'
import {
  escalationCounts,
  findIncident,
  type IncidentRow,
  incidentEvents,
  incidentReports,
  incidentTasks,
  listIncidents,
} from './incidents.repo.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'playbooks'>

/** The incident as the caller may see it: a district token only those that include its district. */
export async function visibleIncident(deps: Pick<Deps, 'db'>, ctx: RequestContext, id: string) {
  const scope = districtScopeOf(ctx)
  const incident = isUuid(id) ? await findIncident(deps.db, id) : undefined
  if (!incident || (scope !== undefined && !incident.districts.includes(scope)))
    throw notFound({ zh: '事件不存在', en: 'No such incident' })
  return incident
}

/** The incident with its district × step matrix, live totals and overdue tasks, within the caller's scope. */
export async function incidentDetail(deps: Deps, ctx: RequestContext, id: string) {
  const incident = await visibleIncident(deps, ctx, id)
  const scope = districtScopeOf(ctx)
  const [playbook, tasks, reports] = await Promise.all([
    deps.playbooks.pinned(deps.db, incident.playbook_hash),
    incidentTasks(deps.db, incident.id, scope),
    incidentReports(deps.db, incident.id),
  ])
  const now = deps.clock.now()
  const totals = figureTotals(reports)
  return {
    ...incidentSummary(incident),
    taskCount: tasks.length,
    matrix: taskMatrix(playbook, tasks, now),
    // City-wide totals are public within the response; per-district figures only for the caller's scope.
    totals: {
      city: totals.city,
      districts: scope !== undefined ? { [scope]: totals.byDistrict[scope] ?? {} } : totals.byDistrict,
    },
    // Most late first: unacknowledged, past due, or silent past the reporting cadence.
    overdue: overdueList(tasks, now),
  }
}

/** The after-action report; a district token sees its own district's row only. */
export async function incidentReport(deps: Deps, ctx: RequestContext, id: string) {
  const incident = await visibleIncident(deps, ctx, id)
  const scope = districtScopeOf(ctx)
  const [tasks, reports, escalations] = await Promise.all([
    incidentTasks(deps.db, incident.id, scope),
    incidentReports(deps.db, incident.id, scope),
    escalationCounts(deps.db, incident.id),
  ])
  const scoped: IncidentRow = scope !== undefined ? { ...incident, districts: [scope] } : incident
  return { incident, report: afterActionReport(scoped, tasks, reports, escalations, deps.clock.now()) }
}

export interface IncidentListQuery {
  status?: IncidentStatus | undefined
  playbook?: string | undefined
  exercise?: 'true' | 'false' | undefined
  limit: number
  cursor?: string | undefined
}

/** A page of incidents, newest first; a district token sees those that include its district. */
export async function listIncidentsFor(deps: Pick<Deps, 'db'>, ctx: RequestContext, q: IncidentListQuery) {
  const rows = await listIncidents(deps.db, {
    status: q.status,
    playbook: q.playbook,
    exercise: q.exercise === undefined ? undefined : q.exercise === 'true',
    district: districtScopeOf(ctx),
    limit: q.limit,
    after: q.cursor === undefined ? undefined : decodeCursor(q.cursor, 2),
  })
  return pageOf(rows, q.limit, (r) => [r.created_at.toISOString(), r.code])
}

/**
 * The incident's timeline, oldest first, a page at a time (`limit` null: all of it). Event ids only grow,
 * so the cursor is the last id handed out.
 */
export async function incidentTimeline(
  deps: Pick<Deps, 'db'>,
  ctx: RequestContext,
  id: string,
  q: { limit: number | null; cursor?: string | undefined },
) {
  const incident = await visibleIncident(deps, ctx, id)
  const after = q.cursor === undefined ? 0 : Number(decodeCursor(q.cursor, 1)[0])
  const rows = await incidentEvents(deps.db, incident.id, Number.isSafeInteger(after) ? after : 0, q.limit)
  const page = pageOf(rows, q.limit ?? rows.length, (e) => [e.id], eventView)
  return { incident, page }
}

/** An incident's tasks, for pages that draw its matrix and counts. */
export { incidentTasks } from './incidents.repo.js'
