import { z } from '@hono/zod-openapi'
import { UnconfirmedSchema } from '../boards/boards.schema.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { DistrictCodeParam, json, problem, timestamp } from '../http/schemas.js'
import { TaskListItemSchema } from '../tasks/tasks.schema.js'
import { districtOverdue } from './district-overdue.service.js'

const late = {
  overdueSince: timestamp().openapi({ description: 'When it became overdue' }),
  lateBySeconds: z.number().int(),
}

const OverdueItemSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('task'), ...late, task: TaskListItemSchema }),
    z.strictObject({
      kind: z.literal('retailer'),
      ...late,
      retailer: UnconfirmedSchema.openapi({ description: 'Unconfirmed for more than 24 h' }),
    }),
  ])
  .openapi('DistrictOverdueItem')

const overdue = securedRoute(ACCESS.readBoardStatus, {
  method: 'get',
  path: '/districts/{code}/overdue',
  operationId: 'listDistrictOverdue',
  tags: ['districts'],
  summary: 'A district’s overdue list: late tasks and retailers unconfirmed past 24 h, most late first',
  description:
    'A task is overdue past its acknowledgement or due time, or when silent past its reporting cadence; a ' +
    'retailer when its board has awaited confirmation (企业自律) for more than 24 h. A district token sees ' +
    'its own district only (another is 403).',
  request: {
    params: z.strictObject({
      code: DistrictCodeParam,
    }),
    query: z.strictObject(PageQuery),
  },
  responses: {
    200: {
      description: 'A page of the overdue list',
      content: json(pageSchema(OverdueItemSchema).openapi('DistrictOverduePage')),
    },
    404: problem('No such district'),
  },
})

export function districtOverdueRoutes(deps: AppDeps) {
  return newRouter().openapi(overdue, async (c) =>
    c.json(
      await districtOverdue(deps, requestContextOf(c), c.req.valid('param').code, c.req.valid('query')),
      200,
    ),
  )
}
