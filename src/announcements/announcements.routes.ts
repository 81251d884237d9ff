import type { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import { correctAnnouncement, retractAnnouncement } from './announcement-revisions.service.js'
import { DraftSamplesSchema, editDraftSamples } from './announcement-samples.service.js'
import { announcementById, announcementDetail, announcementPage } from './announcements.read.js'
import {
  AnnouncementDetailSchema,
  AnnouncementPageSchema,
  AnnouncementQuerySchema,
  AnnouncementSchema,
  CorrectSchema,
  DecisionSchema,
  DraftSchema,
  PatchSchema,
  PublishSchema,
  RetractSchema,
} from './announcements.schema.js'
import {
  approveAnnouncement,
  draftAnnouncement,
  publishOrSchedule,
  reviewAnnouncement,
  submitAnnouncement,
  updateDraft,
} from './announcements.service.js'

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })
const tags = ['announcements']

const ok = { description: 'The announcement after the step', content: json(AnnouncementSchema) }
const created = { description: 'A new draft', content: json(AnnouncementSchema) }
const refusals = {
  403: problem('Not this person: the drafter, reviewer and approver are three different people'),
  404: problem('No such announcement'),
  409: problem('Not allowed in the current state'),
}

type StaffRole = 'sampler' | 'reviewer' | 'approver' | 'admin'
const step = <P extends string>(roles: readonly StaffRole[], path: P, operationId: string, summary: string) =>
  securedRoute(roles, {
    method: 'post',
    path,
    operationId,
    tags,
    summary,
    request: { params: IdParam },
    responses: { 200: ok, ...refusals },
  })
const stepWith = <P extends string, B extends z.ZodType>(
  roles: readonly StaffRole[],
  path: P,
  operationId: string,
  summary: string,
  body: B,
) =>
  securedRoute(roles, {
    method: 'post',
    path,
    operationId,
    tags,
    summary,
    request: { params: IdParam, body: { content: json(body), required: true } },
    responses: { 200: ok, ...refusals },
  })

const draft = securedRoute(ACCESS.draftAnnouncement, {
  method: 'post',
  path: '/announcements',
  operationId: 'draftAnnouncement',
  tags,
  summary: 'Draft a numbered announcement of sampling results',
  request: { body: { content: json(DraftSchema), required: true } },
  responses: { 201: created, 409: problem('Number taken') },
})
const list = securedRoute(ACCESS.readAnnouncements, {
  method: 'get',
  path: '/announcements',
  operationId: 'listAnnouncements',
  tags,
  summary: 'Announcements, newest first, by status',
  request: { query: AnnouncementQuerySchema },
  responses: { 200: { description: 'A page', content: json(AnnouncementPageSchema) } },
})
const detail = securedRoute(ACCESS.readAnnouncements, {
  method: 'get',
  path: '/announcements/{id}',
  operationId: 'getAnnouncement',
  tags,
  summary: 'An announcement with its samples and workflow',
  request: { params: IdParam },
  responses: {
    200: { description: 'The announcement', content: json(AnnouncementDetailSchema) },
    404: problem('No such announcement'),
  },
})
const patch = securedRoute(ACCESS.editAnnouncementDraft, {
  method: 'patch',
  path: '/announcements/{id}',
  operationId: 'updateAnnouncementDraft',
  tags,
  summary: 'Edit a draft (anything else is refused)',
  request: { params: IdParam, body: { content: json(PatchSchema), required: true } },
  responses: { 200: ok, ...refusals },
})
const samples = securedRoute(ACCESS.editAnnouncementDraft, {
  method: 'post',
  path: '/announcements/{id}/samples',
  operationId: 'editAnnouncementDraftSamples',
  tags,
  summary: 'Add and remove samples of a draft (until it is submitted); the editor becomes an author',
  description:
    'Samples by id. Refused with 409 once the draft is submitted, for a retraction, and for samples another ' +
    'standing announcement holds (each named, with that announcement’s number); 422 for an unknown sample, ' +
    'one not on the draft to remove, or a draft left empty. Whoever edits may no longer review or approve it.',
  request: { params: IdParam, body: { content: json(DraftSamplesSchema), required: true } },
  responses: { 200: ok, ...refusals },
})
const submit = step(
  ACCESS.submitAnnouncement,
  '/announcements/{id}/submit',
  'submitAnnouncement',
  'The drafter sends the draft for review',
)
const review = stepWith(
  ACCESS.reviewAnnouncement,
  '/announcements/{id}/review',
  'reviewAnnouncement',
  '审: pass or return, by someone other than the drafter',
  DecisionSchema,
)
const approve = stepWith(
  ACCESS.approveAnnouncement,
  '/announcements/{id}/approve',
  'approveAnnouncement',
  '核: pass or return, by someone who neither drafted nor reviewed',
  DecisionSchema,
)
const publish = stepWith(
  ACCESS.publishAnnouncement,
  '/announcements/{id}/publish',
  'publishAnnouncement',
  'The approver publishes now, or at `at`',
  PublishSchema,
)
const correct = securedRoute(ACCESS.reviseAnnouncement, {
  method: 'post',
  path: '/announcements/{id}/correct',
  operationId: 'correctAnnouncement',
  tags,
  summary: 'Open a correction: a new draft that references the published announcement',
  request: { params: IdParam, body: { content: json(CorrectSchema), required: true } },
  responses: { 201: created, ...refusals },
})
const retract = securedRoute(ACCESS.reviseAnnouncement, {
  method: 'post',
  path: '/announcements/{id}/retract',
  operationId: 'retractAnnouncement',
  tags,
  summary: 'Open a retraction of the published announcement (reviewed and approved like any other)',
  request: { params: IdParam, body: { content: json(RetractSchema), required: true } },
  responses: { 201: created, ...refusals },
})

