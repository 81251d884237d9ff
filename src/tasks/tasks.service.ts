import { randomUUID } from 'node:crypto'
import { type Kysely, sql, type UpdateObject } from 'kysely'
import { lockRoot } from '../db/lock.js'
import { decodeCursor, pageOf } from '../db/pagination.js'
import { inTransaction } from '../db/transaction.js'
import type { DB, TaskStatus } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, callerOf, districtScopeOf, type RequestContext } from '../domain/context.js'
import { AppError, invalidState, notFound, type Text, validationFailed } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { appendEvents, cteEventColumns, eventConstants } from '../events/events.repo.js'
import { addDuration } from '../playbooks/duration.js'
import { totalOutOfRange, totalRangeIssues, validateFigures } from './figures.js'
import { closeIncidentWhenDone } from './incident-closing.js'
import type { Figures, TaskEventPayloads } from './tasks.events.js'
import {
  findDueSelfCheck,
  findTask,
  findTaskIncident,
  insertTaskReport,
  listTasks,
  sumIncidentFigures,
  type TaskRow,
  taskPlaybookHash,
} from './tasks.repo.js'

type TransitionEvent =
  | 'task.acknowledged'
  | 'task.started'
  | 'task.completed'
  | 'task.declined'
  | 'task.cancelled'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'playbooks'>

const taskNotFound = () => notFound({ zh: '任务不存在', en: 'No such task' })

/** A district token reaches its own district's tasks only; anything else looks absent (404), not forbidden. */
export async function loadTaskFor(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<TaskRow> {
  if (!isUuid(id)) throw taskNotFound()
  const task = await findTask(db, id)
  if (!task) throw taskNotFound()
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && scope !== task.district_code) throw taskNotFound()
  return task
}

const stateNames: Record<TaskStatus, string> = {
  pending: '待确认',
  acknowledged: '已确认',
  in_progress: '处置中',
  completed: '已完成',
  declined: '已拒绝',
  cancelled: '已取消',
}

function refuse(task: TaskRow, action: Text) {
  return invalidState(
    {
      zh: `任务当前为「${stateNames[task.status]}」（${task.status}），不能${action.zh}`,
      en: `Task is ${task.status}; cannot ${action.en}`,
    },
    task.status,
  )
}

/**
 * One statement moves the task only if it is still in an allowed state and writes its event: the UPDATE and
 * the INSERT share a data-modifying CTE, so they commit together without a round trip each for BEGIN and
 * COMMIT. When nothing matched, the caller learns the current state.
 */
