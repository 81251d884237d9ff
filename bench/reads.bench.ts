import type pg from 'pg'
import type { ChildServer } from './lib/child-server.js'
import { type CpuPerOp, type CpuSplit, perOp, startCpu } from './lib/cpu.js'
import { runLoad, statusLine } from './lib/load.js'
import { type Summary, summarise } from './lib/stats.js'

const CONNECTIONS = 50
const ROUNDS = 2

export interface ReadFigure {
  label: string
  perSecond: number
  latency: Summary
  statuses: string
  cpu: CpuPerOp
}

export interface ReadResult {
  bare: ReadFigure
  districts: ReadFigure
  /** Diagnostic: the app's liveness route (no /api/v1 middleware). */
  health: ReadFigure
}

export interface ReadSetup {
  bare: ChildServer
  app: ChildServer
  pool: pg.Pool
  database: string
  durationS: number
}

interface Target {
  label: string
  server: ChildServer
  path: string
  ok: number
  elapsedMs: number
  latencies: number[]
  statuses: Map<number, number>
  cpu: CpuSplit
}

const target = (label: string, server: ChildServer, path: string): Target => ({
  label,
  server,
  path,
  ok: 0,
  elapsedMs: 0,
  latencies: [],
  statuses: new Map(),
  cpu: { benchMs: 0, serverMs: 0, postgresMs: 0 },
})

const add = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a + b

/**
 * Public read throughput of the app against a bare Hono JSON route served the same way. The routes take turns
 * in ROUNDS rounds, so a change in what else the machine is doing falls on all of them alike.
 */
export async function benchReads(s: ReadSetup): Promise<ReadResult> {
  const targets = [
    target('bare Hono `GET /x`', s.bare, '/x'),
    target('`GET /api/v1/districts`', s.app, '/api/v1/districts'),
    target('diagnostic: app `GET /health` (no /api/v1 middleware)', s.app, '/health'),
  ] as const
  for (const t of targets)
    await runLoad({ url: `${t.server.url}${t.path}`, connections: CONNECTIONS, durationS: 1 })
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const meter = await startCpu(s.pool, s.database, t.server.pid)
      const r = await runLoad({
        url: `${t.server.url}${t.path}`,
        connections: CONNECTIONS,
        durationS: s.durationS / ROUNDS,
      })
      const cpu = await meter.result()
      if (r.ok === 0 || r.ok !== r.responses) throw new Error(`${t.label}: ${statusLine(r.statuses)}`)
      t.ok += r.ok
      t.elapsedMs += r.elapsedMs
      // Not push(...): a fast run collects more samples than a call can take as arguments.
      for (const ms of r.latencies) t.latencies.push(ms)
      for (const [status, n] of r.statuses) t.statuses.set(status, (t.statuses.get(status) ?? 0) + n)
      t.cpu = {
        benchMs: t.cpu.benchMs + cpu.benchMs,
        serverMs: add(t.cpu.serverMs, cpu.serverMs),
        postgresMs: add(t.cpu.postgresMs, cpu.postgresMs),
      }
    }
  }
  const figure = (t: Target): ReadFigure => ({
    label: t.label,
    perSecond: (t.ok / t.elapsedMs) * 1000,
    latency: summarise(t.latencies),
    statuses: statusLine(t.statuses),
    cpu: perOp(t.cpu, t.ok),
  })
  const [bare, districts, health] = targets.map(figure)
  if (!bare || !districts || !health) throw new Error('unreachable')
  return { bare, districts, health }
}
