import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import { callerOf, districtScopeOf, type RequestContext } from '../domain/context.js'
import { forbidden, invalidState, notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { type ComplaintRow, reread } from './complaints.repo.js'

export const complaintMissing = () => notFound({ zh: '投诉举报不存在', en: 'No such complaint' })

/**
 * Locks the complaint (its own root) and returns it as it is now; a district reaches only its own
 * district's complaints (others look missing, as the house does for tasks).
 */
export async function lockComplaint(
  trx: Transaction<DB>,
  ctx: RequestContext,
  id: string,
): Promise<ComplaintRow> {
  if (!isUuid(id) || !(await lockRoot(trx, 'complaints', id))) throw complaintMissing()
  const row = await reread(trx, id)
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && row.district_code !== scope) throw complaintMissing()
  return row
}

/** 首办责任制: a district officer acts on a complaint only once they own it; the command centre always may. */
export function assertHandler(ctx: RequestContext, row: ComplaintRow): void {
  const actor = callerOf(ctx)
  if (actor?.role !== 'district') return
  if (row.owner_id === null)
    throw invalidState(
      { zh: '请先承接此件（首办责任制）', en: 'Take the complaint first (first handler owns it)' },
      row.status,
    )
  if (row.owner_id !== actor.id)
    throw forbidden({
      zh: `此件由 ${row.owner_name ?? '其他承办人'} 承办，只有承办人可以办理`,
      en: `Owned by ${row.owner_name ?? 'another officer'}; only the owner may act on it`,
    })
}

export function assertOpen(row: ComplaintRow): void {
  if (row.status === 'closed' || row.status === 'declined')
    throw invalidState({ zh: '此件已办结', en: 'The complaint is already closed' }, row.status)
}
