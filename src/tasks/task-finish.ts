import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { OPEN_TASK_STATUSES } from '../domain/enums.js'
import { acknowledgeTask, completeTask, reportOnTask } from './tasks.service.js'

type Deps = Pick<AppDeps, 'clock' | 'config' | 'playbooks' | 'districts'>

/**
 * A task whose work is done elsewhere (a filed self-check, an inspection plan's last result), locked for
 * finishing in the caller's transaction: its incident, then the task (db/lock.ts). Undefined when the task
 * is gone, already ended, or its incident is no longer active: such a task is left as it is.
 */
export async function lockOpenTask(trx: Transaction<DB>, taskId: string) {
  const task = await trx.selectFrom('tasks').select('incident_id').where('id', '=', taskId).executeTakeFirst()
  if (!task) return undefined
  const incident = await lockRoot(trx, 'incidents', task.incident_id)
  const locked = await lockRoot(trx, 'tasks', taskId)
  if (incident?.status !== 'active' || !locked) return undefined
  return (OPEN_TASK_STATUSES as readonly string[]).includes(locked.status) ? locked : undefined
}

/**
 * Finishes a task locked by `lockOpenTask` through the task verbs, which join the caller's transaction
 * (inTransaction does not nest), so the moves commit with the work: acknowledged if nobody had (whoever
 * finished the work owns it, as the first to act), one report with the figures, then completed — after which
 * the completion verb closes the incident if its playbook says `closes_when_done` and no task is left open.
 */
export async function finishTask(
  trx: Transaction<DB>,
  deps: Deps,
  ctx: RequestContext,
  task: { id: string; status: string },
  report: { figures: Record<string, unknown>; note: string },
  completion: string,
): Promise<void> {
  const verbs = { ...deps, db: trx }
  if (task.status === 'pending') await acknowledgeTask(verbs, ctx, task.id)
  await reportOnTask(verbs, ctx, task.id, report)
  await completeTask(verbs, ctx, task.id, completion)
}
