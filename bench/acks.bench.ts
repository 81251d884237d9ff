import type pg from 'pg'
import type { AppDeps } from '../src/deps.js'
import type { Actor } from '../src/domain/context.js'
import { activateIncident } from '../src/incidents/incidents.service.js'
import { hashTokenSecret } from '../src/tokens/token-secret.js'
import { PLAYBOOK } from './activation.bench.js'
import { type CpuPerOp, perOp, startCpu } from './lib/cpu.js'
import { runLoad, statusLine } from './lib/load.js'
import { type RawRun, rawAckRun } from './lib/raw-ack-run.js'
import { rawAck, rawAckOneStatement, rawActivate } from './lib/raw-sql.js'
import { type Summary, shuffle, summarise } from './lib/stats.js'

export const MIN_PENDING = 20_000
const CONNECTIONS = 50
const WARMUP_S = 2
const DRAIN_S = 3

export interface RawFigure {
  tx: number
  perSecond: number
  elapsedMs: number
  latency: Summary
  exhausted: boolean
  cpu: CpuPerOp
}

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
    ranDry: boolean
    cpu: CpuPerOp
  }
  verify: {
    responses200: number
    acknowledgedTasks: number
    ackEvents: number
    okIdsNotAcknowledged: number
    passed: boolean
  }
  raw: RawFigure
  rawWithToken: RawFigure
  rawOneStatement: RawFigure
}

export interface AckSetup {
  deps: AppDeps
  database: string
  server: { url: string; pid: number }
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
  return rows.map((r) => r.id)
}

async function countAcks(pool: pg.Pool) {
  const r = await pool.query<{ tasks: number; events: number }>(
    `SELECT (SELECT count(*) FROM tasks WHERE status = 'acknowledged')::int AS tasks,
            (SELECT count(*) FROM events WHERE type = 'task.acknowledged')::int AS events`,
  )
  return r.rows[0] ?? { tasks: -1, events: -1 }
}

/** Pending tasks made by the app (HTTP or service) for the app's run; tops up through the service verb. */
async function appQueueOf(s: AckSetup): Promise<string[]> {
  const queue = await pendingTasksOf(s.deps, s.appIncidents)
  while (queue.length < MIN_PENDING) {
    const { incident } = await activateIncident(
      s.deps,
      { actor: s.actor, requestId: 'bench' },
      { playbook: PLAYBOOK, level: 1, title: 'bench top-up', districts: 'all' },
    )
    s.appIncidents.push(incident.id)
    queue.push(...(await pendingTasksOf(s.deps, [incident.id])))
  }
  return shuffle(queue)
}

/** Pending tasks for the raw baselines: the raw activations', topped up the raw way. */
async function rawQueueOf(s: AckSetup, needed: number): Promise<string[]> {
  const queue = await pendingTasksOf(s.deps, s.rawIncidents)
  const loaded = s.deps.playbooks.get(PLAYBOOK)
  if (!loaded) throw new Error(`playbook ${PLAYBOOK} is not loaded`)
  const districts = (await s.deps.db.selectFrom('districts').select('code').orderBy('code').execute()).map(
    (r) => r.code,
  )
  for (let k = 1; queue.length < needed; k++) {
    const activation = { playbook: loaded, level: 1, districts, actor: s.actor, timeZone: s.deps.config.TZ }
    const id = await rawActivate(s.pool, activation, `BENCH-TOPUP-${k}`)
    s.rawIncidents.push(id)
    queue.push(...(await pendingTasksOf(s.deps, [id])))
  }
  return shuffle(queue)
}

async function rawFigure(
  s: AckSetup,
  queue: string[],
  ms: number,
  ack: (taskId: string) => Promise<boolean>,
): Promise<RawFigure> {
  const meter = await startCpu(s.pool, s.database)
  const run: RawRun = await rawAckRun(queue, CONNECTIONS, ms, ack)
  const cpu = perOp(await meter.result(), run.ok)
  return {
    tx: run.ok,
    perSecond: run.perSecond,
    elapsedMs: run.elapsedMs,
    latency: summarise(run.latencies),
    exhausted: run.exhausted,
    cpu,
  }
}

