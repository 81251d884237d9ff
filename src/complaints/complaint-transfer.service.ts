import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { assertMay } from '../domain/access.js'
import { callerOf, type RequestContext } from '../domain/context.js'
import { invalidState, issue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { assertOpen, lockComplaint } from './complaint-access.js'
import { complaintDto } from './complaint-view.js'
import { reread } from './complaints.repo.js'
import type { TransferInput } from './complaints.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>

const unknownDistrict = (code: string) =>
  validationFailed([
    issue('body.district', { zh: `未知的区县 ${code}`, en: `unknown district ${code}` }, 'unknown_district'),
  ])

/**
 * A complaint in the city queue (its address named no district) gets a district from the command centre.
 * The clock is the one it started with.
 */
export async function assignComplaint(deps: Deps, ctx: RequestContext, id: string, district: string) {
  assertMay(callerOf(ctx)!.role, 'assignComplaint')
  if (!deps.districts.has(district)) throw unknownDistrict(district)
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const row = await lockComplaint(trx, ctx, id)
    assertOpen(row)
    if (row.district_code !== null)
      throw invalidState(
        { zh: '此件已有承办区县，请用转办', en: 'Already with a district: transfer it instead' },
        row.status,
      )
    await trx.updateTable('complaints').set({ district_code: district }).where('id', '=', id).execute()
    await appendEvent(trx, ctx, now, {
      type: 'complaint.assigned',
      districtCode: district,
      subject: row.tracking,
      payload: { tracking: row.tracking, district },
    })
    return complaintDto(await reread(trx, id), 'full')
  })
}

/**
 * Hands a complaint to another district, with a reason: the owner (or, before anyone took it, an officer of
 * its district) or the command centre. The new district's first officer to take it owns it; the deadlines
 * stay those of the original receipt.
 */
export async function transferComplaint(deps: Deps, ctx: RequestContext, id: string, input: TransferInput) {
  const actor = callerOf(ctx)!
  assertMay(actor.role, 'transferComplaint')
  if (!deps.districts.has(input.district)) throw unknownDistrict(input.district)
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const row = await lockComplaint(trx, ctx, id)
    assertOpen(row)
    if (actor.role === 'district' && row.owner_id !== null && row.owner_id !== actor.id)
      throw invalidState(
        {
          zh: `此件由 ${row.owner_name ?? '其他承办人'} 承办，只有承办人可以转办`,
          en: 'Only the owner may transfer it',
        },
        row.status,
      )
    if (row.district_code === input.district)
      throw validationFailed([
        issue('body.district', { zh: '已在该区县办理', en: 'already with that district' }, 'same_district'),
      ])
    await trx
      .updateTable('complaints')
      .set({ district_code: input.district, owner_id: null, owner_name: null, taken_at: null })
      .where('id', '=', id)
      .execute()
    const payload = {
      tracking: row.tracking,
      from: row.district_code,
      to: input.district,
      reason: input.reason,
    }
    await appendEvent(trx, ctx, now, {
      type: 'complaint.transferred',
      districtCode: input.district,
      subject: row.tracking,
      payload,
    })
    return complaintDto(await reread(trx, id), 'full')
  })
}
