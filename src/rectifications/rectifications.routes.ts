import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { closeByDecision, closeByResample } from './rectification-close.service.js'
import { addEvidence, recordMeeting, recordStatement } from './rectification-record.service.js'
import { getRectification, listRectifications } from './rectifications.read.js'
import {
  DecisionInputSchema,
  EvidenceInputSchema,
  MeetingInputSchema,
  RectificationDetailSchema,
  RectificationIdParam,
  RectificationPageSchema,
  RectificationQuerySchema,
  ResampleInputSchema,
  StatementInputSchema,
} from './rectifications.schema.js'

const tags = ['rectifications']
const refusals = {
  403: problem('A case of another district'),
  404: problem('No such case'),
  409: problem('The case is closed'),
}

const list = securedRoute(ACCESS.readRectifications, {
  method: 'get',
  path: '/rectifications',
  operationId: 'listRectifications',
  tags,
  summary: 'Rectification cases (整改), newest first; a district officer sees their district’s',
  request: { query: RectificationQuerySchema },
  responses: { 200: { description: 'A page of cases', content: json(RectificationPageSchema) } },
})
const get = securedRoute(ACCESS.readRectifications, {
  method: 'get',
  path: '/rectifications/{id}',
  operationId: 'getRectification',
  tags,
  summary: 'One rectification case with its meeting, statement, evidence and outcome',
  request: { params: RectificationIdParam },
  responses: {
    200: { description: 'The case', content: json(RectificationDetailSchema) },
    403: refusals[403],
    404: refusals[404],
  },
})
const step = <S extends Parameters<typeof json>[0]>(
  verb: 'recordRectification' | 'closeRectification',
  path: string,
  operationId: string,
  summary: string,
  schema: S,
) =>
  securedRoute(ACCESS[verb], {
    method: 'post',
    path: `/rectifications/{id}/${path}`,
    operationId,
    tags,
    summary,
    request: { params: RectificationIdParam, body: { content: json(schema), required: true } },
    responses: {
      200: { description: 'The case as it is now', content: json(RectificationDetailSchema) },
      ...refusals,
    },
  })

const meeting = step(
  'recordRectification',
  'meeting',
  'recordRectificationMeeting',
  'Record the quality-analysis meeting (date, who attended)',
  MeetingInputSchema,
)
const statement = step(
  'recordRectification',
  'statement',
  'recordRectificationStatement',
  'Record the business’s stated cause and measures',
  StatementInputSchema,
)
const evidence = step(
  'recordRectification',
  'evidence',
  'addRectificationEvidence',
  'Add evidence: a note and/or a small file (base64; size and types per playbooks/rules/rectification.yaml)',
  EvidenceInputSchema,
)
const resample = step(
  'closeRectification',
  'resample',
  'closeRectificationByResample',
  'A passing re-sample of the same business closes the case',
  ResampleInputSchema,
)
const decide = step(
  'closeRectification',
  'close',
  'closeRectificationByDecision',
  'Close by a recorded decision (rectified or refused) with its reason',
  DecisionInputSchema,
)

export function rectificationRoutes(deps: AppDeps) {
  const done = async (
    c: { req: { valid(t: 'param'): { id: string } } },
    ctx: ReturnType<typeof requestContextOf>,
  ) => getRectification(deps, ctx, c.req.valid('param').id)
  return newRouter()
    .openapi(list, async (c) =>
      c.json(await listRectifications(deps, requestContextOf(c), c.req.valid('query')), 200),
    )
    .openapi(get, async (c) =>
      c.json(await getRectification(deps, requestContextOf(c), c.req.valid('param').id), 200),
    )
    .openapi(meeting, async (c) => {
      const ctx = requestContextOf(c)
      await recordMeeting(deps, ctx, c.req.valid('param').id, c.req.valid('json'))
      return c.json(await done(c, ctx), 200)
    })
    .openapi(statement, async (c) => {
      const ctx = requestContextOf(c)
      await recordStatement(deps, ctx, c.req.valid('param').id, c.req.valid('json'))
      return c.json(await done(c, ctx), 200)
    })
    .openapi(evidence, async (c) => {
      const ctx = requestContextOf(c)
      await addEvidence(deps, ctx, c.req.valid('param').id, c.req.valid('json'))
      return c.json(await done(c, ctx), 200)
    })
    .openapi(resample, async (c) => {
      const ctx = requestContextOf(c)
      await closeByResample(deps, ctx, c.req.valid('param').id, c.req.valid('json'))
      return c.json(await done(c, ctx), 200)
    })
    .openapi(decide, async (c) => {
      const ctx = requestContextOf(c)
      await closeByDecision(deps, ctx, c.req.valid('param').id, c.req.valid('json'))
      return c.json(await done(c, ctx), 200)
    })
}
