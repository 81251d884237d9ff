import os from 'node:os'
import type { AckResult } from './acks.bench.js'
import type { ActivationResult } from './activation.bench.js'
import { ms, perSecond, ratio } from './lib/stats.js'
import type { ReadFigure, ReadResult } from './reads.bench.js'

export interface RunInfo {
  startedAt: Date
  totalS: number
  postgres: string
  database: string
  appPoolSize: number
}

export interface Results {
  info: RunInfo
  activation: ActivationResult
  acks: AckResult
  reads: ReadResult
}

const ACTIVATION_GOAL_MS = 30
const ACK_GOAL = 0.7
const READ_GOAL = 0.9

const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')
const verdict = (met: boolean) => (met ? '**met**' : '**not met**')

function activationSection(a: ActivationResult): string {
  const base = a.raw
  const row = (label: string, s: typeof base) => [
    label,
    ms(s.median),
    ms(s.p99),
    ratio(s.median / base.median),
    ratio(s.p99 / base.p99),
  ]
  const stepNote =
    a.steps === 12
      ? `sudan-red has ${a.steps} steps that apply at level I (as the issue expects)`
      : `**sudan-red has ${a.steps} steps at level I, not the 12 the issue assumes**`
  return [
    '## 1. Activation (PostgreSQL)',
    '',
    `${stepNote}: ${a.steps} steps × ${a.districts} districts = ${a.tasksPerActivation} tasks and ` +
      `${a.tasksPerActivation + 1} events per activation, one transaction. ${a.iterations} activations each way, ` +
      'interleaved in rotating order after a warm-up; sequential (one at a time).',
    '',
    table(
      ['way', 'median ms', 'p99 ms', 'median ÷ baseline', 'p99 ÷ baseline'],
      [
        row('baseline: raw `pg`, 3 multi-row INSERTs in 1 tx', base),
        row('service `activateIncident` (in-process)', a.service),
        row('HTTP `POST /api/v1/incidents` (server in-process, fetch)', a.http),
      ],
    ),
    '',
    `Goal: median ≤ ${ACTIVATION_GOAL_MS} ms — HTTP ${ms(a.http.median)} ms ${verdict(a.http.median <= ACTIVATION_GOAL_MS)}; ` +
      `service ${ms(a.service.median)} ms ${verdict(a.service.median <= ACTIVATION_GOAL_MS)}. ` +
      `HTTP overhead over the service: ${ms(a.http.median - a.service.median)} ms at the median.`,
  ].join('\n')
}

function ackSection(k: AckResult): string {
  const v = k.verify
  return [
    '## 2. Acknowledgements',
    '',
    `${k.pendingAtStart.toLocaleString('en-US')} pending tasks made by the app before the run. App server in its ` +
      'own process (`tsx src/main.ts`, default DB_POOL_SIZE), load from autocannon in the bench process with 50 ' +
      'connections, each request acking a different pending task with the commander token. ' +
      `A ${k.app.warmupAcks}-ack warm-up sized the measured run; the run is a fixed number of requests, so ` +
      "nothing is in flight when it ends. Baseline: `BEGIN; UPDATE … WHERE id=$1 AND status='pending' " +
      'RETURNING …; INSERT INTO events …; COMMIT` over a `pg.Pool` of 50 at concurrency 50, for the same time, on ' +
      'other pending tasks. **Both cores are shared** by PostgreSQL, the app server and the load generator.',
    '',
    table(
      ['measure', 'per second', 'median ms', 'p99 ms', 'throughput ÷ baseline', 'p99 ÷ baseline'],
      [
        [
          'baseline: raw tx, pg.Pool 50',
          perSecond(k.raw.perSecond),
          ms(k.raw.latency.median),
          ms(k.raw.latency.p99),
          ratio(1),
          ratio(1),
        ],
        [
          `app \`POST /api/v1/tasks/{id}/ack\` (${k.app.acks.toLocaleString('en-US')} acks in ${(k.app.elapsedMs / 1000).toFixed(1)} s)`,
          perSecond(k.app.perSecond),
          ms(k.app.latency.median),
          ms(k.app.latency.p99),
          ratio(k.app.perSecond / k.raw.perSecond),
          ratio(k.app.latency.p99 / k.raw.latency.p99),
        ],
        [
          'diagnostic: raw tx + the token SELECT the app does per request',
          perSecond(k.rawWithToken.perSecond),
          ms(k.rawWithToken.latency.median),
          ms(k.rawWithToken.latency.p99),
          ratio(k.rawWithToken.perSecond / k.raw.perSecond),
          ratio(k.rawWithToken.latency.p99 / k.raw.latency.p99),
        ],
      ],
    ),
    '',
    `Responses: ${k.app.statuses}; socket errors ${k.app.errors}.` +
      (k.raw.exhausted
        ? ' Baseline ran out of pending tasks before the time was up (rate is over its own time).'
        : ''),
    '',
    `None lost — ${verdict(v.passed)}: 200 responses ${v.responses200} (warm-up included), tasks acknowledged ` +
      `${v.acknowledgedTasks}, \`task.acknowledged\` events ${v.ackEvents}, 200-acked ids not acknowledged ` +
      `${v.okIdsNotAcknowledged}.`,
    '',
    `Goal: app ÷ baseline ≥ ${ACK_GOAL} — ${ratio(k.app.perSecond / k.raw.perSecond)} ` +
      `${verdict(k.app.perSecond / k.raw.perSecond >= ACK_GOAL)}; design bar "thousands per second, p99 in tens of ms" — ` +
      `${perSecond(k.app.perSecond)}/s, p99 ${ms(k.app.latency.p99)} ms ` +
      `${verdict(k.app.perSecond >= 1000 && k.app.latency.p99 < 100)}.`,
  ].join('\n')
}

