import { z } from '@hono/zod-openapi'
import { stringify } from 'csv-stringify/sync'
import type { Context } from 'hono'
import type { AppDeps } from '../deps.js'
import { type AppEnv, requestContextOf } from '../http/app-env.js'
import { isUuid } from '../http/ids.js'
import { notFound } from '../http/problem.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import { levelFromName } from '../playbooks/playbook.schema.js'
import { afterActionReport, reportCsvColumns } from './incident-report.js'
import { figureTotals, incidentSummary, overdueList, taskMatrix } from './incident-view.js'
import {
  findIncident,
  incidentEvents,
  incidentReports,
  incidentTasks,
  listIncidents,
} from './incidents.repo.js'
import {
  ActivateSchema,
  CloseSchema,
  EventsQuerySchema,
  IncidentQuerySchema,
  IncidentSchema,
  LevelChangeSchema,
  looseObject,
  toActivateInput,
} from './incidents.schema.js'
import { activateIncident, changeLevel, closeIncident } from './incidents.service.js'

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })
const command = ['admin', 'commander'] as const
const readers = ['admin', 'commander', 'district'] as const

const activate = securedRoute(command, {
  method: 'post',
  path: '/incidents',
  tags: ['incidents'],
  summary: 'Activate a playbook (idempotent with Idempotency-Key)',
  request: {
    headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
    body: { content: json(ActivateSchema), required: true },
  },
  responses: {
    201: {
      description: 'Activated: the incident, its tasks and events committed together',
      content: json(IncidentSchema),
    },
    200: {
      description: 'Replay of an earlier request with the same Idempotency-Key',
      content: json(IncidentSchema),
    },
  },
})

const list = securedRoute(readers, {
  method: 'get',
  path: '/incidents',
  tags: ['incidents'],
  summary: 'List incidents (a district token sees those that include its district)',
  request: { query: IncidentQuerySchema },
  responses: {
    200: {
      description: 'Incidents, newest first',
      content: json(z.object({ items: z.array(IncidentSchema) })),
    },
  },
})

const detail = securedRoute(readers, {
  method: 'get',
  path: '/incidents/{id}',
  tags: ['incidents'],
  summary: 'An incident with its district × step matrix, live totals and overdue tasks',
  request: { params: IdParam },
  responses: {
    200: { description: 'The incident', content: json(looseObject) },
    404: problem('No such incident'),
  },
})

const level = securedRoute(command, {
  method: 'post',
  path: '/incidents/{id}/level',
  tags: ['incidents'],
  summary: 'Raise or lower the response level',
  request: { params: IdParam, body: { content: json(LevelChangeSchema), required: true } },
  responses: {
    200: { description: 'Level changed', content: json(looseObject) },
    404: problem('No such incident'),
    409: problem('Incident closed'),
  },
})

const close = securedRoute(command, {
  method: 'post',
  path: '/incidents/{id}/close',
  tags: ['incidents'],
  summary: 'Close the incident; open tasks are cancelled and the after-action report is final',
  request: { params: IdParam, body: { content: json(CloseSchema), required: true } },
  responses: {
    200: { description: 'Closed', content: json(IncidentSchema) },
    404: problem('No such incident'),
    409: problem('Already closed'),
  },
})

const report = securedRoute(readers, {
  method: 'get',
  path: '/incidents/{id}/report',
  tags: ['incidents'],
  summary: 'After-action report (JSON, or CSV with Accept: text/csv)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Report', content: { ...json(looseObject), 'text/csv': { schema: z.string() } } },
    404: problem('No such incident'),
  },
})

const events = securedRoute(command, {
  method: 'get',
  path: '/incidents/{id}/events',
  tags: ['incidents'],
  summary: 'The timeline: every state change with actor and request id (JSON, or CSV with Accept: text/csv)',
  request: { params: IdParam, query: EventsQuerySchema },
  responses: {
    200: { description: 'Events', content: { ...json(looseObject), 'text/csv': { schema: z.string() } } },
    404: problem('No such incident'),
  },
})

const wantsCsv = (c: Context<AppEnv>) => /\btext\/csv\b/.test(c.req.header('accept') ?? '')
const csv = (c: Context<AppEnv>, name: string, text: string) =>
  c.body(`\uFEFF${text}`, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
  })

/** The incident as the caller may see it: a district only those that include it. */
async function visibleIncident(deps: AppDeps, c: Context<AppEnv>, id: string) {
  const actor = c.get('actor')
  const incident = isUuid(id) ? await findIncident(deps.db, id) : undefined
  if (!incident || (actor?.role === 'district' && !incident.districts.includes(actor.districtCode ?? '')))
    throw notFound({ zh: '事件不存在', en: 'No such incident' })
  return incident
}

const districtScope = (c: Context<AppEnv>) => {
  const actor = c.get('actor')
  return actor?.role === 'district' ? (actor.districtCode ?? undefined) : undefined
}

