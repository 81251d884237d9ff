import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { appendEvents } from '../events/events.repo.js'
import { openMonthlySelfChecks } from '../scorecard/self-checks.service.js'
import { occurrenceStart, stepDeadlines } from '../tasks/task-plan.js'
import { taskCreatedEvent } from '../tasks/tasks.events.js'
import { type NewTask, writeTasks } from '../tasks/tasks.repo.js'

const LOCK_ID = 0x52530001 // "RS" + job 1
const MAX_CATCH_UP = 31

/**
 * For each recurring step of each active incident, once the latest occurrence has begun, opens the next one
 * (today's 17:00 report → tomorrow's). After downtime it catches up, one task per missed occurrence.
 * The transaction-scoped advisory lock makes a second instance skip the slot instead of doubling it.
 * Then it opens the monthly self-checks once a month has ended (scorecard/self-checks.service.ts); the count
 * returned is of recurring tasks only.
 */
export async function createRecurringTasks(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>,
) {
  const opened = await openRecurringTasks(deps)
  // 每月自查: each district's self-check of the month just ended, in its own transaction and after the
  // recurring tasks, so a failure here cannot hold back tomorrow's reports (the run is recorded as failed).
  await openMonthlySelfChecks(deps)
  return opened
}

async function openRecurringTasks(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>,
) {
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${LOCK_ID}) as ok`.execute(trx)
    if (!lock.rows[0]?.ok) return 0
    // Adding tasks to an incident takes its lock (db/lock.ts), as closing, level changes and reassignment
    // do: a closed incident gets no new task, and occurrence numbers cannot collide. An incident a verb
    // holds right now is skipped and caught up on the next run.
    const incidents = await trx
      .selectFrom('incidents')
      .select(['id', 'exercise'])
      .where('status', '=', 'active')
      .orderBy('id')
      .forUpdate()
      .skipLocked()
      .execute()
    if (incidents.length === 0) return 0
    const exercise = new Map(incidents.map((i) => [i.id, i.exercise]))
    const latest = await trx
      .selectFrom('tasks')
      .innerJoin('incidents', 'incidents.id', 'tasks.incident_id')
      .select(['tasks.incident_id', 'tasks.district_code', 'tasks.step_key', 'incidents.playbook_hash'])
      .select((eb) => [
        eb.fn.max('tasks.occurrence').as('occurrence'),
        eb.fn.max('tasks.due_at').as('due_at'),
      ])
      .where(
        'tasks.incident_id',
        'in',
        incidents.map((i) => i.id),
      )
      .where('tasks.status', '!=', 'cancelled')
      .groupBy(['tasks.incident_id', 'tasks.district_code', 'tasks.step_key', 'incidents.playbook_hash'])
      .execute()
    const values: NewTask[] = []
    for (const row of latest) {
      const playbook = await deps.playbooks.pinned(trx, row.playbook_hash)
      const step = playbook.steps.find((s) => s.key === row.step_key)
      if (!step?.recurrence) continue
      let start = occurrenceStart(step, new Date(row.due_at as unknown as string | Date))
      let occurrence = Number(row.occurrence)
      for (let i = 0; i < MAX_CATCH_UP && start <= now; i++) {
        const { ackDueAt, dueAt } = stepDeadlines(step, start, deps.config.TZ)
        start = occurrenceStart(step, dueAt)
        occurrence++
        values.push({
          id: randomUUID(),
          incident_id: row.incident_id,
          district_code: row.district_code,
          step_key: row.step_key,
          occurrence,
          level: step.level,
          status: 'pending' as const,
          ack_due_at: ackDueAt,
          due_at: dueAt,
          next_escalation_at: ackDueAt,
          created_at: now,
          updated_at: now,
        })
      }
    }
    if (values.length === 0) return 0
    await writeTasks(trx, values)
    await appendEvents(
      trx,
      systemContext('recurring-tasks'),
      now,
      values.map((v) => taskCreatedEvent(v, exercise.get(v.incident_id) ?? false, { recurring: true })),
    )
    return values.length
  })
}
