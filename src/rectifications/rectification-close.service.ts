import { reclassify } from '../credit/credit.service.js'
import { lockRows } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import { inTransaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { invalidState, issue, validationFailed } from '../domain/errors.js'
import { appendEvent, appendEvents } from '../events/events.repo.js'
import { lockOpenCase } from './rectification-case.js'
import type { DecisionInput, ResampleInput } from './rectifications.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock'>

async function close(
  trx: Transaction<DB>,
  ctx: RequestContext,
  r: { id: string; business_id: string; district_code: string; due_at: Date },
  now: Date,
  how: {
    outcome: 'resample_passed' | 'rectified' | 'refused'
    resample: { id: string; no: string } | null
    reason: string | null
  },
) {
  await trx
    .updateTable('rectifications')
    .set({
      status: 'closed',
      outcome: how.outcome,
      resample_id: how.resample?.id ?? null,
      close_reason: how.reason,
      closed_at: now,
      closed_by: actorIdOf(ctx),
      next_alarm_at: null,
      updated_at: now,
    })
    .where('id', '=', r.id)
    .execute()
  await appendEvent(trx, ctx, now, {
    type: 'rectification.closed',
    districtCode: r.district_code,
    subject: r.id,
    payload: {
      rectificationId: r.id,
      businessId: r.business_id,
      outcome: how.outcome,
      resampleNo: how.resample?.no ?? null,
      reason: how.reason,
      onTime: now <= new Date(r.due_at),
    },
  })
  await reclassify(trx, [r.business_id], now, `rectification ${r.id} ${how.outcome}`)
}

/**
 * A re-sampling result (复抽) closes the case when it passes. The re-sample must be of the same business (as
 * seller or named producer) and not the failing sample itself; one of another business is refused naming
 * whose it is; a failing re-sample leaves the case open (409).
 */
export async function closeByResample(deps: Deps, ctx: RequestContext, id: string, input: ResampleInput) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const r = await lockOpenCase(trx, ctx, id)
    const sample = await trx
      .selectFrom('samples')
      .select(['id', 'no', 'verdict'])
      .where('no', '=', input.sampleNo)
      .executeTakeFirst()
    if (!sample)
      throw validationFailed([
        issue('body.sampleNo', {
          zh: `没有编号为 ${input.sampleNo} 的样品`,
          en: `No sample numbered ${input.sampleNo}`,
        }),
      ])
    if (sample.id === r.sample_id)
      throw validationFailed([
        issue('body.sampleNo', {
          zh: '复抽样品不能是原不合格样品',
          en: 'The re-sample cannot be the failing sample itself',
        }),
      ])
    const links = await trx
      .selectFrom('business_samples as l')
      .innerJoin('businesses as b', 'b.id', 'l.business_id')
      .select(['b.id', 'b.name', 'b.merged_into'])
      .where('l.sample_id', '=', sample.id)
      .execute()
    if (!links.some((l) => l.id === r.business_id || l.merged_into === r.business_id)) {
      const whose = links.map((l) => l.name).join('、') || '—'
      throw validationFailed([
        issue(
          'body.sampleNo',
          {
            zh: `样品 ${sample.no} 是另一经营主体（${whose}）的，不是本案经营主体的复抽`,
            en: `Sample ${sample.no} belongs to another business (${whose}), not this case's`,
          },
          'other_business',
        ),
      ])
    }
    if (sample.verdict !== 'pass')
      throw invalidState(
        {
          zh: `复抽样品 ${sample.no} 不合格，整改未完成`,
          en: `Re-sample ${sample.no} failed: the case stays open`,
        },
        'open',
      )
    await close(trx, ctx, r, now, {
      outcome: 'resample_passed',
      resample: { id: sample.id, no: sample.no },
      reason: null,
    })
  })
}

/** Closes a case without a passing re-sample: a recorded decision (rectified, or refused) and its reason. */
export async function closeByDecision(deps: Deps, ctx: RequestContext, id: string, input: DecisionInput) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const r = await lockOpenCase(trx, ctx, id)
    await close(trx, ctx, r, now, { outcome: input.decision, resample: null, reason: input.reason })
  })
}

/**
 * A published retraction closes the open cases its announcement's publication opened (the announcement's
 * own cases, and any other open case of a sample it held), in the publishing transaction: a recorded decision
 * `retracted` with the reason 公告已撤回, by whoever published the retraction. Returns the businesses whose
 * cases closed, for the caller's reclassification. Lock order: after the announcement, its samples and
 * incidents (db/lock.ts), the cases in id order.
 */
export async function closeRetractedCases(
  trx: Transaction<DB>,
  ctx: RequestContext,
  retraction: { announcementId: string; sampleIds: readonly string[]; number: string; by: string | null },
  now: Date,
): Promise<string[]> {
  let q = trx.selectFrom('rectifications').select('id').where('status', '=', 'open').orderBy('id')
  q =
    retraction.sampleIds.length > 0
      ? q.where((eb) =>
          eb.or([
            eb('announcement_id', '=', retraction.announcementId),
            eb('sample_id', 'in', [...retraction.sampleIds]),
          ]),
        )
      : q.where('announcement_id', '=', retraction.announcementId)
  const open = await q.execute()
  if (open.length === 0) return []
  const locked = (
    await lockRows(
      trx,
      'rectifications',
      open.map((r) => r.id),
    )
  ).filter((r) => r.status === 'open')
  if (locked.length === 0) return []
  const reason = `公告已撤回（撤回公告 ${retraction.number}） / announcement retracted by ${retraction.number}`
  await trx
    .updateTable('rectifications')
    .set({
      status: 'closed',
      outcome: 'retracted',
      close_reason: reason,
      closed_at: now,
      closed_by: retraction.by,
      next_alarm_at: null,
      updated_at: now,
    })
    .where(
      'id',
      'in',
      locked.map((r) => r.id),
    )
    .execute()
  await appendEvents(
    trx,
    ctx,
    now,
    locked.map((r) => ({
      type: 'rectification.closed' as const,
      districtCode: r.district_code,
      subject: r.id,
      payload: {
        rectificationId: r.id,
        businessId: r.business_id,
        outcome: 'retracted' as const,
        resampleNo: null,
        reason,
        onTime: now <= new Date(r.due_at),
      },
    })),
  )
  return [...new Set(locked.map((r) => r.business_id))]
}
