import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, json, problem } from '../http/schemas.js'
import { requestSignalSampling } from './signal-sampling.service.js'
import {
  ActivatedSchema,
  ActivateSignalSchema,
  DismissSignalSchema,
  SamplingRequestedSchema,
  SamplingRequestSchema,
  SignalListQuery,
  SignalPageSchema,
  SignalSchema,
} from './signals.schema.js'
import { activateSignal, dismissSignal, findSignals, getSignal } from './signals.service.js'

const tags = ['signals']

const list = securedRoute(ACCESS.readSignals, {
  method: 'get',
  path: '/signals',
  operationId: 'listSignals',
  tags,
  summary: 'Signals raised by complaints (newest first), each with its complaints',
  request: { query: SignalListQuery },
  responses: { 200: { description: 'A page of signals', content: json(SignalPageSchema) } },
})
const get = securedRoute(ACCESS.readSignals, {
  method: 'get',
  path: '/signals/{id}',
  operationId: 'getSignal',
  tags,
  summary: 'One signal with its complaints',
  request: { params: IdParam },
  responses: {
    200: { description: 'The signal', content: json(SignalSchema) },
    404: problem('No such signal'),
  },
})
const activate = securedRoute(ACCESS.activateSignal, {
  method: 'post',
  path: '/signals/{id}/activate',
  operationId: 'activateSignal',
  tags,
  summary: 'Start the suggested response (playbook and level unless overridden); idempotent',
  request: { params: IdParam, body: { content: json(ActivateSignalSchema), required: false } },
  responses: {
    200: { description: 'Activated before: its incident', content: json(ActivatedSchema) },
    201: { description: 'Activated', content: json(ActivatedSchema) },
    404: problem('No such signal'),
    409: problem('The signal was dismissed'),
  },
})
const dismiss = securedRoute(ACCESS.dismissSignal, {
  method: 'post',
  path: '/signals/{id}/dismiss',
  operationId: 'dismissSignal',
  tags,
  summary: 'Dismiss with a reason (optionally snoozing the rule for its key)',
  request: { params: IdParam, body: { content: json(DismissSignalSchema), required: true } },
  responses: {
    200: { description: 'Dismissed', content: json(SignalSchema) },
    404: problem('No such signal'),
    409: problem('Not open'),
  },
})

const sampling = securedRoute(ACCESS.requestSignalSampling, {
  method: 'post',
  path: '/signals/{id}/request-sampling',
  operationId: 'requestSignalSampling',
  tags,
  summary:
    'Ask the districts concerned (those of its complaints, or a list) to sample the named product: one task each; idempotent',
  request: { params: IdParam, body: { content: json(SamplingRequestSchema), required: false } },
  responses: {
    200: { description: 'Requested before: that request', content: json(SamplingRequestedSchema) },
    201: {
      description: 'Requested: the sampling incident and its tasks',
      content: json(SamplingRequestedSchema),
    },
    404: problem('No such signal'),
    409: problem('The signal was dismissed'),
  },
})

export function signalRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(list, async (c) =>
      c.json(await findSignals(deps, requestContextOf(c), c.req.valid('query')), 200),
    )
    .openapi(get, async (c) => c.json(await getSignal(deps, c.req.valid('param').id), 200))
    .openapi(activate, async (c) => {
      const r = await activateSignal(
        deps,
        requestContextOf(c),
        c.req.valid('param').id,
        c.req.valid('json') ?? {},
      )
      return c.json({ signal: r.signal, incident: r.incident }, r.created ? 201 : 200)
    })
    .openapi(sampling, async (c) => {
      const id = c.req.valid('param').id
      const r = await requestSignalSampling(deps, requestContextOf(c), id, c.req.valid('json') ?? {})
      return c.json({ signal: await getSignal(deps, id), incident: r.incident }, r.created ? 201 : 200)
    })
    .openapi(dismiss, async (c) =>
      c.json(
        await dismissSignal(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    )
}
