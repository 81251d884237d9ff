import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { ManualClock } from '../src/clock.js'
import { inTransaction } from '../src/db/transaction.js'
import type { AppDeps } from '../src/deps.js'
import type { Actor } from '../src/domain/context.js'
import { SWEEP_BATCH, sweepEscalations } from '../src/escalation/escalation.service.js'
import { activateIncident } from '../src/incidents/incidents.service.js'
import { type NewTask, writeTasks } from '../src/tasks/tasks.repo.js'
import { ratio } from './lib/stats.js'

/**
 * A sweep of N due tasks (each fires its first unacknowledged rung: one UPDATE of the task's timer and one
 * `task.escalated` event) against the floor for the same work: a raw `UPDATE tasks … WHERE id = ANY($1)`
 * plus `INSERT INTO events … SELECT FROM tasks WHERE id = ANY($1)` in one transaction, on another N rows of
 * the same shape, in the same run. Rounds alternate which goes first.
 */
export const ESCALATION_GOAL = 2

export interface EscalationResult {
  tasks: number
  rounds: number
  sweepMs: number[]
  rawMs: number[]
  sweepMedianMs: number
  rawMedianMs: number
  events: number
  expectedEvents: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

export async function benchEscalation(opts: {
  deps: AppDeps
  actor: Actor
  pool: pg.Pool
  tasks?: number
  rounds?: number
  log: (s: string) => void
}): Promise<EscalationResult> {
  const n = opts.tasks ?? 10_000
  const rounds = opts.rounds ?? 7
  // A clock of its own, far from other benches' rows, so only this bench's tasks are due when it sweeps.
  const clock = new ManualClock(new Date('2031-01-01T00:00:00Z'))
  const deps: AppDeps = { ...opts.deps, clock }
  const { incident } = await activateIncident(
    deps,
    { actor: opts.actor, requestId: 'bench' },
    { playbook: 'sudan-red', level: 1, title: 'escalation bench', districts: 'all', exercise: true },
  )
  // The other benches leave thousands of pending tasks behind; only this bench's rows may be due here.
  await opts.pool.query('update tasks set next_escalation_at = null')
  const districts = opts.deps.districts.codes()
  let occurrence = 1000
  const makeDue = async (dueAt: Date) => {
    const rows: NewTask[] = []
    while (rows.length < n) {
      occurrence++
      for (const d of districts) {
        if (rows.length >= n) break
        rows.push({
          id: randomUUID(),
          incident_id: incident.id,
          district_code: d,
          step_key: 'sweep-outlets',
          occurrence,
          level: 1,
          status: 'pending',
          ack_due_at: dueAt,
          due_at: new Date(dueAt.getTime() + 86_400_000),
          next_escalation_at: dueAt,
          created_at: dueAt,
          updated_at: dueAt,
        })
      }
    }
    for (let i = 0; i < rows.length; i += 2000)
      await inTransaction(opts.deps.db, (trx) => writeTasks(trx, rows.slice(i, i + 2000)))
    return rows.map((r) => r.id)
  }

  const sweepMs: number[] = []
  const rawMs: number[] = []
  let events = 0
  for (let round = 0; round < rounds; round++) {
    clock.advance(86_400_000)
    const dueAt = clock.now()
    const sweepIds = await makeDue(dueAt)
    const rawIds = await makeDue(new Date(dueAt.getTime() + 1)) // not yet due for the sweep
    await opts.pool.query('VACUUM ANALYZE tasks')
    const sweep = async () => {
      const t0 = performance.now()
      const r = await sweepEscalations(deps)
      sweepMs.push(performance.now() - t0)
      events += r.fired
    }
    const raw = async () => {
      const client = await opts.pool.connect()
      try {
        const t0 = performance.now()
        await client.query('BEGIN')
        await client.query(
          `update tasks set next_escalation_at = next_escalation_at + interval '30 minutes',
             escalation_count = escalation_count + 1, escalation_position = 1
           where id = any($1::uuid[])`,
          [rawIds],
        )
        await client.query(
          `insert into events (type, incident_id, task_id, district_code, actor_role, request_id, payload, created_at)
           select 'task.escalated', incident_id, id, district_code, 'system', 'bench',
             jsonb_build_object('clock', 'unacknowledged', 'rung', 1, 'repeat', 0, 'notify', 'district_duty_officer'), now()
           from tasks where id = any($1::uuid[])`,
          [rawIds],
        )
        await client.query('COMMIT')
        rawMs.push(performance.now() - t0)
      } finally {
        client.release()
      }
    }
    if (round % 2 === 0) {
      await sweep()
      await raw()
    } else {
      await raw()
      await sweep()
    }
    // Nothing of this round stays due for the next one.
    await opts.pool.query(
      'update tasks set next_escalation_at = null where id = any($1::uuid[]) or id = any($2::uuid[])',
      [sweepIds, rawIds],
    )
    opts.log(
      `  round ${round + 1}: sweep ${sweepMs.at(-1)?.toFixed(0)} ms, raw ${rawMs.at(-1)?.toFixed(0)} ms`,
    )
  }
  return {
    tasks: n,
    rounds,
    sweepMs,
    rawMs,
    sweepMedianMs: median(sweepMs),
    rawMedianMs: median(rawMs),
    events,
    expectedEvents: n * rounds,
  }
}

export function escalationSection(r: EscalationResult, alone?: string): string {
  const fmt = (x: number) => x.toFixed(0)
  return [
    '<!-- escalation:start -->',
    '## 4. Escalation sweep (PostgreSQL)',
    '',
    ...(alone ? [alone, ''] : []),
    `${r.tasks.toLocaleString('en')} pending tasks of sudan-red fall due at once; each fires its first unacknowledged rung ` +
      '(one timer UPDATE and one `task.escalated` event naming the rung’s target, the district and whether it is an exercise). The sweep claims them in batches of ' +
      `${SWEEP_BATCH.toLocaleString('en')} with \`FOR UPDATE SKIP LOCKED\`, one transaction and one statement per batch (claim, the ladder as a table ` +
      `in one JSON parameter, UPDATE … RETURNING, INSERT … SELECT of the events). ${r.rounds} rounds, alternating which way goes first.`,
    '',
    '| way | median ms | rounds ms | tasks per second | median ÷ baseline |',
    '| --- | --- | --- | --- | --- |',
    `| baseline: raw \`UPDATE tasks … WHERE id = ANY($1)\` + \`INSERT INTO events … SELECT\`, one transaction | ${fmt(r.rawMedianMs)} | ${r.rawMs.map(fmt).join(', ')} | ${fmt((r.tasks / r.rawMedianMs) * 1000)} | 1.00× |`,
    `| \`sweepEscalations\` | ${fmt(r.sweepMedianMs)} | ${r.sweepMs.map(fmt).join(', ')} | ${fmt((r.tasks / r.sweepMedianMs) * 1000)} | ${ratio(r.sweepMedianMs / r.rawMedianMs)} |`,
    '',
    `Events written by the sweep: ${r.events.toLocaleString('en')} of ${r.expectedEvents.toLocaleString('en')} expected — ` +
      `${r.events === r.expectedEvents ? '**exactly once**' : '**MISMATCH**'}. ` +
      'The baseline takes one lock pass and two statements in one transaction; the sweep also claims (FOR UPDATE SKIP ' +
      'LOCKED joined to incidents, active ones only), works out each task’s ladder position, builds the full payload (the ' +
      `incident’s exercise flag included), and commits ${Math.ceil(r.tasks / SWEEP_BATCH)} times instead of once. ` +
      `Goal (issue 16): ≤ ${ESCALATION_GOAL}× the baseline, every rung exactly once — ` +
      `${r.sweepMedianMs / r.rawMedianMs <= ESCALATION_GOAL && r.events === r.expectedEvents ? '**met**' : '**not met**'} ` +
      `(rounds ${r.sweepMs.map((m, i) => ratio(m / (r.rawMs[i] ?? Number.NaN))).join(', ')}).`,
    '<!-- escalation:end -->',
  ].join('\n')
}
