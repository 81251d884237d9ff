import { notFound, validationFailed } from '../domain/errors.js'
import { sendCached } from '../http/read-cache.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import type { PublicReads } from '../public/public-reads.js'
import { listAlerts } from './alert-snapshot.js'
import { AlertListQuery, AlertPageSchema, AlertSchema, alertQueryIssues } from './alerts.schema.js'

const JSON_TYPE = 'application/json; charset=utf-8'
const notModified = { description: 'Not modified (If-None-Match matched the ETag)' }

const list = publicRoute({
  method: 'get',
  path: '/public/alerts',
  operationId: 'listPublicAlerts',
  tags: ['public'],
  summary: 'Consumer alerts: active first by severity, then newest',
  description:
    'The filters of the `/alerts` page: `district`, `category` (exact) or `hazard` (words), `from`/`to` ' +
    '(issue dates, Beijing), `status` active, ended or all; a bad value, or a range that ends before it ' +
    'starts, is 422 naming each. ' +
    'Drills (CAP status Exercise) are never listed as real: `exercise=true` lists them, and only them. ' +
    'Served from memory; `ETag`/`If-None-Match` answer 304.',
  request: { query: AlertListQuery },
  responses: {
    200: { description: 'A page of alerts', content: { 'application/json': { schema: AlertPageSchema } } },
    304: notModified,
  },
})

const detail = publicRoute({
  method: 'get',
  path: '/public/alerts/{id}',
  operationId: 'getPublicAlert',
  tags: ['public'],
  summary: 'One consumer alert with every CAP version sent for it',
  request: { params: IdParam },
  responses: {
    200: { description: 'The alert', content: { 'application/json': { schema: AlertSchema } } },
    304: notModified,
    404: problem('No such alert'),
  },
})

const alertNotFound = () => notFound({ zh: '预警不存在', en: 'No such alert' })

export function publicAlertRoutes(reads: PublicReads) {
  return newRouter()
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const issues = alertQueryIssues(q)
      if (issues.length > 0) throw validationFailed(issues)
      // Keyed by the URL: the fast path (src/public/fast-reads.ts) answers its repeats before the router.
      const entry = await reads.forUrl(c, JSON_TYPE, (s) => JSON.stringify(listAlerts(s.alerts, q)))
      return sendCached(c, entry) as never
    })
    .openapi(detail, async (c) => {
      const { id } = c.req.valid('param')
      const snapshot = await reads.current()
      if (!snapshot.alerts.byId.has(id)) throw alertNotFound()
      const entry = await reads.forUrl(c, JSON_TYPE, (s) => JSON.stringify(s.alerts.byId.get(id)?.dto))
      return sendCached(c, entry) as never
    })
}
