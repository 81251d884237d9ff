import { sql } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { finishTask, lockOpenTask } from '../tasks/task-finish.js'

/**
 * Once every inspection a district task carries has its result, the task is done, through the task verbs in
 * the recording transaction: acknowledged if nobody had (the recorder owns it, as the first to act), one
 * report with the figures (`businesses_inspected`, the businesses still to report beyond what earlier
 * reports on the task said, since reports are increments), then completed; and when it was the plan's last
 * open task, the completion verb closes the incident. A task already completed, declined or cancelled is
 * left as it is.
 * Lock order: the plan (held by the caller), then the incident, then the task (db/lock.ts). Returns whether
 * the task was completed here.
 */
export async function completeInspectionTask(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'clock' | 'config' | 'playbooks' | 'districts'>,
  ctx: RequestContext,
  planId: string,
  taskId: string,
): Promise<boolean> {
  const left = await trx
    .selectFrom('inspections')
    .select((eb) => [
      eb.fn.countAll<string>().as('all'),
      eb.fn.count<string>('result').as('recorded'),
      sql<string>`count(*) filter (where result = 'pass')`.as('passed'),
      sql<string>`count(*) filter (where result = 'issues_found')`.as('issues'),
      sql<string>`count(*) filter (where result = 'rectification_opened')`.as('rectifications'),
    ])
    .where('plan_id', '=', planId)
    .where('task_id', '=', taskId)
    .executeTakeFirstOrThrow()
  if (Number(left.recorded) < Number(left.all)) return false
  const locked = await lockOpenTask(trx, taskId)
  if (!locked) return false
  const reported = await sql<{ n: string | null }>`
    select sum((figures->>'businesses_inspected')::numeric) as n from task_reports
    where task_id = ${taskId} and figures ? 'businesses_inspected'`.execute(trx)
  const inspected = Math.max(0, Number(left.all) - Number(reported.rows[0]?.n ?? 0))
  const note =
    `抽查结果已全部录入：通过 ${left.passed}，发现问题 ${left.issues}，责令整改 ${left.rectifications}` +
    ` / all results recorded: ${left.passed} passed, ${left.issues} with issues, ${left.rectifications} to rectify`
  await finishTask(trx, deps, ctx, locked, { figures: { businesses_inspected: inspected }, note }, note)
  return true
}
