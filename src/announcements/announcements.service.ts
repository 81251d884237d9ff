import { randomUUID } from 'node:crypto'
import { lockRoot } from '../db/lock.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { AnnouncementKind, DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { invalidState, issue, notFound, validationFailed } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { appendEvent } from '../events/events.repo.js'
import type { SampleFilter } from '../samples/samples.repo.js'
import {
  assertMayAct,
  authorsOf,
  COMMENT_RULE,
  checkText,
  expectStatus,
  NUMBER_RULE,
  numberFree,
  PERIOD_RULE,
  personOf,
  resolveSamples,
  TITLE_RULE,
} from './announcement-checks.js'
import { publishAnnouncement } from './announcement-publish.js'
import { DRAFT_MAX_SAMPLES, samplesMatching } from './announcements.read.js'
import { type AnnouncementRow, linkSamples, sampleIdsOf } from './announcements.repo.js'

export type Deps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>

export const missing = () => notFound({ zh: '公告不存在', en: 'No such announcement' })

export interface DraftSpec {
  number: string
  title: string
  period: string
  kind: AnnouncementKind
  refersTo: string | null
  reason: string | null
  exercise: boolean
  sampleNos: string[]
}

export async function insertDraft(deps: Deps, ctx: RequestContext, spec: DraftSpec, trx: Transaction<DB>) {
  const actor = personOf(ctx)
  checkText([
    ['number', spec.number, NUMBER_RULE],
    ['title', spec.title, TITLE_RULE],
    ['period', spec.period, PERIOD_RULE],
    ['reason', spec.reason ?? undefined, COMMENT_RULE],
  ])
  const now = deps.clock.now()
  await numberFree(trx, spec.number)
  // A retraction lists what it retracts; those samples stay where they are.
  const sampleIds =
    spec.kind === 'retraction' && spec.refersTo
      ? await sampleIdsOf(trx, spec.refersTo)
      : await resolveSamples(trx, spec.sampleNos, [spec.refersTo])
  const id = randomUUID()
  await trx
    .insertInto('announcements')
    .values({
      id,
      number: spec.number,
      title: spec.title,
      period: spec.period,
      kind: spec.kind,
      refers_to: spec.refersTo,
      reason: spec.reason,
      status: 'draft',
      exercise: spec.exercise,
      drafted_by: actor.id,
      drafted_by_name: actor.name,
      authors: [actor.id],
      created_at: now,
      updated_at: now,
    })
    .execute()
  await linkSamples(trx, { id, kind: spec.kind, refers_to: spec.refersTo }, sampleIds)
  await appendEvent(trx, ctx, now, {
    type: 'announcement.drafted',
    subject: spec.number,
    payload: { announcementId: id, number: spec.number, kind: spec.kind, refersTo: spec.refersTo, sampleIds },
  })
  return id
}

export async function draftAnnouncement(
  deps: Deps,
  ctx: RequestContext,
  input: {
    number: string
    title: string
    period: string
    sampleNos?: string[] | undefined
    /** Instead of `sampleNos`: every sample a sample-list filter matches that no announcement holds. */
    matching?: Omit<SampleFilter, 'after' | 'limit'> | undefined
    /** Instead of `sampleNos`: every sample of one file import that no announcement holds. */
    importId?: string | undefined
    exercise?: boolean | undefined
  },
) {
  const source = input.importId ? { importId: input.importId } : input.matching
  const sampleNos = source
    ? await matchingNos(deps, source, input.importId ? 'body.importId' : 'body.matching')
    : (input.sampleNos ?? [])
  return inTransaction(deps.db, (trx) =>
    insertDraft(
      deps,
      ctx,
      {
        number: input.number,
        title: input.title,
        period: input.period,
        sampleNos,
        kind: 'original',
        refersTo: null,
        reason: null,
        exercise: input.exercise ?? false,
      },
      trx,
    ),
  )
}

