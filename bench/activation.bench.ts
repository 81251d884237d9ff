import type pg from 'pg'
import type { AppDeps } from '../src/deps.js'
import type { Actor } from '../src/domain/context.js'
import { activateIncident } from '../src/incidents/incidents.service.js'
import { stepsAtLevel } from '../src/tasks/task-plan.js'
import { rawActivate, rawActivateUnnest } from './lib/raw-sql.js'
import { type Summary, summarise, timed } from './lib/stats.js'

export const PLAYBOOK = 'sudan-red'
const LEVEL = 1 // I, the most severe: every step applies

export interface ActivationResult {
  steps: number
  stepKeys: string[]
  districts: number
  tasksPerActivation: number
  iterations: number
  http: Summary
  service: Summary
  raw: Summary
  /** Diagnostic: the raw baseline with unnest(array) inserts instead of multi-row VALUES. */
  rawUnnest: Summary
  /** One `SELECT 1` through pg, sequential: what a round trip to PostgreSQL costs on this machine now. */
  roundTrip: Summary
  /** Incidents made through the app (HTTP or service) and through the raw baseline: pending tasks for later. */
  appIncidents: string[]
  rawIncidents: string[]
}

export interface ActivationSetup {
  deps: AppDeps
  /** The in-process server (same event loop as fetch: that is what "in-process" means here). */
  baseUrl: string
  commanderToken: string
  actor: Actor
  pool: pg.Pool
  iterations: number
  warmup: number
  log: (line: string) => void
}

/**
 * Activation of sudan-red at level I over all 20 districts, four ways per iteration, in rotating order so
 * that table growth and caches affect all alike: HTTP, the service verb, the raw-SQL baseline, and a raw-SQL
 * diagnostic with unnest() inserts.
 */
export async function benchActivation(s: ActivationSetup): Promise<ActivationResult> {
  const loaded = s.deps.playbooks.get(PLAYBOOK)
  if (!loaded) throw new Error(`playbook ${PLAYBOOK} is not loaded`)
  const steps = stepsAtLevel(loaded.playbook, LEVEL)
  const districts = (await s.deps.db.selectFrom('districts').select('code').orderBy('code').execute()).map(
    (r) => r.code,
  )

  const appIncidents: string[] = []
  const rawIncidents: string[] = []
  const ctx = { actor: s.actor, requestId: 'bench' }
  let n = 0

  const viaHttp = async () => {
    const res = await fetch(`${s.baseUrl}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.commanderToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ playbook: PLAYBOOK, level: 'I', title: `bench http ${++n}`, districts: 'all' }),
    })
    const body = (await res.json()) as { id?: string; taskCount?: number }
    if (res.status !== 201 || !body.id)
      throw new Error(`activation via HTTP: ${res.status} ${JSON.stringify(body)}`)
    appIncidents.push(body.id)
  }
  const viaService = async () => {
    const { incident } = await activateIncident(s.deps, ctx, {
      playbook: PLAYBOOK,
      level: LEVEL,
      title: `bench service ${++n}`,
      districts: 'all',
    })
    appIncidents.push(incident.id)
  }
  const raw = { playbook: loaded, level: LEVEL, districts, actor: s.actor, timeZone: s.deps.config.TZ }
  const viaRaw = async () => {
    rawIncidents.push(await rawActivate(s.pool, raw, `BENCH-RAW-${++n}`))
  }
  let lastUnnest: string | undefined
  const viaRawUnnest = async () => {
    lastUnnest = await rawActivateUnnest(s.pool, raw, `BENCH-UNNEST-${++n}`)
    rawIncidents.push(lastUnnest)
  }

  const ways = [viaHttp, viaService, viaRaw, viaRawUnnest] as const
  const samples: number[][] = ways.map(() => [])
  for (let i = 0; i < s.warmup; i++) for (const way of ways) await way()
  for (let i = 0; i < s.iterations; i++) {
    for (let k = 0; k < ways.length; k++) {
      const w = (i + k) % ways.length
      const way = ways[w]
      if (!way) continue
      samples[w]?.push((await timed(way)).ms)
    }
    if ((i + 1) % 25 === 0) s.log(`  activation ${i + 1}/${s.iterations}`)
  }

  // Every way must have written the same shape: steps × districts tasks and one event more. The app also
  // issues the playbook's public notice as an alert (its row and an `alert.issued` event) in the same
  // transaction, which the raw ways do not write: the comparison leans, if anything, against the app.
  const check = async (id: string | undefined, label: string, alerts: number) => {
    if (!id) throw new Error(`no ${label} incident to check`)
    const tasks = await s.deps.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_id', '=', id)
      .executeTakeFirstOrThrow()
    const events = await s.deps.db
      .selectFrom('events')
      .select(['type'])
      .where('incident_id', '=', id)
      .execute()
    const issued = events.filter((e) => e.type === 'alert.issued').length
    const want = steps.length * districts.length
    if (Number(tasks.n) !== want || events.length - issued !== want + 1 || issued !== alerts)
      throw new Error(
        `${label} incident ${id}: ${tasks.n} tasks / ${events.length - issued} events / ${issued} alerts, want ${want} / ${want + 1} / ${alerts}`,
      )
  }
  const roundTrips: number[] = []
  for (let i = 0; i < 200; i++) roundTrips.push((await timed(() => s.pool.query('SELECT 1'))).ms)

  await check(appIncidents.at(-1), 'app', 1)
  await check(rawIncidents.at(-1), 'raw', 0)
  await check(lastUnnest, 'raw unnest', 0)

  return {
    steps: steps.length,
    stepKeys: steps.map((st) => st.key),
    districts: districts.length,
    tasksPerActivation: steps.length * districts.length,
    iterations: s.iterations,
    http: summarise(samples[0] ?? []),
    service: summarise(samples[1] ?? []),
    raw: summarise(samples[2] ?? []),
    rawUnnest: summarise(samples[3] ?? []),
    roundTrip: summarise(roundTrips.slice(20)),
    appIncidents,
    rawIncidents,
  }
}