export function incidentRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(activate, async (c) => {
      const key = c.req.valid('header')['idempotency-key']
      const { incident, created, taskCount } = await activateIncident(
        deps,
        requestContextOf(c),
        toActivateInput(c.req.valid('json')),
        key,
      )
      c.header('Location', `/api/v1/incidents/${incident.id}`)
      return c.json(incidentSummary(incident, taskCount), created ? 201 : 200)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const rows = await listIncidents(deps.db, {
        ...q,
        exercise: q.exercise === undefined ? undefined : q.exercise === 'true',
        district: districtScope(c),
      })
      return c.json({ items: rows.map((r) => incidentSummary(r)) }, 200)
    })
    .openapi(detail, async (c) => {
      const incident = await visibleIncident(deps, c, c.req.valid('param').id)
      const scope = districtScope(c)
      const [playbook, tasks, reports] = await Promise.all([
        deps.playbooks.pinned(deps.db, incident.playbook_hash),
        incidentTasks(deps.db, incident.id, scope),
        incidentReports(deps.db, incident.id),
      ])
      const now = deps.clock.now()
      const totals = figureTotals(reports)
      return c.json(
        {
          ...incidentSummary(incident, tasks.length),
          matrix: taskMatrix(playbook, tasks, now),
          // City-wide totals are public within the response; per-district figures only for the caller's scope.
          totals: {
            city: totals.city,
            districts: scope ? { [scope]: totals.byDistrict[scope] ?? {} } : totals.byDistrict,
          },
          // Most late first (issue 7): unacknowledged, past due, or silent past the reporting cadence.
          overdue: overdueList(tasks, now),
        },
        200,
      )
    })
    .openapi(level, async (c) => {
      const body = c.req.valid('json')
      const result = await changeLevel(deps, requestContextOf(c), c.req.valid('param').id, {
        level: levelFromName(body.level),
        reason: body.reason,
      })
      return c.json(
        { ...incidentSummary(result.incident), added: result.added, cancelled: result.cancelled },
        200,
      )
    })
    .openapi(close, async (c) => {
      const closed = await closeIncident(
        deps,
        requestContextOf(c),
        c.req.valid('param').id,
        c.req.valid('json'),
      )
      return c.json(incidentSummary(closed), 200)
    })
    .openapi(report, async (c) => {
      const incident = await visibleIncident(deps, c, c.req.valid('param').id)
      const scope = districtScope(c)
      const [tasks, reports, escalations] = await Promise.all([
        incidentTasks(deps.db, incident.id, scope),
        incidentReports(deps.db, incident.id, scope),
        deps.db
          .selectFrom('events')
          .select(['district_code', (eb) => eb.fn.countAll<number>().as('n')])
          .where('incident_id', '=', incident.id)
          .where('type', 'like', 'task.escalated%')
          .groupBy('district_code')
          .execute(),
      ])
      const escalationsByDistrict = new Map(escalations.map((e) => [e.district_code ?? '', Number(e.n)]))
      const scoped = scope ? { ...incident, districts: [scope] } : incident
      const body = afterActionReport(scoped, tasks, reports, escalationsByDistrict)
      if (!wantsCsv(c)) return c.json(body, 200)
      const figureNames = [...new Set(body.districts.flatMap((d) => Object.keys(d.figures)))].sort()
      const text = stringify([
        [...reportCsvColumns, ...figureNames],
        ...body.districts.map((d) => [
          ...reportCsvColumns.map((k) => d[k]),
          ...figureNames.map((f) => d.figures[f] ?? 0),
        ]),
      ])
      return csv(c, `${incident.code}-report.csv`, text)
    })
    .openapi(events, async (c) => {
      const incident = await visibleIncident(deps, c, c.req.valid('param').id)
      const q = c.req.valid('query')
      const rows = await incidentEvents(deps.db, incident.id, q.after, q.limit)
      const items = rows.map((e) => ({
        id: e.id,
        type: e.type,
        at: e.created_at.toISOString(),
        task: e.task_id,
        district: e.district_code,
        subject: e.subject,
        actor: e.actor_id
          ? { id: e.actor_id, name: e.actor_name, role: e.actor_role }
          : { role: e.actor_role },
        requestId: e.request_id,
        payload: e.payload,
      }))
      if (!wantsCsv(c)) return c.json({ items, next: rows.at(-1)?.id ?? q.after }, 200)
      const text = stringify([
        ['id', 'at', 'type', 'district', 'task', 'actor', 'role', 'request_id', 'payload'],
        ...rows.map((e) => [
          e.id,
          e.created_at.toISOString(),
          e.type,
          e.district_code ?? '',
          e.task_id ?? '',
          e.actor_name ?? '',
          e.actor_role ?? '',
          e.request_id ?? '',
          JSON.stringify(e.payload),
        ]),
      ])
      return csv(c, `${incident.code}-events.csv`, text)
    })
}
