import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { callerOf, districtScopeOf } from '../domain/context.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { findBusinesses, getBusiness } from './businesses.read.js'
import {
  BusinessDetailSchema,
  BusinessIdParam,
  BusinessInputSchema,
  BusinessMergeSchema,
  BusinessPageSchema,
  BusinessQuerySchema,
} from './businesses.schema.js'
import { createBusiness, mergeBusiness } from './businesses.service.js'

const tags = ['businesses']

const create = securedRoute(ACCESS.manageBusinesses, {
  method: 'post',
  path: '/businesses',
  operationId: 'createBusiness',
  tags,
  summary: 'Register a business (经营主体), with its unified social credit code when known',
  request: { body: { content: json(BusinessInputSchema), required: true } },
  responses: {
    201: { description: 'Registered', content: json(BusinessDetailSchema) },
    409: problem('A business with this name and address, or this credit code, is registered'),
  },
})
const list = securedRoute(ACCESS.readBusinesses, {
  method: 'get',
  path: '/businesses',
  operationId: 'listBusinesses',
  tags,
  summary: 'The register by name: a part of the name or a whole credit code, district, kind',
  request: { query: BusinessQuerySchema },
  responses: { 200: { description: 'A page of businesses', content: json(BusinessPageSchema) } },
})
const get = securedRoute(ACCESS.readBusinesses, {
  method: 'get',
  path: '/businesses/{id}',
  operationId: 'getBusiness',
  tags,
  summary:
    'One business with its samples (as seller or named producer), the retailers it runs and the complaints naming it',
  request: { params: BusinessIdParam },
  responses: {
    200: { description: 'The business', content: json(BusinessDetailSchema) },
    404: problem('No such business'),
  },
})
const merge = securedRoute(ACCESS.manageBusinesses, {
  method: 'post',
  path: '/businesses/{id}/merge',
  operationId: 'mergeBusiness',
  tags,
  summary: 'Merge two records of one business: this one joins `into`, its history and links follow',
  request: { params: BusinessIdParam, body: { content: json(BusinessMergeSchema), required: true } },
  responses: {
    200: { description: 'The business that stays', content: json(BusinessDetailSchema) },
    404: problem('No such business'),
    409: problem('Already merged, the target was merged away, or the credit codes differ'),
  },
})

export function businessRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(create, async (c) =>
      c.json(await createBusiness(deps, requestContextOf(c), c.req.valid('json')), 201),
    )
    .openapi(list, async (c) => c.json(await findBusinesses(deps, c.req.valid('query')), 200))
    .openapi(get, async (c) => {
      const ctx = requestContextOf(c)
      const role = callerOf(ctx)!.role
      // Each part of the record as far as the reader may read it through its own API (a district its own).
      const part = (verb: Parameters<typeof may>[1]) =>
        may(role, verb) ? { district: districtScopeOf(ctx) } : { none: true as const }
      const view = {
        complaints: part('readComplaints'),
        rectifications: part('readRectifications'),
        inspections: part('readInspectionPlans'),
      }
      return c.json(await getBusiness(deps, c.req.valid('param').id, view), 200)
    })
    .openapi(merge, async (c) =>
      c.json(
        await mergeBusiness(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    )
}
