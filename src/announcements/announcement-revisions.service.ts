import type { Kysely } from 'kysely'
import { lockRoot } from '../db/lock.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { RequestContext } from '../domain/context.js'
import { conflict, invalidState } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { type Deps, insertDraft, missing } from './announcements.service.js'

/**
 * A published announcement is never edited: a correction is a new announcement that references it (CAP
 * Update), a retraction another (CAP Cancel). Both are drafts that go through the same review and approval;
 * their publication supersedes the original (announcement-publish.ts).
 */

/** A correction or retraction of the announcement not yet published: while there is one, no other opens. */
export function pendingRevision(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('announcements')
    .select(['id', 'number'])
    .where('refers_to', '=', id)
    .where('status', '!=', 'published')
    .executeTakeFirst()
}

/**
 * The announcement to revise, locked before the checks: two corrections (or a correction and a retraction)
 * of one announcement serialise here, and the second finds the first pending.
 */
async function standingPublished(trx: Transaction<DB>, id: string, what: { zh: string; en: string }) {
  const a = isUuid(id) ? await lockRoot(trx, 'announcements', id) : undefined
  if (!a) throw missing()
  if (a.status !== 'published' || a.kind === 'retraction' || a.superseded)
    throw invalidState(
      {
        zh: `只能${what.zh}已发布且未被更正或撤回的公告`,
        en: `Only a published announcement still standing can be ${what.en}`,
      },
      a.superseded ?? a.status,
    )
  const pending = await pendingRevision(trx, a.id)
  if (pending)
    throw conflict({
      zh: `公告已有待发布的更正或撤回：${pending.number}`,
      en: `A correction or retraction is already pending: ${pending.number}`,
    })
  return a
}

export function correctAnnouncement(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { number: string; title: string; period?: string | undefined; sampleNos?: string[] | undefined },
) {
  return inTransaction(deps.db, async (trx) => {
    const a = await standingPublished(trx, id, { zh: '更正', en: 'corrected' })
    const nos =
      input.sampleNos ??
      (
        await trx
          .selectFrom('announcement_samples as l')
          .innerJoin('samples as s', 's.id', 'l.sample_id')
          .select('s.no')
          .where('l.announcement_id', '=', a.id)
          .orderBy('l.position')
          .execute()
      ).map((r) => r.no)
    return insertDraft(
      deps,
      ctx,
      {
        number: input.number,
        title: input.title,
        period: input.period ?? a.period,
        kind: 'correction',
        refersTo: a.id,
        reason: null,
        exercise: a.exercise,
        sampleNos: nos,
      },
      trx,
    )
  })
}

export function retractAnnouncement(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { number: string; title: string; reason: string },
) {
  return inTransaction(deps.db, async (trx) => {
    const a = await standingPublished(trx, id, { zh: '撤回', en: 'retracted' })
    return insertDraft(
      deps,
      ctx,
      {
        number: input.number,
        title: input.title,
        period: a.period,
        kind: 'retraction',
        refersTo: a.id,
        reason: input.reason,
        exercise: a.exercise,
        sampleNos: [],
      },
      trx,
    )
  })
}
