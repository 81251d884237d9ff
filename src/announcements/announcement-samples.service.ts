import { z } from '@hono/zod-openapi'
import { lockRows } from '../db/lock.js'
import type { RequestContext } from '../domain/context.js'
import { AppError, invalidState, issue, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { authorsOf, expectStatus, personOf } from './announcement-checks.js'
import { linkSamples, sampleIdsOf, takenSamples } from './announcements.repo.js'
import { type Deps, withLocked } from './announcements.service.js'

const ids = z.array(z.uuid()).max(10_000)

/** Samples to add to and remove from a draft, by sample id; at least one of the two lists. */
export const DraftSamplesSchema = z
  .strictObject({
    add: ids.optional().openapi({ description: 'Sample ids to add (appended, in this order)' }),
    remove: ids.optional().openapi({ description: 'Sample ids to take off the draft' }),
  })
  .refine((v) => (v.add?.length ?? 0) + (v.remove?.length ?? 0) > 0, {
    path: ['add'],
    // Worded for a person in both languages (the problem renderer picks `params` by the request's language).
    message: 'Name the samples to add or remove',
    params: { zh: '请指定要添加或移除的样品', en: 'Name the samples to add or remove' },
  })
  .openapi('AnnouncementDraftSamples')
export type DraftSamplesInput = z.infer<typeof DraftSamplesSchema>

/**
 * Adds and removes samples of a draft until it is submitted. The announcement is locked first, then the
 * samples it takes (db/lock.ts), so a sample two drafts add at once goes to one of them and the other is
 * told which announcement holds it (409). The editor becomes an author (一审一核: no review or approval of
 * what one edited).
 */
export function editDraftSamples(deps: Deps, ctx: RequestContext, id: string, input: DraftSamplesInput) {
  const editor = personOf(ctx)
  const add = [...new Set(input.add ?? [])]
  const remove = new Set(input.remove ?? [])
  return withLocked(deps, id, async (trx, a, now) => {
    expectStatus(a, 'draft', {
      zh: '增删样品（提交审核后不能再改）',
      en: 'change its samples once submitted',
    })
    if (a.kind === 'retraction')
      throw invalidState(
        {
          zh: '撤回公告列出的是被撤回公告的样品，不能增删',
          en: 'A retraction lists the samples of what it retracts; they cannot be changed',
        },
        a.kind,
      )
    const current = await sampleIdsOf(trx, a.id)
    const on = new Set(current)
    const issues: ProblemIssue[] = []
    ;(input.remove ?? []).forEach((s, i) => {
      if (!on.has(s))
        issues.push(
          issue(
            `body.remove[${i}]`,
            { zh: '此样品不在本公告中', en: 'not on this announcement' },
            'not_on_draft',
          ),
        )
    })
    ;(input.add ?? []).forEach((s, i) => {
      if (remove.has(s))
        issues.push(
          issue(
            `body.add[${i}]`,
            { zh: '同一样品不能既添加又移除', en: 'both added and removed' },
            'add_and_remove',
          ),
        )
    })
    const adding = add.filter((s) => !on.has(s) && !remove.has(s))
    // The samples are locked before they are checked (after the announcement, in the documented order).
    const found = new Map((await lockRows(trx, 'samples', adding)).map((s) => [s.id, s.no]))
    ;(input.add ?? []).forEach((s, i) => {
      if (!on.has(s) && !found.has(s))
        issues.push(issue(`body.add[${i}]`, { zh: '样品不存在', en: 'no such sample' }, 'unknown_sample'))
    })
    const next = [...current.filter((s) => !remove.has(s)), ...adding.filter((s) => found.has(s))]
    if (issues.length === 0 && next.length === 0)
      issues.push(
        issue(
          'body.remove',
          { zh: '公告至少要有一份样品', en: 'An announcement keeps at least one sample' },
          'no_samples',
        ),
      )
    if (issues.length > 0) throw validationFailed(issues)
    const taken = await takenSamples(trx, adding, [a.id, a.refers_to])
    if (taken.size > 0) {
      const lines = [...taken].map(([s, number]) => `${found.get(s)}（${number}）`)
      throw new AppError(
        'conflict',
        {
          zh: `以下样品已在其他公告中，不能加入：${lines.join('、')}`,
          en: `These samples are already in another announcement: ${lines.join(', ')}`,
        },
        {
          issues: (input.add ?? []).flatMap((s, i) => {
            const holder = taken.get(s)
            return holder
              ? [
                  issue(
                    `body.add[${i}]`,
                    {
                      zh: `样品 ${found.get(s)} 已在公告「${holder}」中`,
                      en: `sample ${found.get(s)} is in announcement ${holder}`,
                    },
                    'sample_taken',
                  ),
                ]
              : []
          }),
        },
      )
    }
    await linkSamples(trx, a, next)
    await trx
      .updateTable('announcements')
      .set({ authors: [...new Set([...authorsOf(a), editor.id])], updated_at: now })
      .where('id', '=', a.id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'announcement.updated',
      subject: a.number,
      payload: {
        announcementId: a.id,
        number: a.number,
        sampleIds: next,
        added: adding.filter((s) => found.has(s)),
        removed: current.filter((s) => remove.has(s)),
      },
    })
  })
}