function readSection(r: ReadResult): string {
  const row = (f: ReadFigure) => [
    f.label,
    perSecond(f.perSecond),
    ms(f.latency.median),
    ms(f.latency.p99),
    ratio(f.perSecond / r.bare.perSecond),
  ]
  const q = r.districts.perSecond / r.bare.perSecond
  return [
    '## 3. Public read baseline',
    '',
    'autocannon, 50 connections, 1 s warm-up then 5 s each; every server in its own process via ' +
      '`@hono/node-server` (the app with LOG_LEVEL=warn).',
    '',
    table(
      ['route', 'req/s', 'median ms', 'p99 ms', 'throughput ÷ bare Hono'],
      [row(r.bare), row(r.districts), row(r.health)],
    ),
    '',
    `Quality bar: public reads ≥ ${READ_GOAL * 100} % of bare Hono — districts ${(q * 100).toFixed(0)} % ${verdict(q >= READ_GOAL)}.`,
  ].join('\n')
}

export function renderResults(res: Results): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  return [
    '# Redshield benchmarks',
    '',
    `Latest run: ${res.info.startedAt.toISOString()} · ${cpu} · ${os.cpus().length} cores · Node ${process.version} · ` +
      `PostgreSQL ${res.info.postgres} · ${res.info.totalS.toFixed(0)} s in all. Each figure is compared with a ` +
      'baseline measured in the same run on the same machine.',
    '',
    activationSection(res.activation),
    '',
    ackSection(res.acks),
    '',
    readSection(res.reads),
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                                   # PostgreSQL at 127.0.0.1:5432, user postgres',
    'BENCH_DATABASE_URL=postgres://user@host:5432/postgres npm run bench',
    '```',
    '',
    'Each run creates a fresh database (`redshield_bench_<timestamp>_<pid>`), migrates and seeds it as the app ' +
      'does at start-up, drops it at the end, and overwrites this file. It takes about a minute and a half; ' +
      'the machine should be otherwise idle, as every figure is sensitive to what else runs on it.',
    '',
    '## What the goals are',
    '',
    `- Activation: a 12-step playbook over 20 districts commits in one transaction with a median ≤ ${ACTIVATION_GOAL_MS} ms on PostgreSQL.`,
    `- Acknowledgements: thousands per second on two cores, none lost, p99 in tens of ms; app throughput ≥ ${ACK_GOAL}× the raw-SQL transaction rate.`,
    `- Public reads: ≥ ${READ_GOAL * 100} % of a bare Hono JSON route's throughput (DESIGN.md "Quality bar"). ` +
      '`/api/v1/districts` is the only public read so far; alerts and boards will be held to the same bar.',
    '',
  ].join('\n')
}
