import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { publicRoute, securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { pageLang } from '../web/i18n.js'
import { pageErrors } from '../web/page-errors.js'
import { pageResponses } from '../web/page-route.js'
import { pageHeaders } from '../web/security.js'
import { pageOfPlans, readPlan, readPlans } from './inspections.read.js'
import {
  ConflictInputSchema,
  InspectionParam,
  InspectionPlanInputSchema,
  InspectionPlanListSchema,
  InspectionPlanQuerySchema,
  InspectionPlanSchema,
  InspectionResultInputSchema,
  PlanIdParam,
} from './inspections.schema.js'
import {
  createInspectionPlan,
  drawInspectionPlan,
  flagConflict,
  recordInspectionResult,
} from './inspections.service.js'
import { InspectionsPage } from './inspections-page.js'
import { listSpotChecks } from './spot-checks.read.js'

const tags = ['inspections']
const planOut = { description: 'The plan and its draw in order', content: json(InspectionPlanSchema) }

const create = securedRoute(ACCESS.manageInspectionPlans, {
  method: 'post',
  path: '/inspection-plans',
  operationId: 'createInspectionPlan',
  tags,
  summary: 'Make a 双随机 inspection plan: population, share per credit class, published seed, checklist',
  request: { body: { content: json(InspectionPlanInputSchema), required: true } },
  responses: { 201: planOut },
})
const list = securedRoute(ACCESS.readInspectionPlans, {
  method: 'get',
  path: '/inspection-plans',
  operationId: 'listInspectionPlans',
  tags,
  summary: 'Plans, newest first, each with its draw',
  request: { query: InspectionPlanQuerySchema },
  responses: { 200: { description: 'Plans', content: json(InspectionPlanListSchema) } },
})
const get = securedRoute(ACCESS.readInspectionPlans, {
  method: 'get',
  path: '/inspection-plans/{id}',
  operationId: 'getInspectionPlan',
  tags,
  summary: 'A plan with its draw in order (business, class, two inspectors, task, result)',
  request: { params: PlanIdParam },
  responses: { 200: planOut, 404: problem('No such plan') },
})
const drawIt = securedRoute(ACCESS.manageInspectionPlans, {
  method: 'post',
  path: '/inspection-plans/{id}/draw',
  operationId: 'drawInspectionPlan',
  tags,
  summary: 'Draw the plan from its seed (repeatable by anyone; see src/inspections/inspection-draw.ts)',
  request: { params: PlanIdParam },
  responses: {
    200: planOut,
    404: problem('No such plan'),
    409: problem('Drawn already'),
    422: problem('A class with a share has no business, or a district lacks two eligible officers'),
  },
})
const result = securedRoute(ACCESS.recordInspection, {
  method: 'post',
  path: '/inspection-plans/{id}/inspections/{position}',
  operationId: 'recordInspectionResult',
  tags,
  summary: 'Record one drawn business’s inspection result; its credit class is recomputed',
  request: { params: InspectionParam, body: { content: json(InspectionResultInputSchema), required: true } },
  responses: {
    200: planOut,
    403: problem('Another district’s inspection'),
    404: problem('No such plan or position'),
    409: problem('Recorded already'),
  },
})
const conflict = securedRoute(ACCESS.manageInspectionPlans, {
  method: 'post',
  path: '/officer-conflicts',
  operationId: 'flagOfficerConflict',
  tags,
  summary: 'Flag an officer as conflicted with a business: never drawn to inspect it',
  request: { body: { content: json(ConflictInputSchema), required: true } },
  responses: { 204: { description: 'Flagged' } },
})
const publicJson = publicRoute({
  method: 'get',
  path: '/public/inspections',
  operationId: 'publicInspections',
  tags: ['public'],
  summary: '一公开: drawn plans with their seed, the businesses drawn and the results (no officers’ names)',
  request: { query: InspectionPlanQuerySchema },
  responses: { 200: { description: 'Drawn plans', content: json(InspectionPlanListSchema) } },
})
const page = publicRoute(
  {
    method: 'get',
    path: '/inspections',
    operationId: 'inspectionsPage',
    tags: ['pages'],
    summary: 'Random inspections made public: plan, seed, businesses drawn, results',
    responses: pageResponses,
  },
  { api: false },
)

export function inspectionRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(create, async (c) => {
      const id = await createInspectionPlan(deps, requestContextOf(c), c.req.valid('json'))
      return c.json(await readPlan(deps.db, id), 201)
    })
    .openapi(list, async (c) => c.json(await pageOfPlans(deps.db, c.req.valid('query')), 200))
    .openapi(get, async (c) => c.json(await readPlan(deps.db, c.req.valid('param').id), 200))
    .openapi(drawIt, async (c) => {
      const { id } = c.req.valid('param')
      await drawInspectionPlan(deps, requestContextOf(c), id)
      return c.json(await readPlan(deps.db, id), 200)
    })
    .openapi(result, async (c) => {
      const { id, position } = c.req.valid('param')
      await recordInspectionResult(deps, requestContextOf(c), id, position, c.req.valid('json'))
      return c.json(await readPlan(deps.db, id), 200)
    })
    .openapi(conflict, async (c) => {
      await flagConflict(deps, requestContextOf(c), c.req.valid('json'))
      return c.body(null, 204)
    })
}

export function publicInspectionRoutes(deps: AppDeps) {
  return newRouter().openapi(publicJson, async (c) =>
    c.json(await pageOfPlans(deps.db, { ...c.req.valid('query'), publicView: true }), 200),
  )
}

export function inspectionPageRoutes(deps: AppDeps) {
  const router = newRouter()
  router.onError(pageErrors)
  return router.openapi(page, async (c) => {
    const lang = pageLang(c)
    pageHeaders(c)
    const plans = await readPlans(deps.db, { publicView: true, limit: 50 })
    const spot = await listSpotChecks(deps.db, deps.districts, { limit: 8 })
    return c.html(
      `<!doctype html>${String(
        <InspectionsPage lang={lang} self="/inspections" plans={plans} spotChecks={spot.items} />,
      )}`,
      200,
    ) as never
  })
}
