import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import {
  RetailerIdParam,
  RetailerInputSchema,
  RetailerPageSchema,
  RetailerPatchSchema,
  RetailerQuerySchema,
  RetailerSamplePageSchema,
  RetailerSampleQuery,
  RetailerSchema,
} from './retailers.schema.js'
import {
  createRetailer,
  findRetailers,
  getRetailer,
  retailerTag,
  samplesOfRetailer,
  updateRetailer,
} from './retailers.service.js'

const ETAG_HEADER = z.object({
  ETag: z.string().openapi({ description: 'The retailer’s version: send it as `If-Match` to update it' }),
})
const IF_MATCH_HEADER = z.object({
  'if-match': z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 'The `ETag` the change is based on; 412 when the retailer changed since' }),
})

const create = securedRoute(ACCESS.manageRetailers, {
  method: 'post',
  path: '/retailers',
  operationId: 'createRetailer',
  tags: ['retailers'],
  summary: 'Register a retailer (a large mall or supermarket); its recorded samples link to it',
  request: { body: { content: json(RetailerInputSchema), required: true } },
  responses: {
    201: { description: 'Registered', content: json(RetailerSchema) },
    409: problem('A retailer with this id exists'),
  },
})
const list = securedRoute(ACCESS.readRetailers, {
  method: 'get',
  path: '/retailers',
  operationId: 'listRetailers',
  tags: ['retailers'],
  summary: 'Retailers by id (a district token sees its own district’s only)',
  request: { query: RetailerQuerySchema },
  responses: { 200: { description: 'A page of retailers', content: json(RetailerPageSchema) } },
})
const get = securedRoute(ACCESS.readRetailers, {
  method: 'get',
  path: '/retailers/{id}',
  operationId: 'getRetailer',
  tags: ['retailers'],
  summary: 'One retailer',
  request: { params: RetailerIdParam },
  responses: {
    200: { description: 'The retailer', content: json(RetailerSchema), headers: ETAG_HEADER },
    404: problem('No such retailer (or not in the caller’s district)'),
  },
})
const patch = securedRoute(ACCESS.manageRetailers, {
  method: 'patch',
  path: '/retailers/{id}',
  operationId: 'updateRetailer',
  tags: ['retailers'],
  summary: 'Change a retailer; a changed name or address relinks its samples',
  description:
    'Send `If-Match` with the `ETag` of the retailer as read (`GET /retailers/{id}` or an earlier write) to ' +
    'refuse the write with 412 when someone changed it since; without `If-Match` the write is applied.',
  request: {
    params: RetailerIdParam,
    headers: IF_MATCH_HEADER,
    body: { content: json(RetailerPatchSchema), required: true },
  },
  responses: {
    200: { description: 'The retailer now', content: json(RetailerSchema), headers: ETAG_HEADER },
    404: problem('No such retailer'),
    412: problem('`If-Match` names a version the retailer no longer has: read it again'),
  },
})
const samples = securedRoute(ACCESS.readRetailers, {
  method: 'get',
  path: '/retailers/{id}/samples',
  operationId: 'listRetailerSamples',
  tags: ['retailers'],
  summary: 'Samples taken at this retailer (matched on normalised name and address), by sample number',
  request: { params: RetailerIdParam, query: RetailerSampleQuery },
  responses: {
    200: { description: 'A page of samples', content: json(RetailerSamplePageSchema) },
    404: problem('No such retailer (or not in the caller’s district)'),
  },
})

export function retailerRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(create, async (c) =>
      c.json(await createRetailer(deps, requestContextOf(c), c.req.valid('json')), 201),
    )
    .openapi(list, async (c) =>
      c.json(await findRetailers(deps, requestContextOf(c), c.req.valid('query')), 200),
    )
    .openapi(get, async (c) => {
      const retailer = await getRetailer(deps, requestContextOf(c), c.req.valid('param').id)
      c.header('ETag', retailerTag(retailer))
      return c.json(retailer, 200)
    })
    .openapi(patch, async (c) => {
      const retailer = await updateRetailer(
        deps,
        requestContextOf(c),
        c.req.valid('param').id,
        c.req.valid('json'),
        c.req.valid('header')['if-match'],
      )
      c.header('ETag', retailerTag(retailer))
      return c.json(retailer, 200)
    })
    .openapi(samples, async (c) =>
      c.json(
        await samplesOfRetailer(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('query')),
        200,
      ),
    )
}