/**
 * Acknowledgements under 50 concurrent clients against the app in its own process, each request acking a
 * different pending task; then the same work as raw transactions over a pg.Pool of 50 for the same time.
 */
export async function benchAcks(s: AckSetup): Promise<AckResult> {
  const appQueue = await appQueueOf(s)
  const pendingAtStart = appQueue.length
  const before = await countAcks(s.pool)
  if (before.tasks !== 0 || before.events !== 0) throw new Error('acknowledged tasks exist before the run')

  const okIds: string[] = []
  let ranDry = false
  // Acks until the deadline, then cheap filler (GET /health, not counted) until autocannon stops DRAIN_S later:
  // every ack sent has its answer before any connection is closed, so the books balance exactly.
  const load = (seconds: number, atDeadline?: () => void) => {
    const deadline = performance.now() + seconds * 1000
    return runLoad({
      url: s.server.url,
      connections: CONNECTIONS,
      durationS: seconds + DRAIN_S,
      method: 'POST',
      headers: { authorization: `Bearer ${s.commanderToken}` },
      next: () => {
        const id = performance.now() < deadline ? appQueue.pop() : undefined
        if (id) return { path: `/api/v1/tasks/${id}/ack`, key: id }
        if (performance.now() < deadline) ranDry = true
        atDeadline?.()
        return { method: 'GET', path: '/health', key: '' }
      },
      onResponse: (status, id) => {
        if (status === 200) okIds.push(id)
      },
    })
  }

  const warm = await load(WARMUP_S)
  s.log(`  warm-up ${Math.round(warm.perSecond)} acks/s`)
  // CPU up to the deadline: the filler after it is not the app's cost of an ack.
  const meter = await startCpu(s.pool, s.database, s.server.pid)
  const main = await load(s.durationS, meter.mark)
  const cpu = perOp(await meter.result(), main.ok)
  if (ranDry) s.log('  ran out of pending tasks before the time was up')

  const after = await countAcks(s.pool)
  const okCheck = await s.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'acknowledged'`,
    [okIds],
  )
  const okAcknowledged = okCheck.rows[0]?.n ?? -1
  const verify = {
    responses200: okIds.length,
    acknowledgedTasks: after.tasks,
    ackEvents: after.events,
    okIdsNotAcknowledged: okIds.length - okAcknowledged,
    passed:
      warm.ok + main.ok === okIds.length &&
      after.tasks === okIds.length &&
      after.events === okIds.length &&
      okAcknowledged === okIds.length,
  }
  s.log(`  app ${Math.round(main.perSecond)} acks/s; none lost: ${verify.passed ? 'passed' : 'FAILED'}`)

  // Baselines on other pending tasks, same concurrency, the first for as long as the measured app run took.
  const rawQueue = await rawQueueOf(s, Math.round(3_000 * (main.elapsedMs / 1000 + 2 * s.diagnosticS)))
  const raw = await rawFigure(s, rawQueue, main.elapsedMs, (id) => rawAck(s.pool, s.actor, id))
  const afterRaw = await countAcks(s.pool)
  if (afterRaw.tasks - after.tasks !== raw.tx || afterRaw.events - after.events !== raw.tx)
    throw new Error('raw baseline: acknowledged tasks or events do not match its commits')
  s.log(`  raw ${Math.round(raw.perSecond)} tx/s`)
  const tokenHash = hashTokenSecret(s.commanderToken)
  const rawWithToken = await rawFigure(s, rawQueue, s.diagnosticS * 1000, (id) =>
    rawAck(s.pool, s.actor, id, tokenHash),
  )
  const rawOneStatement = await rawFigure(s, rawQueue, s.diagnosticS * 1000, (id) =>
    rawAckOneStatement(s.pool, s.actor, id),
  )

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
      ranDry,
      cpu,
    },
    verify,
    raw,
    rawWithToken,
    rawOneStatement,
  }
}