async function transition<K extends TransitionEvent>(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  opts: {
    from: TaskStatus[]
    set: (now: Date) => UpdateObject<DB, 'tasks'>
    event: K
    /** The payload beyond `step`, `exercise`, `to` and `from`, which the statement fills from the rows. */
    payload: Omit<TaskEventPayloads[K], 'step' | 'exercise' | 'to' | 'from'>
    action: Text
    /** When nothing matched: return the task unchanged instead of refusing (idempotent repeats). */
    unchangedIf?: (task: TaskRow) => boolean
    /**
     * A move that changes the incident's task set (cancelling) takes the incident's lock first, as closing,
     * level changes and reassignment do (db/lock.ts), and is refused once the incident is closed.
     */
    underIncidentLock?: boolean
    /**
     * The move ends the task (complete, decline, cancel). When the incident's pinned playbook says
     * `closes_when_done`, the move takes the incident's lock first and, in the same transaction, the incident
     * closes itself once no task of it is open (incident-closing.ts): one rule for every entry point.
     */
    ends?: boolean
    /**
     * Completing a self-check's task (每月自查) needs the self-check filed: the statement matches only while
     * no self-check linked to the task is still due. Filing marks the check filed before it completes the
     * task in the same transaction, so filing goes through and a bare completion does not.
     */
    needsFiledSelfCheck?: boolean
  },
): Promise<TaskRow> {
  if (!isUuid(id)) throw taskNotFound()
  const now = deps.clock.now()
  const scope = districtScopeOf(ctx)
  const extra = JSON.stringify({ ...(opts.from.length === 1 ? { from: opts.from[0] } : {}), ...opts.payload })
  const move = (executor: Kysely<DB>) =>
    executor
      .with('moved', (db) => {
        let q = db
          .updateTable('tasks')
          .set({ ...opts.set(now), updated_at: now })
          .where('id', '=', id)
          .where('status', 'in', opts.from)
        if (scope !== undefined) q = q.where('district_code', '=', scope)
        if (opts.needsFiledSelfCheck)
          q = q.where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('self_checks')
                  .select('self_checks.id')
                  .whereRef('self_checks.task_id', '=', 'tasks.id')
                  .where('self_checks.status', '=', 'due'),
              ),
            ),
          )
        return q.returningAll()
      })
      .with('event', (db) =>
        db
          .insertInto('events')
          .columns(cteEventColumns)
          .expression((eb) =>
            eb
              .selectFrom('moved')
              .select([
                ...eventConstants(ctx, now, opts.event),
                'moved.incident_id',
                'moved.id',
                'moved.district_code',
                sql<string>`jsonb_build_object('step', moved.step_key, 'exercise', (select i.exercise from incidents i where i.id = moved.incident_id), 'to', moved.status) || ${extra}::jsonb`.as(
                  'payload',
                ),
              ]),
          ),
      )
      .selectFrom('moved')
      .selectAll()
      .executeTakeFirst()
  const closes = opts.ends === true && (await closesWhenDone(deps, id))
  const updated =
    opts.underIncidentLock || closes
      ? await inTransaction(deps.db, async (trx) => {
          const task = await findTask(trx, id)
          if (!task || (scope !== undefined && task.district_code !== scope)) return undefined
          const incident = await lockRoot(trx, 'incidents', task.incident_id)
          if (!incident) return undefined
          if (opts.underIncidentLock && incident.status !== 'active')
            throw invalidState(
              {
                zh: '事件已结束，不能再改变其任务',
                en: 'The incident is closed; its tasks no longer change',
              },
              incident.status,
            )
          const moved = await move(trx)
          if (moved && closes) await closeIncidentWhenDone(trx, ctx, now, incident.id)
          return moved
        })
      : await move(deps.db)
  if (updated) return updated
  // Nothing matched: absent, another district's, in a state that does not allow this, or a self-check due.
  const current = await loadTaskFor(deps.db, ctx, id)
  if (opts.unchangedIf?.(current)) return current
  if (opts.needsFiledSelfCheck && opts.from.includes(current.status)) {
    const due = await findDueSelfCheck(deps.db, id)
    if (due) throw selfCheckDue(current, due.id)
  }
  throw refuse(current, opts.action)
}

/** Whether the task's incident was activated with a playbook version that says `closes_when_done`. */
async function closesWhenDone(deps: Deps, id: string): Promise<boolean> {
  const hash = await taskPlaybookHash(deps.db, id)
  return hash !== undefined && (await deps.playbooks.pinned(deps.db, hash)).closesWhenDone === true
}

function selfCheckDue(task: TaskRow, selfCheckId: string) {
  return new AppError(
    'invalid_state',
    {
      zh: `这是每月自查任务，自查尚未报送，不能直接完成：请在任务页（/console/tasks/${task.id}）用「报送自查并完成任务」表单，或通过 POST /api/v1/self-checks/${selfCheckId}/report 报送自查，报送即完成本任务`,
      en: `This is a monthly self-check task and its self-check is not filed, so it cannot be completed directly: file it with "File the self-check and complete the task" on the task page (/console/tasks/${task.id}) or POST /api/v1/self-checks/${selfCheckId}/report; filing completes the task`,
    },
    { current: task.status, selfCheckId },
  )
}

