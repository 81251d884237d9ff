import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { publicRoute, securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { listSpotChecks, readSpotCheck } from './spot-checks.read.js'
import {
  SpotCheckIdParam,
  SpotCheckInputSchema,
  SpotCheckPageSchema,
  SpotCheckQuerySchema,
  SpotCheckSchema,
} from './spot-checks.schema.js'
import { drawSpotCheck } from './spot-checks.service.js'

const tags = ['inspections']
const one = { description: 'The spot check: seed, population and the districts drawn in order' }

const draw = securedRoute(ACCESS.drawSpotCheck, {
  method: 'post',
  path: '/spot-checks',
  operationId: 'drawSpotCheck',
  tags,
  summary: '每季抽查: draw the quarter’s districts from a published seed (once a quarter)',
  request: { body: { content: json(SpotCheckInputSchema), required: true } },
  responses: {
    201: { ...one, content: json(SpotCheckSchema) },
    409: problem('The quarter has been drawn already'),
  },
})
const list = securedRoute(ACCESS.readSpotChecks, {
  method: 'get',
  path: '/spot-checks',
  operationId: 'listSpotChecks',
  tags,
  summary: 'Quarterly spot checks, latest quarter first',
  request: { query: SpotCheckQuerySchema },
  responses: { 200: { description: 'Spot checks', content: json(SpotCheckPageSchema) } },
})
const get = securedRoute(ACCESS.readSpotChecks, {
  method: 'get',
  path: '/spot-checks/{id}',
  operationId: 'getSpotCheck',
  tags,
  summary: 'One quarterly spot check',
  request: { params: SpotCheckIdParam },
  responses: { 200: { ...one, content: json(SpotCheckSchema) }, 404: problem('No such spot check') },
})
const publicList = publicRoute({
  method: 'get',
  path: '/public/spot-checks',
  operationId: 'publicSpotChecks',
  tags: ['public'],
  summary: '一公开: the quarterly spot checks of districts, with their seeds',
  request: { query: SpotCheckQuerySchema },
  responses: { 200: { description: 'Spot checks', content: json(SpotCheckPageSchema) } },
})

export function spotCheckRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(draw, async (c) => {
      const id = await drawSpotCheck(deps, requestContextOf(c), c.req.valid('json'))
      return c.json(await readSpotCheck(deps.db, deps.districts, id), 201)
    })
    .openapi(list, async (c) =>
      c.json(await listSpotChecks(deps.db, deps.districts, c.req.valid('query')), 200),
    )
    .openapi(get, async (c) =>
      c.json(await readSpotCheck(deps.db, deps.districts, c.req.valid('param').id), 200),
    )
    .openapi(publicList, async (c) =>
      c.json(await listSpotChecks(deps.db, deps.districts, c.req.valid('query')), 200),
    )
}
