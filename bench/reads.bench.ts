import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import { resolve } from 'node:path'
import type pg from 'pg'
import { type ChildServer, startChildServer } from './lib/child-server.js'
import { type CpuPerOp, perOp, startCpu } from './lib/cpu.js'
import { runLoad, statusLine } from './lib/load.js'
import { type Summary, summarise } from './lib/stats.js'

const CONNECTIONS = 50

export interface ReadSide {
  label: string
  perSecond: number
  latency: Summary
  statuses: string
  cpu: CpuPerOp
}

/** Set per response by the server or the connection, not by the route. */
const UNCOPIED = new Set(['date', 'connection', 'keep-alive', 'content-length', 'x-request-id'])

/** One app route against its bare baseline, measured in alternating turns. */
export interface ReadPair {
  app: ReadSide
  bare: ReadSide
  /** app ÷ bare throughput of each round, in round order. */
  roundRatios: number[]
  /** The median of `roundRatios`: the headline (a round's two turns saw the most similar machine). */
  ratio: number
  /** Whether the quality bar applies (the diagnostics are shown for what they explain). */
  judged: boolean
}

export interface ReadResult {
  rounds: number
  secondsPerTurn: number
  alerts: number
  pairs: ReadPair[]
  rss: { idleMb: number; loadMaxMb: number; bareMaxMb: number }
}

export interface ReadSetup {
  app: ChildServer
  pool: pg.Pool
  database: string
  rounds: number
  secondsPerTurn: number
  alerts: number
  log: (line: string) => void
}

export const rssMb = (pid: number) => {
  try {
    return (
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024
    )
  } catch {
    return Number.NaN
  }
}

interface Side {
  label: string
  server: ChildServer
  path: string
  ok: number
  elapsedMs: number
  latencies: number[]
  statuses: Map<number, number>
  cpuMs: { bench: number; server: number | undefined; postgres: number | undefined }
}

const side = (label: string, server: ChildServer, path: string): Side => ({
  label,
  server,
  path,
  ok: 0,
  elapsedMs: 0,
  latencies: [],
  statuses: new Map(),
  cpuMs: { bench: 0, server: 0, postgres: 0 },
})
const add = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a + b
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b)
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[(s.length - 1) / 2] ?? 0)
      : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2
}

async function turn(s: Side, setup: ReadSetup): Promise<number> {
  const meter = await startCpu(setup.pool, setup.database, s.server.pid)
  const r = await runLoad({
    url: `${s.server.url}${s.path}`,
    connections: CONNECTIONS,
    durationS: setup.secondsPerTurn,
  })
  const cpu = await meter.result()
  if (r.ok === 0 || r.ok !== r.responses) throw new Error(`${s.label}: ${statusLine(r.statuses)}`)
  s.ok += r.ok
  s.elapsedMs += r.elapsedMs
  // Not push(...): a fast run collects more samples than a call can take as arguments.
  for (const ms of r.latencies) s.latencies.push(ms)
  for (const [status, n] of r.statuses) s.statuses.set(status, (s.statuses.get(status) ?? 0) + n)
  s.cpuMs = {
    bench: s.cpuMs.bench + cpu.benchMs,
    server: add(s.cpuMs.server, cpu.serverMs),
    postgres: add(s.cpuMs.postgres, cpu.postgresMs),
  }
  return r.perSecond
}

/**
 * Public reads against bare Hono routes served the same way (`@hono/node-server`, own process, same
 * autocannon settings). Each read is judged against a bare route sending the same response: the same bytes
 * and the same headers (the security headers, ETag, Cache-Control the issue asks for; a fresh request id each
 * time). A reference pair sends one alert's body with only a Content-Type, to show what the headers cost; a
 * diagnostic pair sets `/health` against the smallest JSON route; search is measured, not judged. Every round
 * takes each pair in turn, app and baseline back to back in alternating order, so a change in what else the
 * machine does falls on both sides of a pair alike; the headline is the median of the per-round ratios.
 */
