import { alertOnClose } from '../alerts/incident-alerts.js'
import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { OPEN_TASK_STATUSES } from '../domain/enums.js'
import { appendEvents } from '../events/events.repo.js'
import { taskCancelledEvent } from './tasks.events.js'
import { cancelTasks } from './tasks.repo.js'

/**
 * The write of closing an incident, once: its open and declined tasks cancelled (kept) unless it closes by
 * itself, the incident closed, its events and the end of its public alert. The caller holds the incident's
 * lock and has checked it is active. It lives with the tasks, not the incidents, because the task verbs that
 * end an incident's last task close it (`closes_when_done`) and incidents/ already imports tasks/ (plans,
 * repo): the close verb in incidents.service.ts calls this.
 */
export async function closeLockedIncident(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  incident: { id: string; code: string; exercise: boolean },
  input: { summary: string; auto?: boolean },
) {
  // Closing by itself, the incident has no open task, and a declined one stays declined (the record of the
  // refusal, and what the district was told when it declined): only the command centre's close cancels them.
  const cancelled = input.auto
    ? []
    : await cancelTasks(trx, { incidentId: incident.id }, 'incident closed', now)
  await trx
    .updateTable('incidents')
    .set({ status: 'closed', closed_at: now, closed_by: actorIdOf(ctx), summary: input.summary })
    .where('id', '=', incident.id)
    .execute()
  await appendEvents(trx, ctx, now, [
    {
      type: 'incident.closed',
      incidentId: incident.id,
      subject: incident.code,
      payload: {
        summary: input.summary,
        cancelledTasks: cancelled.length,
        exercise: incident.exercise,
        ...(input.auto && { auto: true }),
      },
    },
    ...cancelled.map((t) => taskCancelledEvent(incident.id, t, 'incident closed', incident.exercise)),
  ])
  await alertOnClose(trx, ctx, now, incident.id, input.summary)
}

const SUMMARY =
  '各区县任务均已办结（完成、拒绝或取消），事件自动关闭。 / Every district task is done (completed, declined or cancelled); the incident closed itself.'

/**
 * An incident of a `closes_when_done` playbook (a month's self-checks, a random-inspection plan) has nothing
 * left once each task is done: completed, declined or cancelled. The task verbs that end a task call this in
 * their transaction, after the move: the incident is locked (they took it before the task, db/lock.ts), its
 * open tasks counted under that lock, and with none left it is closed with `incident.closed` (`auto: true`).
 * Two last tasks ending together serialise on the incident lock, so the second sees the first's move.
 * Returns whether it closed the incident.
 */
export async function closeIncidentWhenDone(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
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
  await closeLockedIncident(trx, ctx, now, incident, { summary: SUMMARY, auto: true })
  return true
}
