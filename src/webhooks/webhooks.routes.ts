import { z } from '@hono/zod-openapi'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { requestContextOf } from '../http/app-env.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { codeParam, IdParam, problem, uuidParam } from '../http/schemas.js'
import {
  type DeliveryRow,
  findWebhook,
  listDeliveries,
  listWebhooks,
  type WebhookRow,
} from './webhooks.repo.js'
import {
  CreatedWebhookSchema,
  CreateWebhookSchema,
  DeliverySchema,
  WebhookListQuery,
  WebhookSchema,
} from './webhooks.schema.js'
import { createWebhook, deleteWebhook, redeliver, webhookNotFound } from './webhooks.service.js'

const DeliveryParams = z.object({
  id: uuidParam('id'),
  // A number: anything else names no delivery (404).
  deliveryId: codeParam('deliveryId', /^\d{1,15}$/, 15, '42'),
})

const toDto = (r: WebhookRow) => ({
  id: r.id,
  url: r.url,
  events: r.events,
  districts: r.districts,
  notify: r.notify,
  createdAt: r.created_at.toISOString(),
  deletedAt: r.deleted_at?.toISOString() ?? null,
})

const toDeliveryDto = (r: DeliveryRow) => ({
  id: String(r.id),
  event: Number(r.event_id),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
  lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: r.delivered_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
})

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })

const create = securedRoute(ACCESS.manageWebhooks, {
  method: 'post',
  path: '/webhooks',
  operationId: 'createWebhook',
  tags: ['webhooks'],
  summary: 'Subscribe a receiver to events (the signing secret is shown once)',
  request: { body: { content: json(CreateWebhookSchema), required: true } },
  responses: { 201: { description: 'Created', content: json(CreatedWebhookSchema) } },
})

const list = securedRoute(ACCESS.manageWebhooks, {
  method: 'get',
  path: '/webhooks',
  operationId: 'listWebhooks',
  tags: ['webhooks'],
  summary: 'List webhook subscriptions (never their secrets)',
  request: { query: WebhookListQuery.extend(PageQuery) },
  responses: { 200: { description: 'Subscriptions', content: json(pageSchema(WebhookSchema)) } },
})

const get = securedRoute(ACCESS.manageWebhooks, {
  method: 'get',
  path: '/webhooks/{id}',
  operationId: 'getWebhook',
  tags: ['webhooks'],
  summary: 'One webhook subscription (never its secret)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Subscription', content: json(WebhookSchema) },
    404: problem('No such webhook'),
  },
})

const remove = securedRoute(ACCESS.manageWebhooks, {
  method: 'delete',
  path: '/webhooks/{id}',
  operationId: 'deleteWebhook',
  tags: ['webhooks'],
  summary: 'Unsubscribe (pending deliveries stop; history stays)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Deleted (deleting again changes nothing)', content: json(WebhookSchema) },
    404: problem('No such webhook'),
  },
})

const deliveries = securedRoute(ACCESS.manageWebhooks, {
  method: 'get',
  path: '/webhooks/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags: ['webhooks'],
  summary: 'Deliveries of a subscription, oldest first (`?status=dead`: dead letters)',
  request: {
    params: IdParam,
    query: z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), ...PageQuery }),
  },
  responses: {
    200: { description: 'Deliveries', content: json(pageSchema(DeliverySchema)) },
    404: problem('No such webhook'),
  },
})

const redeliverRoute = securedRoute(ACCESS.manageWebhooks, {
  method: 'post',
  path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
  operationId: 'redeliverWebhookDelivery',
  tags: ['webhooks'],
  summary: 'Queue a dead delivery again (fresh 24 h retry window)',
  request: { params: DeliveryParams },
  responses: {
    200: { description: 'Queued', content: json(DeliverySchema) },
    404: problem('No such webhook or delivery'),
    409: problem('Delivery is not dead, or the webhook was deleted'),
  },
})

const deliveryId = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : null)

export function webhookRoutes({ db, clock, districts, config }: AppDeps) {
  return newRouter()
    .openapi(create, async (c) => {
      const row = await createWebhook(db, clock, districts, requestContextOf(c), c.req.valid('json'), {
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      })
      return c.json({ ...toDto(row), secret: row.secret }, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const rows = await listWebhooks(db, {
        includeDeleted: q.deleted === 'true',
        limit: q.limit,
        after: q.cursor ? decodeCursor(q.cursor, 2) : undefined,
      })
      return c.json(
        pageOf(rows, q.limit, (r) => [r.created_at.toISOString(), r.id], toDto),
        200,
      )
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param')
      const row = isUuid(id) ? await findWebhook(db, id) : undefined
      if (!row) throw webhookNotFound()
      return c.json(toDto(row), 200)
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param')
      if (!isUuid(id)) throw webhookNotFound()
      return c.json(toDto(await deleteWebhook(db, clock, requestContextOf(c), id)), 200)
    })
    .openapi(deliveries, async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      if (!isUuid(id) || !(await findWebhook(db, id))) throw webhookNotFound()
      const rows = await listDeliveries(db, id, {
        status: q.status,
        limit: q.limit,
        after: q.cursor ? decodeCursor(q.cursor, 1) : undefined,
      })
      return c.json(
        pageOf(rows, q.limit, (r) => [Number(r.id)], toDeliveryDto),
        200,
      )
    })
    .openapi(redeliverRoute, async (c) => {
      const p = c.req.valid('param')
      const n = deliveryId(p.deliveryId)
      if (!isUuid(p.id)) throw webhookNotFound()
      if (n === null) throw notFound({ zh: '投递记录不存在', en: 'No such delivery' })
      const row = await redeliver(db, clock, requestContextOf(c), p.id, n)
      return c.json(toDeliveryDto(row), 200)
    })
}
