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
 * autocannon settings): `/health` and `/api/v1/districts` against the smallest JSON route, the alert list and
 * one alert against a route sending exactly the bytes the app sends. Every round takes each pair in turn,
 * app and baseline back to back in alternating order, so a change in what else the machine does falls on
 * both sides of a pair alike; the headline is the median of the per-round ratios.
 */
export async function benchReads(setup: ReadSetup): Promise<ReadResult> {
  const { app } = setup
  const list = await (await fetch(`${app.url}/api/v1/public/alerts`)).text()
  const id = (JSON.parse(list) as { items: { id: string }[] }).items[0]?.id
  if (!id) throw new Error('no public alert to read')
  const detailRes = await fetch(`${app.url}/api/v1/public/alerts/${id}`)
  const detail = await detailRes.text()
  // The headers every app response must carry (security headers, ETag, Cache-Control, request id): a
  // diagnostic pair sends them from the bare route too, to tell their cost (mostly the load generator's,
  // parsing them) from the app's per-request work.
  const sent = Object.fromEntries([...detailRes.headers].filter(([k]) => !UNCOPIED.has(k)))
  const headered = `/with-headers/api/v1/public/alerts/${id}`
  const bytesFile = resolve(os.tmpdir(), `reads-bench-${process.pid}.json`)
  await writeFile(
    bytesFile,
    JSON.stringify({
      '/api/v1/public/alerts': list,
      [`/api/v1/public/alerts/${id}`]: detail,
      [headered]: { body: detail, headers: sent },
    }),
  )
  const bare = await startChildServer('bench/bare-server.ts', { BYTES_FILE: bytesFile })
  try {
    const idleMb = rssMb(app.pid)
    const pairs = [
      {
        judged: false,
        app: side('app `GET /health` (no /api/v1 layer)', app, '/health'),
        bare: side('bare Hono `GET /x` (`c.json({ok: true})`)', bare, '/x'),
      },
      {
        judged: true,
        app: side('app `GET /api/v1/districts`', app, '/api/v1/districts'),
        bare: side('bare Hono `GET /x`', bare, '/x'),
      },
      {
        judged: true,
        app: side('app `GET /api/v1/public/alerts`', app, '/api/v1/public/alerts'),
        bare: side(
          `bare Hono, the same ${list.length.toLocaleString('en-US')} bytes`,
          bare,
          '/api/v1/public/alerts',
        ),
      },
      {
        judged: true,
        app: side('app `GET /api/v1/public/alerts/{id}`', app, `/api/v1/public/alerts/${id}`),
        bare: side(
          `bare Hono, the same ${detail.length.toLocaleString('en-US')} bytes`,
          bare,
          `/api/v1/public/alerts/${id}`,
        ),
      },
      {
        judged: false,
        app: side('app `GET /api/v1/public/alerts/{id}`', app, `/api/v1/public/alerts/${id}`),
        bare: side(
          `bare Hono, the same ${detail.length.toLocaleString('en-US')} bytes and the same ${Object.keys(sent).length + 1} headers`,
          bare,
          headered,
        ),
      },
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
