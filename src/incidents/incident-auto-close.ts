import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { OPEN_TASK_STATUSES } from '../domain/enums.js'
import { closeIncident } from './incidents.service.js'

const SUMMARY =
  '各区县任务均已办结（完成、拒绝或取消），事件自动关闭。 / Every district task is done (completed, declined or cancelled); the incident closed itself.'

/**
 * An incident whose work is a fixed list of district tasks (a month's self-checks, a random-inspection plan)
 * has nothing left once each task is done: completed, declined or cancelled. Called in the transaction that
 * finished a task, after it: the incident is locked (the caller took it before its task, db/lock.ts), its
 * open tasks counted under that lock, and with none left it is closed through the close verb, with its
 * `incident.closed` event (`auto: true`). Two last tasks finishing together serialise on the incident lock,
 * so the second sees the first's and closes it. Returns whether it closed the incident.
 */
export async function closeIncidentWhenDone(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'clock' | 'config' | 'playbooks' | 'districts'>,
  ctx: RequestContext,
  incidentId: string,
): Promise<boolean> {
  const incident = await lockRoot(trx, 'incidents', incidentId)
  if (incident?.status !== 'active') return false
  const open = await trx
    .selectFrom('tasks')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('status', 'in', OPEN_TASK_STATUSES)
    .limit(1)
    .executeTakeFirst()
  if (open) return false
  await closeIncident({ ...deps, db: trx }, ctx, incidentId, { summary: SUMMARY, auto: true })
  return true
}