export function announcementRoutes(deps: AppDeps) {
  const app = newRouter()
  const location = (id: string) => `/api/v1/announcements/${id}`
  app.openapi(draft, async (c) => {
    const id = await draftAnnouncement(deps, requestContextOf(c), c.req.valid('json'))
    c.header('location', location(id))
    return c.json(await announcementById(deps, id), 201)
  })
  app.openapi(list, async (c) => c.json(await announcementPage(deps, c.req.valid('query'), false), 200))
  app.openapi(detail, async (c) =>
    c.json(await announcementDetail(deps, c.req.valid('param').id, false), 200),
  )
  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param')
    await updateDraft(deps, requestContextOf(c), id, c.req.valid('json'))
    return c.json(await announcementById(deps, id), 200)
  })
  app.openapi(samples, async (c) => {
    const { id } = c.req.valid('param')
    await editDraftSamples(deps, requestContextOf(c), id, c.req.valid('json'))
    return c.json(await announcementById(deps, id), 200)
  })
  app.openapi(submit, async (c) => {
    const { id } = c.req.valid('param')
    await submitAnnouncement(deps, requestContextOf(c), id)
    return c.json(await announcementById(deps, id), 200)
  })
  app.openapi(review, async (c) => {
    const { id } = c.req.valid('param')
    await reviewAnnouncement(deps, requestContextOf(c), id, c.req.valid('json'))
    return c.json(await announcementById(deps, id), 200)
  })
  app.openapi(approve, async (c) => {
    const { id } = c.req.valid('param')
    await approveAnnouncement(deps, requestContextOf(c), id, c.req.valid('json'))
    return c.json(await announcementById(deps, id), 200)
  })
  app.openapi(publish, async (c) => {
    const { id } = c.req.valid('param')
    await publishOrSchedule(deps, requestContextOf(c), id, c.req.valid('json'))
    return c.json(await announcementById(deps, id), 200)
  })
  app.openapi(correct, async (c) => {
    const id = await correctAnnouncement(
      deps,
      requestContextOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
    )
    c.header('location', location(id))
    return c.json(await announcementById(deps, id), 201)
  })
  app.openapi(retract, async (c) => {
    const id = await retractAnnouncement(
      deps,
      requestContextOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
    )
    c.header('location', location(id))
    return c.json(await announcementById(deps, id), 201)
  })
  return app
}