/**
 * The numbers of the samples a filter matches that a draft may take. Read before the draft's transaction:
 * the draft locks them and checks again, so one taken in between is named as taken, never announced twice.
 */
async function matchingNos(
  deps: Deps,
  filter: Omit<SampleFilter, 'after' | 'limit'> | { importId: string },
  path: string,
) {
  const m = await samplesMatching(deps.db, filter)
  if (m.total > DRAFT_MAX_SAMPLES)
    throw validationFailed([
      issue(
        path,
        {
          zh: `符合筛选条件的样品超过 ${DRAFT_MAX_SAMPLES} 份，请缩小筛选范围`,
          en: `More than ${DRAFT_MAX_SAMPLES} samples match; narrow the filter`,
        },
        'too_many_samples',
      ),
    ])
  if (m.free.length === 0)
    throw validationFailed([
      issue(
        path,
        m.total === 0
          ? { zh: '没有符合筛选条件的样品', en: 'No sample matches the filter' }
          : {
              zh: `符合条件的 ${m.total} 份样品都已在其他公告中`,
              en: `All ${m.total} matching samples are in other announcements`,
            },
        'no_samples',
      ),
    ])
  return m.free.map((s) => s.no)
}

/** Runs `fn` on the announcement locked (db/lock.ts: the root, before what it checks), or 404. */
export function withLocked<T>(
  deps: Deps,
  id: string,
  fn: (trx: Transaction<DB>, a: AnnouncementRow, now: Date) => Promise<T>,
) {
  return inTransaction(deps.db, async (trx) => {
    const a = isUuid(id) ? await lockRoot(trx, 'announcements', id) : undefined
    if (!a) throw missing()
    return fn(trx, a, deps.clock.now())
  })
}

export async function updateDraft(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: {
    number?: string | undefined
    title?: string | undefined
    period?: string | undefined
    sampleNos?: string[] | undefined
  },
) {
  checkText([
    ['number', input.number, NUMBER_RULE],
    ['title', input.title, TITLE_RULE],
    ['period', input.period, PERIOD_RULE],
  ])
  const editor = personOf(ctx)
  return withLocked(deps, id, async (trx, a, now) => {
    if (a.status === 'published')
      throw invalidState(
        {
          zh: '已发布的公告不能修改；请发布更正公告',
          en: 'A published announcement is never edited; publish a correction',
        },
        a.status,
      )
    expectStatus(a, 'draft', { zh: '修改', en: 'edit' })
    if (input.number) await numberFree(trx, input.number, a.id)
    let sampleIds: string[] | undefined
    if (input.sampleNos) {
      if (a.kind === 'retraction')
        throw validationFailed([
          issue(
            'body.sampleNos',
            {
              zh: '撤回公告列出的是被撤回公告的样品，不能修改',
              en: 'a retraction lists the samples of what it retracts',
            },
            'retraction_samples',
          ),
        ])
      sampleIds = await resolveSamples(trx, input.sampleNos, [a.id, a.refers_to])
      await linkSamples(trx, a, sampleIds)
    }
    await trx
      .updateTable('announcements')
      .set({
        ...(input.number ? { number: input.number } : {}),
        ...(input.title ? { title: input.title } : {}),
        ...(input.period ? { period: input.period } : {}),
        // Editing makes you an author: you may no longer review or approve it.
        authors: [...new Set([...authorsOf(a), editor.id])],
        updated_at: now,
      })
      .where('id', '=', a.id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'announcement.updated',
      subject: input.number ?? a.number,
      payload: {
        announcementId: a.id,
        number: input.number ?? a.number,
        sampleIds: sampleIds ?? (await sampleIdsOf(trx, a.id)),
      },
    })
  })
}

export async function submitAnnouncement(deps: Deps, ctx: RequestContext, id: string) {
  const actor = personOf(ctx)
  return withLocked(deps, id, async (trx, a, now) => {
    expectStatus(a, 'draft', { zh: '提交审核', en: 'submit' })
    assertMayAct(actor, a, 'submit')
    await trx
      .updateTable('announcements')
      .set({ status: 'in_review', updated_at: now })
      .where('id', '=', a.id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'announcement.submitted',
      subject: a.number,
      payload: { announcementId: a.id, number: a.number },
    })
  })
}