export function acknowledgeTask(deps: Deps, ctx: RequestContext, id: string) {
  return transition(deps, ctx, id, {
    from: ['pending'],
    set: (now) => ({
      status: 'acknowledged',
      acknowledged_at: now,
      owner_id: actorIdOf(ctx),
      owner_name: callerOf(ctx)?.name ?? null,
      // The unacknowledged clock stops; the next clock is the task falling due. The escalation cursor
      // resets so the sweep starts the overdue ladder from its first rung; the count keeps the history.
      next_escalation_at: sql<Date>`due_at`,
      escalation_clock: null,
      clock_started_at: null,
      escalation_position: 0,
    }),
    event: 'task.acknowledged',
    payload: { owner: callerOf(ctx)?.name ?? null },
    action: { zh: '确认', en: 'acknowledge' },
    // A repeated ack keeps the first time and owner.
    unchangedIf: (t) =>
      t.acknowledged_at !== null && ['acknowledged', 'in_progress', 'completed'].includes(t.status),
  })
}

export function startTask(deps: Deps, ctx: RequestContext, id: string) {
  return transition(deps, ctx, id, {
    from: ['acknowledged'],
    set: (now) => ({ status: 'in_progress', started_at: now }),
    event: 'task.started',
    payload: {},
    action: { zh: '开始处置（需先确认）', en: 'start (acknowledge it first)' },
  })
}

export function completeTask(deps: Deps, ctx: RequestContext, id: string, note?: string) {
  return transition(deps, ctx, id, {
    from: ['acknowledged', 'in_progress'],
    set: (now) => ({ status: 'completed', completed_at: now, next_escalation_at: null }),
    event: 'task.completed',
    payload: { note: note ?? null },
    action: { zh: '完成', en: 'complete' },
    ends: true,
    needsFiledSelfCheck: true,
  })
}

export function declineTask(deps: Deps, ctx: RequestContext, id: string, reason: string) {
  return transition(deps, ctx, id, {
    from: ['pending', 'acknowledged', 'in_progress'],
    set: (now) => ({
      status: 'declined',
      declined_at: now,
      decline_reason: reason,
      next_escalation_at: null,
    }),
    event: 'task.declined',
    payload: { reason },
    action: { zh: '拒绝', en: 'decline' },
    ends: true,
  })
}

export function cancelTask(deps: Deps, ctx: RequestContext, id: string, reason: string) {
  return transition(deps, ctx, id, {
    from: ['pending', 'acknowledged', 'in_progress', 'declined'],
    set: (now) => ({
      status: 'cancelled',
      cancelled_at: now,
      cancel_reason: reason,
      next_escalation_at: null,
    }),
    event: 'task.cancelled',
    payload: { reason },
    action: { zh: '取消', en: 'cancel' },
    underIncidentLock: true,
    ends: true,
  })
}

/**
 * Files figures against a task. Figures are increments (what was done since the last report); the incident
 * sums them. Reporting on an acknowledged task starts it.
 */
