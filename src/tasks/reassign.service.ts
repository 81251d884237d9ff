import { randomUUID } from 'node:crypto'
import { lockRoot } from '../db/lock.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { AppError, invalidState, issue, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { appendEvents } from '../events/events.repo.js'
import { addDuration, parseDuration } from '../playbooks/duration.js'
import { taskCreatedEvent } from './tasks.events.js'
import { type NewTask, nextOccurrences, writeTasks } from './tasks.repo.js'
import { loadTaskFor } from './tasks.service.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'playbooks' | 'districts'>

export interface ReassignInput {
  district?: string | undefined
  ackWithin?: string | undefined
  dueWithin?: string | undefined
  reason: string
}

/**
 * 首办责任制: someone owns every task. A declined task is resolved by the command centre as a NEW task for
 * the same or another district, with fresh deadlines counted from now (defaults: the step's windows),
 * linked to the declined one (`reassigned_from`). The declined task stays declined, as the record of the
 * refusal. Refused: the task is not declined, or was already reassigned, or the incident is closed (409);
 * an unknown district, or one outside the incident's scope (422: widening the scope is a decision of its
 * own, not a side effect of a reassignment); deadlines where the due window is shorter than the ack window.
 */
export async function reassignTask(deps: Deps, ctx: RequestContext, id: string, input: ReassignInput) {
  const old = await loadTaskFor(deps.db, ctx, id)
  const incident = await deps.db
    .selectFrom('incidents')
    .select(['id', 'status', 'playbook_hash', 'all_districts', 'districts'])
    .where('id', '=', old.incident_id)
    .executeTakeFirstOrThrow()
  const playbook = await deps.playbooks.pinned(deps.db, incident.playbook_hash)
  const step = playbook.steps.find((s) => s.key === old.step_key)
  const district = input.district ?? old.district_code

  const issues: ProblemIssue[] = []
  if (!deps.districts.has(district))
    issues.push(
      issue(
        'district',
        { zh: `没有代码为 ${district} 的区（市）县`, en: `no district with code ${district}` },
        'unknown_district',
      ),
    )
  else if (!incident.all_districts && !incident.districts.includes(district))
    issues.push(
      issue(
        'district',
        {
          zh: `区（市）县 ${district} 不在本事件范围内（${incident.districts.join('、')}）`,
          en: `district ${district} is outside the incident's scope (${incident.districts.join(', ')})`,
        },
        'district_out_of_scope',
      ),
    )
  const ackWithin = input.ackWithin ?? step?.ackWithin ?? playbook.ackWithin
  const dueWithin = input.dueWithin ?? step?.dueWithin ?? ackWithin
  if (parseDuration(dueWithin) < parseDuration(ackWithin))
    issues.push(
      issue(
        input.dueWithin ? 'dueWithin' : 'ackWithin',
        {
          zh: `办结时限 ${dueWithin} 短于确认时限 ${ackWithin}`,
          en: `due window ${dueWithin} is shorter than the acknowledgement window ${ackWithin}`,
        },
        'due_before_ack',
      ),
    )
  if (issues.length > 0) throw validationFailed(issues)

  const now = deps.clock.now()
  const outcome = await inTransaction(deps.db, async (trx) => {
    // The incident first, then the task (db/lock.ts): closing, level changes and recurring tasks take the
    // same lock, so the status checked here holds until commit, close sees the task added here, and the
    // occurrence number below cannot be taken by a concurrent level change.
    const inc = await lockRoot(trx, 'incidents', incident.id)
    const locked = await lockRoot(trx, 'tasks', id)
    if (!inc || !locked) throw new AppError('not_found')
    if (inc.status !== 'active')
      return invalidState(
        { zh: '事件已结束，不能改派任务', en: 'The incident is closed; tasks cannot be reassigned' },
        inc.status,
      )
    if (locked.status !== 'declined')
      return invalidState(
        {
          zh: `只能改派已拒绝的任务（当前为 ${locked.status}）`,
          en: `Only a declined task can be reassigned (it is ${locked.status})`,
        },
        locked.status,
      )
    const already = await trx
      .selectFrom('tasks')
      .select('id')
      .where('reassigned_from', '=', id)
      .executeTakeFirst()
    if (already)
      return new AppError(
        'conflict',
        { zh: '该任务已改派', en: 'This task was already reassigned' },
        { reassignedTo: already.id },
      )

    const occurrence =
      (await nextOccurrences(trx, incident.id, [locked.step_key])).get(`${district}/${locked.step_key}`) ?? 0
    const task: NewTask = {
      id: randomUUID(),
      incident_id: incident.id,
      district_code: district,
      step_key: locked.step_key,
      occurrence,
      level: locked.level,
      status: 'pending',
      ack_due_at: addDuration(now, ackWithin),
      due_at: addDuration(now, dueWithin),
      next_escalation_at: addDuration(now, ackWithin),
      created_at: now,
      updated_at: now,
    }
    await writeTasks(trx, [task])
    await trx.updateTable('tasks').set({ reassigned_from: id }).where('id', '=', task.id).execute()
    await appendEvents(trx, ctx, now, [
      {
        type: 'task.reassigned',
        incidentId: incident.id,
        taskId: id,
        districtCode: locked.district_code,
        subject: task.id,
        payload: {
          step: locked.step_key,
          exercise: inc.exercise,
          to: task.id,
          district,
          reason: input.reason,
          ackDueAt: task.ack_due_at.toISOString(),
          dueAt: task.due_at.toISOString(),
        },
      },
      taskCreatedEvent(task, inc.exercise, { reassignedFrom: id, reason: input.reason }),
    ])
    return task.id
  })
  if (outcome instanceof AppError) throw outcome
  return loadTaskFor(deps.db, ctx, outcome)
}