/** Back to draft with the comment; the review and approval start over. */
async function returnToDraft(
  trx: Transaction<DB>,
  ctx: RequestContext,
  a: AnnouncementRow,
  now: Date,
  stage: 'review' | 'approval',
  comment: string,
) {
  await trx
    .updateTable('announcements')
    .set({
      status: 'draft',
      return_comment: comment,
      reviewed_by: null,
      reviewed_by_name: null,
      reviewed_at: null,
      review_comment: null,
      approved_by: null,
      approved_by_name: null,
      approved_at: null,
      approve_comment: null,
      publish_at: null,
      updated_at: now,
    })
    .where('id', '=', a.id)
    .execute()
  await appendEvent(trx, ctx, now, {
    type: 'announcement.returned',
    subject: a.number,
    payload: { announcementId: a.id, number: a.number, stage, comment },
  })
}

/** 审: one review by someone other than the drafter. */
export async function reviewAnnouncement(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { decision: 'pass' | 'return'; comment: string },
) {
  const actor = personOf(ctx)
  checkText([['comment', input.comment, COMMENT_RULE]])
  return withLocked(deps, id, async (trx, a, now) => {
    expectStatus(a, 'in_review', { zh: '审核', en: 'review' })
    assertMayAct(actor, a, 'review')
    if (input.decision === 'return') return returnToDraft(trx, ctx, a, now, 'review', input.comment)
    await trx
      .updateTable('announcements')
      .set({
        status: 'reviewed',
        reviewed_by: actor.id,
        reviewed_by_name: actor.name,
        reviewed_at: now,
        review_comment: input.comment,
        return_comment: null,
        updated_at: now,
      })
      .where('id', '=', a.id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'announcement.reviewed',
      subject: a.number,
      payload: { announcementId: a.id, number: a.number, comment: input.comment },
    })
  })
}

/** 核: one approval by someone who neither drafted nor reviewed it. */
export async function approveAnnouncement(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { decision: 'pass' | 'return'; comment: string },
) {
  const actor = personOf(ctx)
  checkText([['comment', input.comment, COMMENT_RULE]])
  return withLocked(deps, id, async (trx, a, now) => {
    expectStatus(a, 'reviewed', { zh: '核准', en: 'approve' })
    assertMayAct(actor, a, 'approve')
    if (input.decision === 'return') return returnToDraft(trx, ctx, a, now, 'approval', input.comment)
    await trx
      .updateTable('announcements')
      .set({
        status: 'approved',
        approved_by: actor.id,
        approved_by_name: actor.name,
        approved_at: now,
        approve_comment: input.comment,
        updated_at: now,
      })
      .where('id', '=', a.id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'announcement.approved',
      subject: a.number,
      payload: { announcementId: a.id, number: a.number, comment: input.comment },
    })
  })
}

/** Publishes now, or records the time for the publication job (which fires within seconds of it). */
export async function publishOrSchedule(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { at?: string | undefined },
) {
  const actor = personOf(ctx)
  return withLocked(deps, id, async (trx, a, now) => {
    expectStatus(a, 'approved', { zh: '发布', en: 'publish' })
    assertMayAct(actor, a, 'publish')
    const at = input.at ? new Date(input.at) : undefined
    if (at && at.getTime() > now.getTime()) {
      await trx
        .updateTable('announcements')
        .set({ publish_at: at, updated_at: now })
        .where('id', '=', a.id)
        .execute()
      await appendEvent(trx, ctx, now, {
        type: 'announcement.scheduled',
        subject: a.number,
        payload: { announcementId: a.id, number: a.number, at: at.toISOString() },
      })
      return { scheduled: true }
    }
    await publishAnnouncement(trx, deps, ctx, a, now)
    return { scheduled: false }
  })
}
