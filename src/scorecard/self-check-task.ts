import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { finishTask, lockOpenTask } from '../tasks/task-finish.js'
import type { SelfCheckFigures, SelfCheckReport } from './self-checks.schema.js'

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
 * The self-check's task is done in the filing transaction through the task verbs (tasks/task-finish.ts): one
 * report carrying the month's figures with the summary and measures as its note, then completed. The check is
 * marked filed already (the caller did, in this transaction), so the completion verb, which refuses while the
 * check is due, lets it through. A task the command centre cancelled, or one already finished, is left as it
 * is: the self-check is still filed. Lock order: the self-check (held by the caller), its incident, the task.
 */
export async function completeSelfCheckTask(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'clock' | 'config' | 'playbooks' | 'districts'>,
  ctx: RequestContext,
  taskId: string,
  figures: SelfCheckFigures,
  input: SelfCheckReport,
): Promise<void> {
  const locked = await lockOpenTask(trx, taskId)
  if (!locked) return
  const note = input.measures
    ? `自查情况 Findings：${input.summary}\n整改措施 Measures：${input.measures}`
    : `自查情况 Findings：${input.summary}`
  await finishTask(
    trx,
    deps,
    ctx,
    locked,
    { figures: selfCheckReportFigures(figures), note },
    '每月自查已报送 / self-check filed',
  )
}
