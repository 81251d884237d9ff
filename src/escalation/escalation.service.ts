import { sql } from 'kysely'
import { cityContacts, districtContacts, resolveContact } from '../contacts/contacts.repo.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { type EscalationClock, OPEN_TASK_STATUSES } from '../domain/enums.js'
import { cteEventColumns, eventConstants } from '../events/events.repo.js'
import type { EscalationEventPayloads } from './escalation.events.js'
import { dueRungs, type LadderPosition, ladderPositions } from './escalation-ladder.js'

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
 * Fires every escalation rung that has fallen due, in batches. Each batch is one transaction of three
 * statements, whatever its size: claim the due task rows of active incidents with FOR UPDATE SKIP LOCKED
 * (another instance takes other rows, never the same; a closed incident's task is never claimed, the sweep's
 * re-check of the root), read the contacts, then one statement that moves every claimed task's timer to its
 * next rung (UPDATE … FROM the batch as one JSON parameter, RETURNING) and appends one `task.escalated` event
 * per rung fired for the rows it updated (INSERT … SELECT). The state was read under the lock, so an
 * acknowledgement that committed first turns the unacknowledged clock off; a transition that races the sweep
 * waits on the row lock and then overwrites the timer with its own. Closing an incident cancels its open
 * tasks under the incident's lock; the status check covers a task left open in a closed incident all the same.
 */
export async function sweepEscalations(deps: Deps, opts: { batch?: number } = {}): Promise<SweepResult> {
  const batch = opts.batch ?? BATCH
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

/** Tasks per transaction: large enough that the fixed cost of a batch is small, short enough to hold locks. */
const BATCH = 1000

interface Fired {
  clock: EscalationClock
  lateSeconds: number
}

/** A claimed task's new timer, as the write statement reads it (JSON: dates as ISO text). */
interface TimerUpdate {
  id: string
  clock: EscalationClock
  started_at: string
  position: number
  next_at: string | null
  fired: number
  last_at: string | null
  last_rung: number | null
  last_notify: string | null
}

/** One event to append, joined to its task's updated row. */
interface FiredEvent {
  n: number
  task_id: string
  payload: EscalationEventPayloads['task.escalated']
}

async function sweepBatch(deps: Deps, batch: number): Promise<SweepResult & { rungs: Fired[] }> {
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const rows = await trx
      .selectFrom('tasks')
      .innerJoin('incidents', 'incidents.id', 'tasks.incident_id')
      .select([
        'tasks.id',
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
      .where('incidents.status', '=', 'active')
      .orderBy('tasks.next_escalation_at')
      .limit(batch)
      .forUpdate('tasks')
      .skipLocked()
      .execute()
    if (rows.length === 0) return { claimed: 0, fired: 0, late: 0, rungs: [] }

    const districts = await districtContacts(trx, [...new Set(rows.map((r) => r.district_code))])
    const city = await cityContacts(trx)
    const ladders = new Map<string, LadderPosition[]>()
    const ladder = async (hash: string, clock: EscalationClock) => {
      const key = `${hash}:${clock}`
      let positions = ladders.get(key)
      if (!positions) {
        positions = ladderPositions(await deps.playbooks.pinned(trx, hash), clock)
        ladders.set(key, positions)
      }
      return positions
    }
    const iso = (d: Date | null) => d?.toISOString() ?? null
    const updates: TimerUpdate[] = []
    const events: FiredEvent[] = []
    const rungs: Fired[] = []
    let late = 0
    for (const row of rows) {
      // The clock follows the state read under the lock: a pending task can only be unacknowledged.
      const clock: EscalationClock = row.status === 'pending' ? 'unacknowledged' : 'overdue'
      // A transition resets the cursor (clock null): the clock starts at the timer it set.
      const fresh = row.escalation_clock !== clock || row.clock_started_at === null
      const startedAt = fresh ? (row.next_escalation_at as Date) : (row.clock_started_at as Date)
      const from = fresh ? 0 : row.escalation_position
      const { fire, next, nextAt } = dueRungs(await ladder(row.playbook_hash, clock), from, startedAt, now)
      const last = fire.at(-1)
      updates.push({
        id: row.id,
        clock,
        started_at: startedAt.toISOString(),
        position: next,
        next_at: iso(nextAt),
        fired: fire.length,
        last_at: last ? now.toISOString() : null,
        last_rung: last?.rung ?? null,
        last_notify: last?.notify ?? null,
      })
      for (const r of fire) {
        const lateBy = now.getTime() - r.dueAt.getTime()
        const contact = resolveContact(r.notify, districts.get(row.district_code), city)
        if (lateBy > ON_TIME_MS) late++
        rungs.push({ clock, lateSeconds: Math.max(0, lateBy) / 1000 })
        events.push({
          n: events.length,
          task_id: row.id,
          payload: {
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
          },
        })
      }
    }
    const written = await writeBatch(trx, now, updates, events)
    if (written !== events.length)
      throw new Error(`escalation sweep: ${written} events written for ${events.length} rungs fired`)
    return { claimed: rows.length, fired: events.length, late, rungs }
  })
}

/**
 * One statement for the whole batch: the timers as one JSON parameter (`jsonb_to_recordset`), UPDATE … FROM
 * them RETURNING the rows, and the events INSERT … SELECT from those rows joined to the rungs fired (another
 * JSON parameter), in the order they fired. Returns the number of events written.
 */
async function writeBatch(
  trx: Transaction<DB>,
  now: Date,
  updates: TimerUpdate[],
  events: FiredEvent[],
): Promise<number> {
  const timers = sql<TimerUpdate>`(select * from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as x(
    id uuid, clock text, started_at timestamptz, position int, next_at timestamptz, fired int,
    last_at timestamptz, last_rung int, last_notify text))`.as('v')
  const fired = sql<{
    n: number
    task_id: string
    payload: unknown
  }>`(select * from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(
    n int, task_id uuid, payload jsonb))`.as('f')
  const q = trx
    .with('moved', (db) =>
      db
        .updateTable('tasks')
        .from(timers)
        .set((eb) => ({
          escalation_clock: sql`v.clock`,
          clock_started_at: eb.ref('v.started_at'),
          escalation_position: eb.ref('v.position'),
          next_escalation_at: eb.ref('v.next_at'),
          escalation_count: sql`tasks.escalation_count + v.fired`,
          last_escalated_at: sql`coalesce(v.last_at, tasks.last_escalated_at)`,
          last_escalation_rung: sql`coalesce(v.last_rung, tasks.last_escalation_rung)`,
          last_escalation_notify: sql`coalesce(v.last_notify, tasks.last_escalation_notify)`,
        }))
        .whereRef('tasks.id', '=', 'v.id')
        .returning(['tasks.id', 'tasks.incident_id', 'tasks.district_code']),
    )
    .insertInto('events')
    .columns(cteEventColumns)
    .expression((eb) =>
      eb
        .selectFrom(fired)
        .innerJoin('moved', 'moved.id', 'f.task_id')
        .select([
          ...eventConstants(systemContext('escalation-sweep'), now, 'task.escalated'),
          'moved.incident_id',
          'moved.id',
          'moved.district_code',
          sql<string>`f.payload`.as('payload'),
        ])
        .orderBy('f.n'),
    )
  const result = await q.executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0)
}
