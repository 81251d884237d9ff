import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { acknowledgeTask, completeTask, reportOnTask } from '../tasks/tasks.service.js'
import type { SelfCheckFigures, SelfCheckReport } from './self-checks.schema.js'

const OPEN = ['pending', 'acknowledged', 'in_progress']

/** The month's scorecard figures as the `monthly-self-check` step's report fields name them. */
export function selfCheckReportFigures(f: SelfCheckFigures) {
  return {
    tasks_due: f.tasks.due,
    tasks_on_time: f.tasks.onTime,
    complaints_decided_due: f.complaintsDecided.due,
    complaints_decided_on_time: f.complaintsDecided.onTime,
    complaints_closed_due: f.complaintsClosed.due,
    complaints_closed_on_time: f.complaintsClosed.onTime,
    rectifications_due: f.rectifications.due,
    rectifications_on_time: f.rectifications.onTime,
    boards_due: f.boards.due,
    boards_on_time: f.boards.onTime,
  }
}

/**
 * The self-check's task is done in the filing transaction through the task verbs, which join it: acknowledged
 * if nobody had (filing is the strongest acknowledgement; the filer owns it), one report carrying the month's
 * figures with the summary and measures as its note, then completed, after which the completion verb closes
 * the month's incident if this was its last open task. A task the command centre cancelled, or one already finished, is left as
 * it is: the self-check is still filed. Lock order: the self-check (held by the caller), its incident, then
 * the task (db/lock.ts).
 */
export async function completeSelfCheckTask(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'clock' | 'config' | 'playbooks' | 'districts'>,
  ctx: RequestContext,
  taskId: string,
  figures: SelfCheckFigures,
  input: SelfCheckReport,
): Promise<void> {
  const task = await trx.selectFrom('tasks').select('incident_id').where('id', '=', taskId).executeTakeFirst()
  if (!task) return
  const incident = await lockRoot(trx, 'incidents', task.incident_id)
  const locked = await lockRoot(trx, 'tasks', taskId)
  if (incident?.status !== 'active' || !locked || !OPEN.includes(locked.status)) return
  const note = input.measures
    ? `自查情况 Findings：${input.summary}\n整改措施 Measures：${input.measures}`
    : `自查情况 Findings：${input.summary}`
  const verbs = { ...deps, db: trx }
  if (locked.status === 'pending') await acknowledgeTask(verbs, ctx, taskId)
  await reportOnTask(verbs, ctx, taskId, { figures: selfCheckReportFigures(figures), note })
  // The check is marked filed already (the caller did, in this transaction): the verb lets the completion
  // through, which it refuses while the check is due; and it closes the month's incident after its last task
  // (the playbook's `closes_when_done`).
  await completeTask(verbs, ctx, taskId, '每月自查已报送 / self-check filed')
}
