import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { assertMay } from '../domain/access.js'
import { callerOf, type RequestContext } from '../domain/context.js'
import { conflict } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { assertOpen, lockComplaint } from './complaint-access.js'
import { complaintDto } from './complaint-view.js'
import { reread } from './complaints.repo.js'

type Deps = Pick<AppDeps, 'db' | 'clock'>

/**
 * 首办责任制: the first officer of the complaint's district who takes it owns it to the end. Taking it again
 * is a no-op; another officer is refused, naming the owner.
 */
export async function takeComplaint(deps: Deps, ctx: RequestContext, id: string) {
  const actor = callerOf(ctx)!
  assertMay(actor.role, 'takeComplaint')
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const row = await lockComplaint(trx, ctx, id)
    if (row.owner_id === actor.id) return complaintDto(row, 'full')
    assertOpen(row)
    if (row.owner_id !== null)
      throw conflict({
        zh: `此件已由 ${row.owner_name ?? '其他承办人'} 承接`,
        en: `Already taken by ${row.owner_name ?? 'another officer'}`,
      })
    await trx
      .updateTable('complaints')
      .set({ owner_id: actor.id, owner_name: actor.name, taken_at: now })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'complaint.taken',
      districtCode: row.district_code,
      subject: row.tracking,
      payload: { tracking: row.tracking, owner: { id: actor.id, name: actor.name } },
    })
    return complaintDto(await reread(trx, id), 'full')
  })
}
