import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { ScorecardQuerySchema, ScorecardSchema, scorecard } from './scorecard.read.js'
import { getSelfCheck, listSelfChecks } from './self-checks.read.js'
import {
  SelfCheckDetailSchema,
  SelfCheckIdParam,
  SelfCheckPageSchema,
  SelfCheckQuerySchema,
  SelfCheckReportSchema,
} from './self-checks.schema.js'
import { fileSelfCheck } from './self-checks.service.js'

const get = securedRoute(ACCESS.readScorecard, {
  method: 'get',
  path: '/scorecard',
  operationId: 'getScorecard',
  tags: ['scorecard'],
  summary: 'District scorecard of a month (每月自查 · 每季抽查), with the city’s figures',
  request: { query: ScorecardQuerySchema },
  responses: { 200: { description: 'Per district and for the city', content: json(ScorecardSchema) } },
})

const detail = { description: 'The self-check with the district’s figures of the month' }
const listChecks = securedRoute(ACCESS.readSelfChecks, {
  method: 'get',
  path: '/self-checks',
  operationId: 'listSelfChecks',
  tags: ['scorecard'],
  summary: '每月自查: the monthly self-checks, newest month first; a district officer sees their own',
  request: { query: SelfCheckQuerySchema },
  responses: { 200: { description: 'A page of self-checks', content: json(SelfCheckPageSchema) } },
})
const getCheck = securedRoute(ACCESS.readSelfChecks, {
  method: 'get',
  path: '/self-checks/{id}',
  operationId: 'getSelfCheck',
  tags: ['scorecard'],
  summary: 'A self-check with the district’s scorecard figures of the month (as they stand, or as filed)',
  request: { params: SelfCheckIdParam },
  responses: {
    200: { ...detail, content: json(SelfCheckDetailSchema) },
    403: problem('Another district’s self-check'),
    404: problem('No such self-check'),
  },
})
const file = securedRoute(ACCESS.fileSelfCheck, {
  method: 'post',
  path: '/self-checks/{id}/report',
  operationId: 'fileSelfCheck',
  tags: ['scorecard'],
  summary: 'File the district’s self-check: what the figures show and the measures (once)',
  request: { params: SelfCheckIdParam, body: { content: json(SelfCheckReportSchema), required: true } },
  responses: {
    200: { ...detail, content: json(SelfCheckDetailSchema) },
    403: problem('Another district’s self-check'),
    404: problem('No such self-check'),
    409: problem('Filed already'),
  },
})

export function scorecardRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(get, async (c) => c.json(await scorecard(deps, c.req.valid('query').month), 200))
    .openapi(listChecks, async (c) =>
      c.json(await listSelfChecks(deps, requestContextOf(c), c.req.valid('query')), 200),
    )
    .openapi(getCheck, async (c) =>
      c.json(await getSelfCheck(deps, requestContextOf(c), c.req.valid('param').id), 200),
    )
    .openapi(file, async (c) => {
      const ctx = requestContextOf(c)
      const { id } = c.req.valid('param')
      await fileSelfCheck(deps, ctx, id, c.req.valid('json'))
      return c.json(await getSelfCheck(deps, ctx, id), 200)
    })
}
