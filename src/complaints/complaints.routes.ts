import type { Context } from 'hono'
import type { ZodError } from 'zod'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { districtScopeOf } from '../domain/context.js'
import { validationFailed } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'
import { requestContextOf } from '../http/app-env.js'
import { validationHook, zodIssues } from '../http/errors.js'
import { publicRoute, securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { signalRules } from '../signals/signal-rules.js'
import { closeComplaint } from './complaint-close.service.js'
import { decideComplaint } from './complaint-decide.service.js'
import { cityYear, monthlyFigures, yearOf } from './complaint-figures.js'
import { intakeIssues, recordComplaint, submitComplaint } from './complaint-intake.service.js'
import { findComplaints, getComplaint, publicStatus } from './complaint-reads.service.js'
import { complaintRules } from './complaint-rules.js'
import { takeComplaint } from './complaint-take.service.js'
import { assignComplaint, transferComplaint } from './complaint-transfer.service.js'
import {
  AssignSchema,
  CityYearSchema,
  CloseSchema,
  CodeQuery,
  ComplaintIdParam,
  ComplaintListQuery,
  ComplaintPageSchema,
  ComplaintSchema,
  DecideSchema,
  FiguresQuery,
  FiguresSchema,
  PublicComplaintSchema,
  PublicStatusSchema,
  ReceiptSchema,
  StaffComplaintSchema,
  TrackingParam,
  TransferSchema,
  YearQuery,
} from './complaints.schema.js'

const tags = ['complaints']

const submit = publicRoute({
  method: 'post',
  path: '/public/complaints',
  operationId: 'submitComplaint',
  tags,
  summary: '12315: file a complaint (投诉), report (举报) or enquiry (咨询); no account needed',
  description:
    'Rate limited per client address (COMPLAINT_RATE_PER_MINUTE). An identical submission within minutes answers the same tracking number (with a code of its own).',
  request: { body: { content: json(PublicComplaintSchema), required: true } },
  responses: {
    201: { description: 'Received: keep the tracking number and the code', content: json(ReceiptSchema) },
    429: problem('Too many submissions from this address; retry after Retry-After seconds'),
  },
})
const status = publicRoute({
  method: 'get',
  path: '/public/complaints/{tracking}',
  operationId: 'complaintStatus',
  tags,
  summary: 'Status, deadlines, timeline and outcome of one complaint (with its check code); no personal data',
  request: { params: TrackingParam, query: CodeQuery },
  responses: {
    200: { description: 'The status', content: json(PublicStatusSchema) },
    404: problem('Unknown tracking number, or the code does not match'),
  },
})
const record = securedRoute(ACCESS.recordComplaint, {
  method: 'post',
  path: '/complaints',
  operationId: 'recordComplaint',
  tags,
  summary: 'Record a call, letter or visit (channel and the time it was received)',
  request: { body: { content: json(StaffComplaintSchema), required: true } },
  responses: { 201: { description: 'Recorded', content: json(ReceiptSchema) } },
})
const list = securedRoute(ACCESS.readComplaints, {
  method: 'get',
  path: '/complaints',
  operationId: 'listComplaints',
  tags,
  summary: 'Complaints, newest first (a district sees its own; contacts masked)',
  request: { query: ComplaintListQuery },
  responses: { 200: { description: 'A page of complaints', content: json(ComplaintPageSchema) } },
})
const get = securedRoute(ACCESS.readComplaints, {
  method: 'get',
  path: '/complaints/{id}',
  operationId: 'getComplaint',
  tags,
  summary: 'One complaint, with the contact (its district and the command centre)',
  request: { params: ComplaintIdParam },
  responses: {
    200: { description: 'The complaint', content: json(ComplaintSchema) },
    404: problem('No such complaint (or not in the caller’s district)'),
  },
})

const moved = {
  200: { description: 'The complaint now', content: json(ComplaintSchema) },
  404: problem('No such complaint (or not in the caller’s district)'),
  409: problem('Not in a state that allows this, or owned by another officer'),
}
const post = { method: 'post' as const, tags }

const take = securedRoute(ACCESS.takeComplaint, {
  ...post,
  path: '/complaints/{id}/take',
  operationId: 'takeComplaint',
  summary: 'Take it (首办责任制: the first officer of the district owns it to the end)',
  request: { params: ComplaintIdParam },
  responses: moved,
})
const assign = securedRoute(ACCESS.assignComplaint, {
  ...post,
  path: '/complaints/{id}/assign',
  operationId: 'assignComplaint',
  summary: 'Assign a complaint in the city queue to a district',
  request: { params: ComplaintIdParam, body: { content: json(AssignSchema), required: true } },
  responses: moved,
})
const transfer = securedRoute(ACCESS.transferComplaint, {
  ...post,
  path: '/complaints/{id}/transfer',
  operationId: 'transferComplaint',
  summary: 'Transfer to another district, with a reason; the clock stays',
  request: { params: ComplaintIdParam, body: { content: json(TransferSchema), required: true } },
  responses: moved,
})
const decide = securedRoute(ACCESS.decideComplaint, {
  ...post,
  path: '/complaints/{id}/decide',
  operationId: 'decideComplaint',
  summary: 'Accept, or decline with every reason from the list (一次性告知)',
  request: { params: ComplaintIdParam, body: { content: json(DecideSchema), required: true } },
  responses: moved,
})
const close = securedRoute(ACCESS.closeComplaint, {
  ...post,
  path: '/complaints/{id}/close',
  operationId: 'closeComplaint',
  summary: 'Record the outcome (mediation, case decision, answer)',
  request: { params: ComplaintIdParam, body: { content: json(CloseSchema), required: true } },
  responses: moved,
})

const figures = securedRoute(ACCESS.readComplaintFigures, {
  method: 'get',
  path: '/complaint-figures',
  operationId: 'complaintFigures',
  tags,
  summary:
    'Figures per district and month: received by kind, on-time rates, mediations agreed, amount recovered',
  request: { query: FiguresQuery },
  responses: { 200: { description: 'Figures (a district sees its own)', content: json(FiguresSchema) } },
})
const cityStats = publicRoute({
  method: 'get',
  path: '/public/complaint-stats',
  operationId: 'publicComplaintStats',
  tags,
  summary: '12315 city totals for the year (exercise and test data never counted)',
  request: { query: YearQuery },
  responses: { 200: { description: 'City totals', content: json(CityYearSchema) } },
})

const textAt = (v: unknown, ...path: string[]): string | undefined => {
  let at: unknown = v
  for (const k of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[k] : undefined
  return typeof at === 'string' ? at : undefined
}

/**
 * 一次性告知 on the intake API: when the body fails the schema, the checks that need the clock or the district
 * list (a future date, an address outside the city) still run on whatever fields are readable, so one 422
 * names every problem, as the form does.
 */
function intakeHook(deps: AppDeps) {
  const fail = async (result: { error?: unknown; target: string }, c: Context<AppEnv>): Promise<never> => {
    if (result.target !== 'json') {
      await validationHook({ ...result, success: false }, c)
      throw new Error('unreachable: the validation hook throws on failure')
    }
    const body: unknown = await c.req.json().catch(() => undefined)
    const received = textAt(body, 'receivedAt')
    const receivedAt = received && !Number.isNaN(Date.parse(received)) ? new Date(received) : undefined
    const schema = zodIssues(result.error as ZodError, 'body')
    const flagged = new Set(schema.map((i) => i.path))
    const more = intakeIssues(deps, deps.clock.now(), {
      purchasedOn: textAt(body, 'purchasedOn'),
      address: textAt(body, 'business', 'address'),
      receivedAt,
    }).filter((i) => !flagged.has(i.path))
    throw validationFailed([...schema, ...more])
  }
  // Nothing to answer on success (the handler runs); a failure always throws.
  return (result: { success: boolean; error?: unknown; target: string }, c: Context<AppEnv>) =>
    result.success ? undefined : fail(result, c)
}

export function complaintRoutes(deps: AppDeps) {
  const checked = intakeHook(deps)
  // Read and validated at start, like the playbooks: a bad rules file stops the service naming the field.
  complaintRules(deps.config)
  signalRules(deps)
  return newRouter()
    .openapi(
      submit,
      async (c) => {
        const r = await submitComplaint(deps, requestContextOf(c), c.req.valid('json'))
        return c.json({ tracking: r.tracking, code: r.code }, 201)
      },
      checked,
    )
    .openapi(status, async (c) =>
      c.json(await publicStatus(deps, c.req.valid('param').tracking, c.req.valid('query').code), 200),
    )
    .openapi(
      record,
      async (c) => {
        const r = await recordComplaint(deps, requestContextOf(c), c.req.valid('json'))
        return c.json({ tracking: r.tracking, code: r.code }, 201)
      },
      checked,
    )
    .openapi(list, async (c) =>
      c.json(await findComplaints(deps, requestContextOf(c), c.req.valid('query')), 200),
    )
    .openapi(get, async (c) =>
      c.json(await getComplaint(deps, requestContextOf(c), c.req.valid('param').id), 200),
    )
    .openapi(figures, async (c) => {
      const q = c.req.valid('query')
      const year = q.year ?? yearOf(deps.clock.now())
      const district = districtScopeOf(requestContextOf(c)) ?? q.district
      return c.json({ year, rows: await monthlyFigures(deps.db, year, district) }, 200)
    })
    .openapi(cityStats, async (c) =>
      c.json(await cityYear(deps.db, c.req.valid('query').year ?? yearOf(deps.clock.now())), 200),
    )
    .openapi(take, async (c) =>
      c.json(await takeComplaint(deps, requestContextOf(c), c.req.valid('param').id), 200),
    )
    .openapi(assign, async (c) =>
      c.json(
        await assignComplaint(
          deps,
          requestContextOf(c),
          c.req.valid('param').id,
          c.req.valid('json').district,
        ),
        200,
      ),
    )
    .openapi(transfer, async (c) =>
      c.json(
        await transferComplaint(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    )
    .openapi(decide, async (c) =>
      c.json(
        await decideComplaint(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    )
    .openapi(close, async (c) =>
      c.json(
        await closeComplaint(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    )
}
