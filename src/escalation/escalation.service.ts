import { sql } from 'kysely'
import { cityContacts, districtContacts, resolveContact } from '../contacts/contacts.repo.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { type EscalationClock, OPEN_TASK_STATUSES } from '../domain/enums.js'
import { appendEvents, type NewEvent } from '../events/events.repo.js'
import type { EscalationEventPayloads } from './escalation.events.js'
import { dueRungs, ladderPositions } from './escalation-ladder.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'playbooks' | 'metrics'>

/** A rung fired more than this after falling due is marked late (the service promises 5 s). */
export const ON_TIME_MS = 5_000
const NO_CONTACT = {
  zh: '未登记该对象的联系人，请在通讯录中补充',
  en: 'No contact on file for this target; add one to the contacts',
}

export interface SweepResult {
  claimed: number
  fired: number
  late: number
}

/**
 * Fires every escalation rung that has fallen due, in batches. Each batch is one transaction: claim due
 * task rows with FOR UPDATE SKIP LOCKED (another instance takes other rows, never the same), re-read the
 * state under the lock (an acknowledgement that committed first turns the unacknowledged clock off), append
 * one `task.escalated` event per rung, and move each task's timer to its next rung. A transition that
 * races the sweep waits on the row lock and then overwrites the timer with its own.
 */
export async function sweepEscalations(deps: Deps, opts: { batch?: number } = {}): Promise<SweepResult> {
  const batch = opts.batch ?? 500
  const total: SweepResult = { claimed: 0, fired: 0, late: 0 }
  for (;;) {
    const r = await sweepBatch(deps, batch)
    // Counted once committed: a rolled-back batch fired nothing.
    for (const f of r.rungs) {
      deps.metrics.escalationsFired.inc({ clock: f.clock })
      deps.metrics.escalationLateness.observe({ clock: f.clock }, f.lateSeconds)
    }
    total.claimed += r.claimed
    total.fired += r.fired
    total.late += r.late
    if (r.claimed < batch) return total
  }
}

interface Fired {
  clock: EscalationClock
  lateSeconds: number
}

async function sweepBatch(deps: Deps, batch: number): Promise<SweepResult & { rungs: Fired[] }> {
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const rows = await trx
      .selectFrom('tasks')
      .innerJoin('incidents', 'incidents.id', 'tasks.incident_id')
      .select([
        'tasks.id',
        'tasks.incident_id',
        'tasks.district_code',
        'tasks.step_key',
        'tasks.status',
        'tasks.next_escalation_at',
        'tasks.escalation_clock',
        'tasks.clock_started_at',
        'tasks.escalation_position',
        'incidents.playbook_hash',
      ])
      .where('tasks.next_escalation_at', '<=', now)
      .where('tasks.status', 'in', OPEN_TASK_STATUSES)
      .orderBy('tasks.next_escalation_at')
      .limit(batch)
      .forUpdate('tasks')
      .skipLocked()
      .execute()
    if (rows.length === 0) return { claimed: 0, fired: 0, late: 0, rungs: [] }

    const districts = await districtContacts(trx, [...new Set(rows.map((r) => r.district_code))])
    const city = await cityContacts(trx)
    const events: NewEvent<'task.escalated'>[] = []
    const updates: Update[] = []
    const rungs: Fired[] = []
    let late = 0
    for (const row of rows) {
      const playbook = await deps.playbooks.pinned(trx, row.playbook_hash)
      // The clock follows the state read under the lock: a pending task can only be unacknowledged.
      const clock: EscalationClock = row.status === 'pending' ? 'unacknowledged' : 'overdue'
      // A transition resets the cursor (clock null): the clock starts at the timer it set.
      const fresh = row.escalation_clock !== clock || row.clock_started_at === null
      const startedAt = fresh ? (row.next_escalation_at as Date) : (row.clock_started_at as Date)
      const from = fresh ? 0 : row.escalation_position
      const { fire, next, nextAt } = dueRungs(ladderPositions(playbook, clock), from, startedAt, now)
      const last = fire.at(-1)
      updates.push({
        id: row.id,
        clock,
        startedAt,
        position: next,
        nextAt,
        fired: fire.length,
        lastAt: last ? now : null,
        lastRung: last?.rung ?? null,
        lastNotify: last?.notify ?? null,
      })
      for (const r of fire) {
        const lateBy = now.getTime() - r.dueAt.getTime()
        const contact = resolveContact(r.notify, districts.get(row.district_code), city)
        if (lateBy > ON_TIME_MS) late++
        rungs.push({ clock, lateSeconds: Math.max(0, lateBy) / 1000 })
        const payload: EscalationEventPayloads['task.escalated'] = {
          step: row.step_key,
          clock,
          rung: r.rung,
          repeat: r.repeat,
          notify: r.notify,
          dueAt: r.dueAt.toISOString(),
          late: lateBy > ON_TIME_MS,
          lateBySeconds: Math.floor(lateBy / 1000),
          skippedRepeats: r.skippedRepeats,
          contact,
          ...(contact ? {} : { note: NO_CONTACT }),
        }
        events.push({
          type: 'task.escalated',
          incidentId: row.incident_id,
          taskId: row.id,
          districtCode: row.district_code,
          payload,
        })
      }
    }
    await applyUpdates(trx, updates)
    await appendEvents(trx, systemContext('escalation-sweep'), now, events)
    return { claimed: rows.length, fired: events.length, late, rungs }
  })
}

interface Update {
  id: string
  clock: EscalationClock
  startedAt: Date
  position: number
  nextAt: Date | null
  fired: number
  lastAt: Date | null
  lastRung: number | null
  lastNotify: string | null
}

/** One UPDATE … FROM (VALUES …) for the whole batch. */
async function applyUpdates(trx: Transaction<DB>, updates: Update[]) {
  const iso = (d: Date | null) => d?.toISOString() ?? null
  const values = sql.join(
    updates.map(
      (u) =>
        sql`(${u.id}::uuid, ${u.clock}::text, ${iso(u.startedAt)}::timestamptz, ${u.position}::int, ${iso(u.nextAt)}::timestamptz, ${u.fired}::int, ${iso(u.lastAt)}::timestamptz, ${u.lastRung}::int, ${u.lastNotify}::text)`,
    ),
  )
  await sql`
    update tasks set
      escalation_clock = v.clock,
      clock_started_at = v.started_at,
      escalation_position = v.position,
      next_escalation_at = v.next_at,
      escalation_count = tasks.escalation_count + v.fired,
      last_escalated_at = coalesce(v.last_at, tasks.last_escalated_at),
      last_escalation_rung = coalesce(v.last_rung, tasks.last_escalation_rung),
      last_escalation_notify = coalesce(v.last_notify, tasks.last_escalation_notify)
    from (values ${values}) as v(id, clock, started_at, position, next_at, fired, last_at, last_rung, last_notify)
    where tasks.id = v.id`.execute(trx)
}