export async function reportOnTask(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { figures: Record<string, unknown>; note?: string | undefined },
) {
  const task = await loadTaskFor(deps.db, ctx, id)
  const refusal = { zh: '上报（需先确认）', en: 'report (acknowledge it first)' }
  // The state decides first: figures for a task that cannot take them are beside the point.
  if (task.status !== 'acknowledged' && task.status !== 'in_progress') throw refuse(task, refusal)
  // Whether the incident is an exercise is fixed at activation, so it can be read before the lock.
  const { step, playbook, exercise } = await taskStep(deps, task)
  const issues = validateFigures(step?.reportFields ?? [], input.figures)
  if (issues.length > 0) throw validationFailed(issues)
  // Validated: each value is of its field's declared type.
  const figures = input.figures as Figures

  const now = deps.clock.now()
  const numeric = (step?.reportFields ?? []).filter((f) => f.type === 'integer' || f.type === 'number')
  const result = await inTransaction(deps.db, async (trx) => {
    // Reports on one incident serialise on its row, so two concurrent reports cannot each pass the total
    // check and together overflow it. The incident is locked before the task, as level changes and
    // closing do, so the two never deadlock.
    if (numeric.length > 0) await lockRoot(trx, 'incidents', task.incident_id)
    const locked = await lockRoot(trx, 'tasks', id)
    if (!locked) throw taskNotFound()
    if (locked.status !== 'acknowledged' && locked.status !== 'in_progress')
      return { refused: locked, task: null }
    const totals = await sumIncidentFigures(
      trx,
      locked.incident_id,
      numeric.map((f) => f.name),
    )
    const overflow = totalRangeIssues(numeric, totals, figures)
    if (overflow.length > 0) throw totalOutOfRange(overflow)
    // A report restarts the overdue clock: it next starts at the earlier of the due time and the next
    // expected report. A task already past due is given one more cadence (or `repeat_every` without one)
    // rather than a clock that started in the past and would climb the whole ladder at once.
    const nextEscalation =
      locked.due_at > now
        ? step?.reportEvery
          ? new Date(Math.min(addDuration(now, step.reportEvery).getTime(), locked.due_at.getTime()))
          : locked.due_at
        : addDuration(now, step?.reportEvery ?? playbook.escalation.repeatEvery)
    const row = await trx
      .updateTable('tasks')
      .set({
        status: 'in_progress',
        started_at: locked.started_at ?? now,
        last_report_at: now,
        next_escalation_at: nextEscalation,
        escalation_clock: null,
        clock_started_at: null,
        escalation_position: 0,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    const reportId = randomUUID()
    await insertTaskReport(trx, ctx, now, locked, { id: reportId, figures, note: input.note ?? null })
    const base = { incidentId: locked.incident_id, taskId: id, districtCode: locked.district_code }
    await appendEvents(trx, ctx, now, [
      ...(locked.status === 'acknowledged'
        ? [
            {
              ...base,
              type: 'task.started' as const,
              payload: {
                step: locked.step_key,
                exercise,
                from: 'acknowledged' as const,
                to: 'in_progress' as const,
              },
            },
          ]
        : []),
      {
        ...base,
        type: 'task.reported',
        subject: reportId,
        payload: { step: locked.step_key, exercise, figures, note: input.note ?? null },
      },
    ])
    return {
      refused: null,
      task: row,
      report: { id: reportId, figures, note: input.note ?? null, createdAt: now },
    }
  })
  if (result.refused)
    throw refuse(result.refused, { zh: '上报（需先确认）', en: 'report (acknowledge it first)' })
  return { task: result.task, report: result.report }
}

/** The task's incident code and the pinned playbook step it was created from (null if the step is gone). */
export async function taskStep(deps: Pick<Deps, 'db' | 'playbooks'>, task: TaskRow) {
  const incident = await findTaskIncident(deps.db, task.incident_id)
  const playbook = await deps.playbooks.pinned(deps.db, incident.playbook_hash)
  return {
    incidentCode: incident.code,
    exercise: incident.exercise,
    playbook,
    step: playbook.steps.find((s) => s.key === task.step_key) ?? null,
  }
}

/** A task with what its district needs to act on it: the step's instructions and fields. */
export async function taskWithStep(deps: Deps, ctx: RequestContext, id: string) {
  const task = await loadTaskFor(deps.db, ctx, id)
  return { task, ...(await taskStep(deps, task)) }
}

/** A page of tasks by due time; a district token is confined to its own district whatever it asks for. */
export async function listTasksFor(
  deps: Pick<Deps, 'db'>,
  ctx: RequestContext,
  q: {
    incident?: string | undefined
    status?: TaskStatus | undefined
    district?: string | undefined
    limit: number
    cursor?: string | undefined
  },
) {
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && q.district !== undefined && q.district !== scope)
    return { items: [], next: null }
  const rows = await listTasks(deps.db, {
    ...q,
    district: scope ?? q.district,
    after: q.cursor === undefined ? undefined : decodeCursor(q.cursor, 3),
  })
  return pageOf(rows, q.limit, (t) => [t.due_at.toISOString(), t.district_code, t.id])
}
