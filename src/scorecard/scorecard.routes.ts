import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json } from '../http/schemas.js'
import { ScorecardQuerySchema, ScorecardSchema, scorecard } from './scorecard.read.js'

const get = securedRoute(ACCESS.readScorecard, {
  method: 'get',
  path: '/scorecard',
  operationId: 'getScorecard',
  tags: ['scorecard'],
  summary: 'District scorecard of a month (每月自查 · 每季抽查), with the city’s figures',
  request: { query: ScorecardQuerySchema },
  responses: { 200: { description: 'Per district and for the city', content: json(ScorecardSchema) } },
})

export function scorecardRoutes(deps: AppDeps) {
  return newRouter().openapi(get, async (c) => c.json(await scorecard(deps, c.req.valid('query').month), 200))
}
