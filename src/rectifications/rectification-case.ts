import type { Selectable } from 'kysely'
import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB, RectificationsTable } from '../db/types.js'
import { districtScopeOf, type RequestContext } from '../domain/context.js'
import { forbidden, invalidState, notFound } from '../domain/errors.js'

/**
 * Locks a case (its own root, db/lock.ts) and checks the caller may act on it: a district officer only in
 * their district, and only while it is open. Returns the locked row.
 */
export async function lockOpenCase(
  trx: Transaction<DB>,
  ctx: RequestContext,
  id: string,
): Promise<Selectable<RectificationsTable>> {
  const r = await lockRoot(trx, 'rectifications', id)
  if (!r) throw notFound({ zh: `没有编号为 ${id} 的整改案件`, en: `No rectification ${id}` })
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && r.district_code !== scope)
    throw forbidden({ zh: '该整改案件不属于本区县', en: 'This rectification belongs to another district' })
  if (r.status !== 'open')
    throw invalidState({ zh: '整改案件已结案', en: 'The rectification is already closed' }, r.status)
  return r
}
