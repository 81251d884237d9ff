import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { levelFromName } from '../domain/enums.js'
import { nameText } from '../domain/text.js'
import { EventSchema } from '../events/event-schemas.js'
import { requestContextOf } from '../http/app-env.js'
import { csvResponse, wantsCsv } from '../http/csv.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, json, pageSchema, problem } from '../http/schemas.js'
import { reportCsv, timelineCsv } from './incident-csv.js'
import {
  incidentDetail,
  incidentReport,
  incidentTimeline,
  listIncidentsFor,
} from './incident-reads.service.js'
import { incidentSummary } from './incident-view.js'
import {
  ActivateSchema,
  AfterActionReportSchema,
  CloseSchema,
  EventsQuerySchema,
  IncidentDetailSchema,
  IncidentQuerySchema,
  IncidentSchema,
  LevelChangeResultSchema,
  LevelChangeSchema,
  toActivateInput,
} from './incidents.schema.js'
import { activateIncident, changeLevel, closeIncident } from './incidents.service.js'

const csvContent = { 'text/csv': { schema: z.string().openapi({ description: 'UTF-8 with BOM' }) } }

const activate = securedRoute(ACCESS.activateIncident, {
  method: 'post',
  path: '/incidents',
  operationId: 'activateIncident',
  tags: ['incidents'],
  summary: 'Activate a playbook (idempotent with Idempotency-Key)',
  request: {
    headers: z.object({
      'idempotency-key': nameText(200)
        .optional()
        .openapi({ description: 'Your key for this request; scoped to your token’s holder' }),
    }),
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
    409: problem('The same key is in use by a request still running; retry'),
  },
})

const list = securedRoute(ACCESS.readIncidents, {
  method: 'get',
  path: '/incidents',
  operationId: 'listIncidents',
  tags: ['incidents'],
  summary: 'List incidents, newest first (a district token sees those that include its district)',
  request: { query: IncidentQuerySchema },
  responses: {
    200: { description: 'A page of incidents, newest first', content: json(pageSchema(IncidentSchema)) },
  },
})

const detail = securedRoute(ACCESS.readIncidents, {
  method: 'get',
  path: '/incidents/{id}',
  operationId: 'getIncident',
  tags: ['incidents'],
  summary: 'An incident with its district × step matrix, live totals and overdue tasks',
  request: { params: IdParam },
  responses: {
    200: { description: 'The incident', content: json(IncidentDetailSchema) },
    404: problem('No such incident'),
  },
})

const level = securedRoute(ACCESS.changeIncidentLevel, {
  method: 'post',
  path: '/incidents/{id}/level',
  operationId: 'changeIncidentLevel',
  tags: ['incidents'],
  summary: 'Raise or lower the response level',
  request: { params: IdParam, body: { content: json(LevelChangeSchema), required: true } },
  responses: {
    200: { description: 'Level changed', content: json(LevelChangeResultSchema) },
    404: problem('No such incident'),
    409: problem('Incident closed'),
  },
})

const close = securedRoute(ACCESS.closeIncident, {
  method: 'post',
  path: '/incidents/{id}/close',
  operationId: 'closeIncident',
  tags: ['incidents'],
  summary: 'Close the incident; open tasks are cancelled and the after-action report is final',
  request: { params: IdParam, body: { content: json(CloseSchema), required: true } },
  responses: {
    200: { description: 'Closed', content: json(IncidentSchema) },
    404: problem('No such incident'),
    409: problem('Already closed'),
  },
})

const report = securedRoute(ACCESS.readIncidents, {
  method: 'get',
  path: '/incidents/{id}/report',
  operationId: 'getIncidentReport',
  tags: ['incidents'],
  summary: 'After-action report (JSON, or CSV with Accept: text/csv)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Report', content: { ...json(AfterActionReportSchema), ...csvContent } },
    404: problem('No such incident'),
  },
})

const events = securedRoute(ACCESS.readIncidentEvents, {
  method: 'get',
  path: '/incidents/{id}/events',
  operationId: 'listIncidentEvents',
  tags: ['incidents'],
  summary:
    'The timeline, a page at a time: every state change with actor and request id (JSON; or, with Accept: text/csv, all of it as CSV)',
  request: { params: IdParam, query: EventsQuerySchema },
  responses: {
    200: {
      description: 'Events, oldest first',
      content: { ...json(pageSchema(EventSchema)), ...csvContent },
    },
    404: problem('No such incident'),
  },
})

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
      const page = await listIncidentsFor(deps, requestContextOf(c), c.req.valid('query'))
      return c.json({ items: page.items.map((r) => incidentSummary(r)), next: page.next }, 200)
    })
    .openapi(detail, async (c) =>
      c.json(await incidentDetail(deps, requestContextOf(c), c.req.valid('param').id), 200),
    )
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
      const { incident, report: body } = await incidentReport(
        deps,
        requestContextOf(c),
        c.req.valid('param').id,
      )
      if (!wantsCsv(c)) return c.json(body, 200)
      return csvResponse(c, reportCsv(incident.code, body))
    })
    .openapi(events, async (c) => {
      const ctx = requestContextOf(c)
      const id = c.req.valid('param').id
      if (!wantsCsv(c)) return c.json((await incidentTimeline(deps, ctx, id, c.req.valid('query'))).page, 200)
      // The download is the whole timeline, not a page of it.
      const { incident, page } = await incidentTimeline(deps, ctx, id, { limit: null })
      return csvResponse(c, timelineCsv(incident.code, page.items))
    })
}