export async function benchReads(setup: ReadSetup): Promise<ReadResult> {
  const { app } = setup
  const read = async (path: string) => {
    const res = await fetch(`${app.url}${path}`)
    if (!res.ok) throw new Error(`${path}: ${res.status}`)
    const headers = Object.fromEntries([...res.headers].filter(([k]) => !UNCOPIED.has(k)))
    return { path, body: await res.text(), headers }
  }
  const list = await read('/api/v1/public/alerts')
  const id = (JSON.parse(list.body) as { items: { id: string }[] }).items[0]?.id
  if (!id) throw new Error('no public alert to read')
  const detail = await read(`/api/v1/public/alerts/${id}`)
  const districts = await read('/api/v1/districts')
  const search = await read(`/api/v1/public/search?q=${encodeURIComponent('辣椒')}`)
  const bodyOnly = `/body-only/api/v1/public/alerts/${id}`
  const bytesFile = resolve(os.tmpdir(), `reads-bench-${process.pid}.json`)
  await writeFile(
    bytesFile,
    JSON.stringify({
      ...Object.fromEntries([list, detail, districts, search].map((r) => [r.path, r])),
      [bodyOnly]: detail.body,
    }),
  )
  const bare = await startChildServer('bench/bare-server.ts', { BYTES_FILE: bytesFile })
  const same = (r: { body: string; headers: object }) =>
    `bare Hono, the same ${Buffer.byteLength(r.body).toLocaleString('en-US')} bytes and ${Object.keys(r.headers).length + 1} headers`
  try {
    const idleMb = rssMb(app.pid)
    const pair = (judged: boolean, label: string, path: string, bareLabel: string, barePath = path) => ({
      judged,
      app: side(label, app, path),
      bare: side(bareLabel, bare, barePath),
    })
    const pairs = [
      pair(
        false,
        'app `GET /health` (no /api/v1 layer)',
        '/health',
        'bare Hono `GET /x` (`c.json({ok: true})`)',
        '/x',
      ),
      pair(true, 'app `GET /api/v1/districts`', districts.path, same(districts)),
      pair(true, 'app `GET /api/v1/public/alerts`', list.path, same(list)),
      pair(true, 'app `GET /api/v1/public/alerts/{id}`', detail.path, same(detail)),
      pair(
        false,
        'app `GET /api/v1/public/alerts/{id}`',
        detail.path,
        `bare Hono, the same ${Buffer.byteLength(detail.body).toLocaleString('en-US')} bytes, Content-Type only`,
        bodyOnly,
      ),
      pair(false, 'app `GET /api/v1/public/search?q=辣椒`', search.path, same(search)),
    ]
    for (const p of pairs)
      for (const s of [p.bare, p.app])
        await runLoad({ url: `${s.server.url}${s.path}`, connections: CONNECTIONS, durationS: 1 })
    const ratios = pairs.map(() => [] as number[])
    let loadMaxMb = 0
    let bareMaxMb = 0
    for (let round = 0; round < setup.rounds; round++) {
      for (const [i, p] of pairs.entries()) {
        const appFirst = (round + i) % 2 === 1
        const a = appFirst ? await turn(p.app, setup) : Number.NaN
        loadMaxMb = Math.max(loadMaxMb, rssMb(app.pid))
        const b = await turn(p.bare, setup)
        bareMaxMb = Math.max(bareMaxMb, rssMb(bare.pid))
        const a2 = appFirst ? a : await turn(p.app, setup)
        loadMaxMb = Math.max(loadMaxMb, rssMb(app.pid))
        ratios[i]?.push(a2 / b)
      }
      setup.log(`  round ${round + 1}: ${ratios.map((r) => (r.at(-1) ?? Number.NaN).toFixed(2)).join(', ')}`)
    }
    const figure = (s: Side): ReadSide => ({
      label: s.label,
      perSecond: (s.ok / s.elapsedMs) * 1000,
      latency: summarise(s.latencies),
      statuses: statusLine(s.statuses),
      cpu: perOp({ benchMs: s.cpuMs.bench, serverMs: s.cpuMs.server, postgresMs: s.cpuMs.postgres }, s.ok),
    })
    return {
      rounds: setup.rounds,
      secondsPerTurn: setup.secondsPerTurn,
      alerts: setup.alerts,
      pairs: pairs.map((p, i) => ({
        judged: p.judged,
        app: figure(p.app),
        bare: figure(p.bare),
        roundRatios: ratios[i] ?? [],
        ratio: median(ratios[i] ?? []),
      })),
      rss: { idleMb, loadMaxMb, bareMaxMb },
    }
  } finally {
    await bare.stop()
  }
}
