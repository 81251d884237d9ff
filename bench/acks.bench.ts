import { sql } from 'kysely'
import type pg from 'pg'
import type { AppDeps } from '../src/deps.js'
import type { Actor } from '../src/http/app-env.js'
import { activateIncident } from '../src/incidents/incidents.service.js'
import { hashTokenSecret } from '../src/tokens/token-secret.js'
import { PLAYBOOK } from './activation.bench.js'
import { runLoad, statusLine } from './lib/load.js'
import { rawAckRun } from './lib/raw-ack-run.js'
import { rawActivate } from './lib/raw-sql.js'
import { type Summary, shuffle, summarise } from './lib/stats.js'

export const MIN_PENDING = 20_000
const CONNECTIONS = 50
const WARMUP_ACKS = 2_000

export interface AckResult {
  pendingAtStart: number
  app: {
    acks: number
    perSecond: number
    elapsedMs: number
    latency: Summary
    statuses: string
    errors: number
    warmupAcks: number
  }
  verify: {
    responses200: number
    acknowledgedTasks: number
    ackEvents: number
    okIdsNotAcknowledged: number
    passed: boolean
  }
  raw: { tx: number; perSecond: number; elapsedMs: number; latency: Summary; exhausted: boolean }
  rawWithToken: { tx: number; perSecond: number; elapsedMs: number; latency: Summary; exhausted: boolean }
}

export interface AckSetup {
  deps: AppDeps
  serverUrl: string
  commanderToken: string
  actor: Actor
  pool: pg.Pool
  appIncidents: string[]
  rawIncidents: string[]
  durationS: number
  diagnosticS: number
  log: (line: string) => void
}

async function pendingTasksOf(deps: AppDeps, incidents: string[]): Promise<string[]> {
  if (incidents.length === 0) return []
  const rows = await deps.db
    .selectFrom('tasks')
    .select('id')
    .where('incident_id', 'in', incidents)
    .where('status', '=', 'pending')
    .execute()
  return shuffle(rows.map((r) => r.id))
}

async function countAcks(pool: pg.Pool) {
  const r = await pool.query<{ tasks: number; events: number }>(
    `SELECT (SELECT count(*) FROM tasks WHERE status = 'acknowledged')::int AS tasks,
            (SELECT count(*) FROM events WHERE type = 'task.acknowledged')::int AS events`,
  )
  return r.rows[0] ?? { tasks: -1, events: -1 }
}

/**
 * Acknowledgements under 50 concurrent clients against the app in its own process, each request acking a
 * different pending task; then the same work as raw transactions over a pg.Pool of 50 for the same time.
 */
export async function benchAcks(s: AckSetup): Promise<AckResult> {
  const ctx = { actor: s.actor, requestId: 'bench' }
  // Enough pending tasks made by the app itself for the app's run.
  let appQueue = await pendingTasksOf(s.deps, s.appIncidents)
  while (appQueue.length < MIN_PENDING + WARMUP_ACKS) {
    const { incident } = await activateIncident(s.deps, ctx, {
      playbook: PLAYBOOK,
      level: 1,
      title: 'bench top-up',
      districts: 'all',
    })
    s.appIncidents.push(incident.id)
    appQueue = await pendingTasksOf(s.deps, [incident.id]).then((ids) => appQueue.concat(ids))
  }
  const pendingAtStart = appQueue.length
  const before = await countAcks(s.pool)
  if (before.tasks !== 0 || before.events !== 0) throw new Error('acknowledged tasks exist before the run')

  const okIds: string[] = []
  const headers = { authorization: `Bearer ${s.commanderToken}` }
  const load = (amount: number) =>
    runLoad({
      url: s.serverUrl,
      connections: CONNECTIONS,
      amount,
      method: 'POST',
      headers,
      next: () => {
        const id = appQueue.pop()
        if (!id) throw new Error('ran out of pending tasks')
        return { path: `/api/v1/tasks/${id}/ack`, key: id }
      },
      onResponse: (status, id) => {
        if (status === 200) okIds.push(id)
      },
    })

  const warm = await load(WARMUP_ACKS)
  // Size the measured run from the warm-up rate so it lasts about durationS, within the tasks we have.
  const wanted = Math.round(warm.perSecond * s.durationS * 1.15)
  const amount = Math.max(CONNECTIONS, Math.min(wanted, appQueue.length))
  if (amount < wanted) s.log(`  only ${appQueue.length} pending tasks left for ~${wanted} acks`)
  s.log(`  warm-up ${Math.round(warm.perSecond)} acks/s; measuring ${amount} acks`)
  const main = await load(amount)

  const after = await countAcks(s.pool)
  const okCheck = await s.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'acknowledged'`,
    [okIds],
  )
  const responses200 = okIds.length
  const verify = {
    responses200,
    acknowledgedTasks: after.tasks,
    ackEvents: after.events,
    okIdsNotAcknowledged: responses200 - (okCheck.rows[0]?.n ?? 0),
    passed:
      after.tasks === responses200 &&
      after.events === responses200 &&
      okCheck.rows[0]?.n === responses200 &&
      warm.ok + main.ok === responses200,
  }
  s.log(`  app ${Math.round(main.perSecond)} acks/s; verify ${verify.passed ? 'passed' : 'FAILED'}`)

  // Baseline on other pending tasks, same concurrency, same length of time as the measured app run.
  let rawQueue = await pendingTasksOf(s.deps, s.rawIncidents)
  const rawNeeded = Math.round(main.perSecond * 6 * (s.durationS + s.diagnosticS)) + 10_000
  let k = 0
  while (rawQueue.length < rawNeeded) {
    const loaded = s.deps.playbooks.get(PLAYBOOK)
    if (!loaded) throw new Error(`playbook ${PLAYBOOK} is not loaded`)
    const districts = await sql<{ code: string }>`select code from districts order by code`.execute(s.deps.db)
    const id = await rawActivate(
      s.pool,
      {
        playbook: loaded,
        level: 1,
        districts: districts.rows.map((r) => r.code),
        actor: s.actor,
        timeZone: s.deps.config.TZ,
      },
      `BENCH-TOPUP-${++k}`,
    )
    s.rawIncidents.push(id)
    rawQueue = rawQueue.concat(await pendingTasksOf(s.deps, [id]))
  }
  const raw = await rawAckRun(s.pool, s.actor, rawQueue, CONNECTIONS, main.elapsedMs)
  const afterRaw = await countAcks(s.pool)
  if (afterRaw.tasks - after.tasks !== raw.ok || afterRaw.events - after.events !== raw.ok)
    throw new Error('raw baseline: acknowledged tasks or events do not match its commits')
  s.log(`  raw ${Math.round(raw.perSecond)} tx/s`)
  const rawWithToken = await rawAckRun(s.pool, s.actor, rawQueue, CONNECTIONS, s.diagnosticS * 1000, {
    tokenHash: hashTokenSecret(s.commanderToken),
  })

  return {
    pendingAtStart,
    app: {
      acks: main.ok,
      perSecond: main.perSecond,
      elapsedMs: main.elapsedMs,
      latency: summarise(main.latencies),
      statuses: statusLine(main.statuses),
      errors: main.errors,
      warmupAcks: warm.ok,
    },
    verify,
    raw: { ...raw, latency: summarise(raw.latencies), tx: raw.ok },
    rawWithToken: { ...rawWithToken, latency: summarise(rawWithToken.latencies), tx: rawWithToken.ok },
  }
}
