import { sql } from 'kysely'
import { timeOrderedId } from '../db/ids.js'
import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import { actorIdOf, callerOf, type RequestContext } from '../domain/context.js'
import { appendEvents, type NewEvent } from '../events/events.repo.js'

const OPEN = ['pending', 'acknowledged', 'in_progress'] as const

/**
 * Once every inspection a district task carries has its result, the task is done: one report with the
 * figures (`businesses_inspected`, the businesses still to report beyond what earlier reports on the task
 * said, since reports are increments) and the task completed, in the recording transaction. A task already
 * completed, declined or cancelled is left as it is. Lock order: the plan (held by the caller), then the
 * incident, then the task (db/lock.ts). Returns whether the task was completed here.
 */
export async function completeInspectionTask(
  trx: Transaction<DB>,
  ctx: RequestContext,
  planId: string,
  taskId: string,
  now: Date,
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
  const task = await trx.selectFrom('tasks').select('incident_id').where('id', '=', taskId).executeTakeFirst()
  if (!task) return false
  const incident = await lockRoot(trx, 'incidents', task.incident_id)
  const exercise = incident?.exercise ?? false
  const locked = await lockRoot(trx, 'tasks', taskId)
  if (!locked || !(OPEN as readonly string[]).includes(locked.status)) return false
  const reported = await sql<{ n: string | null }>`
    select sum((figures->>'businesses_inspected')::numeric) as n from task_reports
    where task_id = ${taskId} and figures ? 'businesses_inspected'`.execute(trx)
  const inspected = Math.max(0, Number(left.all) - Number(reported.rows[0]?.n ?? 0))
  const figures = { businesses_inspected: inspected }
  const note =
    `抽查结果已全部录入：通过 ${left.passed}，发现问题 ${left.issues}，责令整改 ${left.rectifications}` +
    ` / all results recorded: ${left.passed} passed, ${left.issues} with issues, ${left.rectifications} to rectify`
  await trx
    .updateTable('tasks')
    .set({
      status: 'completed',
      acknowledged_at: locked.acknowledged_at ?? now,
      started_at: locked.started_at ?? now,
      completed_at: now,
      last_report_at: now,
      next_escalation_at: null,
      escalation_clock: null,
      clock_started_at: null,
      updated_at: now,
    })
    .where('id', '=', taskId)
    .execute()
  const reportId = timeOrderedId()
  await trx
    .insertInto('task_reports')
    .values({
      id: reportId,
      task_id: taskId,
      incident_id: locked.incident_id,
      district_code: locked.district_code,
      figures: JSON.stringify(figures),
      note,
      created_at: now,
      created_by: actorIdOf(ctx),
      created_by_name: callerOf(ctx)?.name ?? null,
      request_id: ctx.requestId,
    })
    .execute()
  const base = { incidentId: locked.incident_id, taskId, districtCode: locked.district_code }
  const events: NewEvent[] = [
    {
      ...base,
      type: 'task.reported',
      subject: reportId,
      payload: { step: locked.step_key, exercise, figures, note },
    },
    {
      ...base,
      type: 'task.completed',
      payload: { step: locked.step_key, exercise, from: locked.status, to: 'completed', note },
    },
  ]
  await appendEvents(trx, ctx, now, events)
  return true
}
