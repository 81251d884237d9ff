import os from 'node:os'
import type { AckResult, RawFigure } from './acks.bench.js'
import type { ActivationResult } from './activation.bench.js'
import { type EscalationResult, escalationSection } from './escalation.bench.js'
import { IMPORT_GOAL, type ImportBenchResult, importSection } from './import.bench.js'
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from './lib/child-server.js'
import type { CpuPerOp } from './lib/cpu.js'
import { ms, perSecond, ratio, type Summary } from './lib/stats.js'
import type { LiveResult } from './live.bench.js'
import type { ReadPair, ReadResult, ReadSide } from './reads.bench.js'
import { SEARCH_QUERIES, type SearchResult } from './search.bench.js'

export interface RunInfo {
  startedAt: Date
  totalS: number
  postgres: string
  appPoolSize: number
  source: string
  loadBefore: number
  loadAfter: number
}

export interface Results {
  info: RunInfo
  activation: ActivationResult
  acks: AckResult
  reads: ReadResult
  escalation: EscalationResult
  live?: LiveResult
  sampleImport?: ImportBenchResult
  search?: SearchResult
  /** Section 8, rendered by `bench/boards.bench.ts` (it also runs alone). */
  boards?: string
  /** Section 9, rendered by `bench/complaints.bench.ts` (it also runs alone). */
  complaints?: string
  /** Section 10, rendered by `bench/credit-draw.bench.ts` (it also runs alone). */
  credit?: string
}

export const ACTIVATION_GOAL_MS = 30
export const ACK_GOAL = 0.7
export const READ_GOAL = 0.9

// PostgreSQL round trips per activation, counted in src/: the baseline's BEGIN, 3 INSERTs and COMMIT; the
// service adds the incident counter (districts come from memory, the incident row from INSERT … RETURNING);
// HTTP adds the token lookup.
const ROUND_TRIPS = { raw: 5, service: 6, http: 7 }

/** A Markdown table with padded columns, exactly as Biome formats it (so `npm run lint` stays clean). */
function table(head: string[], rows: string[][]): string {
  const width = (cell: string) => [...cell].length
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '') + ' '.repeat(w - width(cells[i] ?? ''))).join(' | ')} |`
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}
const verdict = (met: boolean) => (met ? '**met**' : '**not met**')
const us = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toString()
const cpuCells = (c: CpuPerOp) => [us(c.benchUs), us(c.serverUs), us(c.postgresUs)]

function activationSection(a: ActivationResult): string {
  const base = a.raw
  const row = (label: string, s: typeof base, trips: number) => [
    label,
    String(trips),
    ms(s.median),
    ms(s.p99),
    ratio(s.median / base.median),
    ratio(s.p99 / base.p99),
  ]
  const stepNote =
    a.steps === 12
      ? `sudan-red has ${a.steps} steps that apply at level I, as the issue expects`
      : `**sudan-red has ${a.steps} steps at level I, not the 12 the issue assumes**`
  return [
    '## 1. Activation (PostgreSQL)',
    '',
    `${stepNote}: ${a.steps} × ${a.districts} districts = ${a.tasksPerActivation} tasks and ` +
      `${a.tasksPerActivation + 1} events per activation, in one transaction; the app also issues the public ` +
      'notice as an alert (its CAP content, a row and an `alert.issued` event), which the raw ways do not. ' +
      `${a.iterations} activations each way, one at a time, interleaved in rotating order after a warm-up so ` +
      'that table growth affects all alike.',
    '',
    table(
      ['way', 'round trips', 'median ms', 'p99 ms', 'median ÷ baseline', 'p99 ÷ baseline'],
      [
        row('baseline: raw `pg`, one multi-row INSERT per table, 1 tx', base, ROUND_TRIPS.raw),
        row('service `activateIncident` (in-process)', a.service, ROUND_TRIPS.service),
        row('HTTP `POST /api/v1/incidents` (server in-process, fetch)', a.http, ROUND_TRIPS.http),
        row(
          'diagnostic: raw `pg`, `INSERT … SELECT FROM unnest(arrays)` for tasks and events',
          a.rawUnnest,
          ROUND_TRIPS.raw,
        ),
      ],
    ),
    '',
    `One PostgreSQL round trip (\`SELECT 1\`, sequential) took ${ms(a.roundTrip.median)} ms at the median ` +
      `(p99 ${ms(a.roundTrip.p99)} ms) in this run. HTTP adds ${ms(a.http.median - a.service.median)} ms to the ` +
      'service at the median.',
    '',
    `Goal: median ≤ ${ACTIVATION_GOAL_MS} ms — HTTP ${ms(a.http.median)} ms ` +
      `${verdict(a.http.median <= ACTIVATION_GOAL_MS)}; service ${ms(a.service.median)} ms ` +
      `${verdict(a.service.median <= ACTIVATION_GOAL_MS)}.`,
  ].join('\n')
}

function ackSection(k: AckResult, poolSize: number): string {
  const v = k.verify
  const rawRow = (label: string, r: RawFigure) => [
    label,
    perSecond(r.perSecond),
    ms(r.latency.median),
    ms(r.latency.p99),
    ratio(r.perSecond / k.raw.perSecond),
    ratio(r.latency.p99 / k.raw.latency.p99),
    ...cpuCells(r.cpu),
  ]
  const q = k.app.perSecond / k.raw.perSecond
  return [
    '## 2. Acknowledgements',
    '',
    `${k.pendingAtStart.toLocaleString('en-US')} pending tasks made by the app before the run. The app runs in ` +
      `its own process (as \`npm start\` runs it, DB_POOL_SIZE ${poolSize}, the default); autocannon in the bench process ` +
      'drives it with 50 connections, each request acking a different pending task with the commander token. ' +
      `After a 2 s warm-up (${k.app.warmupAcks.toLocaleString('en-US')} acks), acks for 10 s; then each ` +
      'connection switches to uncounted `GET /health` filler until autocannon stops 3 s later, so every ack ' +
      'sent has its answer before a connection closes and the books balance exactly. Baseline: ' +
      "`BEGIN; UPDATE tasks … WHERE id=$1 AND status='pending' RETURNING …; INSERT INTO events …; COMMIT` " +
      'over a `pg.Pool` of 50 at concurrency 50, for as long as the app run took, on other pending tasks; the ' +
      'diagnostics run 5 s each the same way. ' +
      '**Both cores are shared** by PostgreSQL, the app server and the load generator (and by anything else ' +
      'running on the machine), so the CPU columns — CPU time per operation, from /proc — are the steadier figures.',
    '',
    table(
      [
        'measure',
        'per second',
        'median ms',
        'p99 ms',
        'throughput ÷ baseline',
        'p99 ÷ baseline',
        'CPU µs/op: bench process',
        'app server',
        'PostgreSQL',
      ],
      [
        rawRow('baseline: raw tx, pg.Pool 50', k.raw),
        [
          `app \`POST /api/v1/tasks/{id}/ack\` (${k.app.acks.toLocaleString('en-US')} in ${(k.app.elapsedMs / 1000).toFixed(1)} s)`,
          perSecond(k.app.perSecond),
          ms(k.app.latency.median),
          ms(k.app.latency.p99),
          ratio(q),
          ratio(k.app.latency.p99 / k.raw.latency.p99),
          ...cpuCells(k.app.cpu),
        ],
        rawRow('diagnostic: raw tx + the token SELECT the app makes on a cache miss', k.rawWithToken),
        rawRow(
          'diagnostic: raw, one statement (`WITH t AS (UPDATE … RETURNING …) INSERT INTO events …`)',
          k.rawOneStatement,
        ),
      ],
    ),
    '',
    `Responses: ${k.app.statuses}; socket errors ${k.app.errors}.` +
      (k.app.ranDry ? ' **The app run ran out of pending tasks before the time was up.**' : '') +
      (k.raw.exhausted ? ' The baseline ran out of pending tasks early; its rate is over its own time.' : ''),
    '',
    `None lost — ${verdict(v.passed)}: ${v.responses200.toLocaleString('en-US')} 200 responses (warm-up ` +
      `included), ${v.acknowledgedTasks.toLocaleString('en-US')} tasks acknowledged, ` +
      `${v.ackEvents.toLocaleString('en-US')} \`task.acknowledged\` events, ${v.okIdsNotAcknowledged} ids ` +
      'answered 200 but not acknowledged.',
    '',
    `Goal: app ÷ baseline ≥ ${ACK_GOAL} — ${ratio(q)} ${verdict(q >= ACK_GOAL)}. Design bar "thousands per ` +
      `second, p99 in tens of ms" — ${perSecond(k.app.perSecond)}/s, p99 ${ms(k.app.latency.p99)} ms ` +
      `${verdict(k.app.perSecond >= 1000 && k.app.latency.p99 < 100)}.`,
  ].join('\n')
}

export function readSection(r: ReadResult): string {
  const row = (f: ReadSide, ratioCell: string) => [
    f.label,
    perSecond(f.perSecond),
    ms(f.latency.median),
    ms(f.latency.p99),
    ratioCell,
    ...cpuCells(f.cpu),
  ]
  const rows = r.pairs.flatMap((p) => [
    row(p.bare, ''),
    row(
      p.app,
      `**${ratio(p.ratio)}** (rounds ${p.roundRatios.map((x) => x.toFixed(2)).join(', ')})${p.judged ? '' : ' reference'}`,
    ),
  ])
  const judged = r.pairs.filter((p) => p.judged)
  const worst = Math.min(...judged.map((p) => p.ratio))
  const cpuRatio = (p: ReadPair) =>
    p.app.cpu.serverUs !== undefined && p.bare.cpu.serverUs !== undefined
      ? `${Math.round(p.app.cpu.serverUs)} vs ${Math.round(p.bare.cpu.serverUs)}`
      : '–'
  return [
    '<!-- reads:start -->',
    '## 3. Public reads',
    '',
    `The app in its own process (as \`npm start\` runs it: its esbuild build, \`node ${SERVICE_NODE_FLAGS.join(' ')} dist/main.js\` with ${
      Object.entries(SERVICE_ENV)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(' ') || 'no extra environment'
    }, on PostgreSQL, ${r.alerts} alerts, **LOG_LEVEL=info: the ` +
      'access log writes a line per request**, to a pipe the bench drains) against bare Hono routes in another ' +
      '(`bench/bare-server.ts`, same adapter, no middleware). Each judged read is set against a bare route ' +
      'sending **the same response: the same bytes and the same headers** the app sent for that URL (the ' +
      'security headers every response carries, and the ETag and Cache-Control the issue asks for), with a ' +
      'fresh request id each time, so what is left between the two is the app’s per-request work. Reference ' +
      'rows: one alert against its body sent with a Content-Type only (what the headers cost), `/health` ' +
      'against `c.json({ok: true})`, and the search (rate limit lifted for the run; answered by the router, ' +
      'measured but not judged). The app answers repeats of these reads on its fast path in front of the ' +
      'router (`src/public/fast-reads.ts`). autocannon from the bench process, 50 connections, ' +
      `a 1 s warm-up each, then ${r.rounds} rounds; in each round every pair runs app and baseline back to back ` +
      `(${r.secondsPerTurn} s each, which goes first alternating). The ratio is the median over rounds of app ÷ ` +
      'baseline throughput within a round; req/s and latencies pool every round. **Both cores are shared** ' +
      'with the load generator, PostgreSQL and, during this run, other work on the machine (see the load ' +
      'average above): single rounds swing by ±30 %, the CPU columns (µs of CPU per request, from /proc) ' +
      'are the steadier figures.',
    '',
    table(
      [
        'route',
        'req/s',
        'median ms',
        'p99 ms',
        'app ÷ baseline',
        'CPU µs/req: bench process',
        'server',
        'PostgreSQL',
      ],
      rows,
    ),
    '',
    `Server CPU per request, app vs baseline: ${r.pairs.map((p) => `${p.app.label.replace(/^app /, '')} ${cpuRatio(p)}`).join('; ')}.`,
    '',
    `App RSS: ${r.rss.idleMb.toFixed(0)} MB idle after start, at most ${r.rss.loadMaxMb.toFixed(0)} MB under ` +
      `this load (the bare server, a TypeScript file run through the \`tsx\` loader: ${r.rss.bareMaxMb.toFixed(0)} MB). Goal ≤ 200 MB ` +
      `on PostgreSQL ${verdict(r.rss.loadMaxMb <= 200)}.`,
    '',
    `Quality bar: public reads ≥ ${READ_GOAL * 100} % of a bare Hono route — lowest judged ratio ` +
      `${ratio(worst)} ${verdict(worst >= READ_GOAL)} against the same responses (${judged.map((p) => `${p.app.label.replace(/^app /, '')} ${ratio(p.ratio)}`).join(', ')}).`,
    '<!-- reads:end -->',
  ].join('\n')
}

export function searchSection(s: SearchResult): string {
  return [
    '<!-- search:start -->',
    '## 7. Public search',
    '',
    `${s.samples.toLocaleString('en-US')} synthetic published samples, ${SEARCH_QUERIES.length} queries × 20 ` +
      `(${SEARCH_QUERIES.join(', ')}), first page of 50, in the bench process:`,
    '',
    table(
      ['method', 'median ms', 'p99 ms'],
      [
        ['in memory (`SearchIndex`: bigram postings)', ms(s.memory.median), ms(s.memory.p99)],
        [
          "PostgreSQL `ILIKE '%q%'` (no index can serve it), same order, `limit 51`",
          ms(s.ilike.median),
          ms(s.ilike.p99),
        ],
      ],
    ),
    '',
    `The search route under load (\`bench/search-server.ts\`: the app with those samples as a search source; ` +
      `50 connections, 5 s): 10,000 distinct batch fragments (cache misses) ${perSecond(s.distinct.perSecond)} ` +
      `req/s, p99 **${ms(s.distinct.latency.p99)} ms** (median ${ms(s.distinct.latency.median)}; ` +
      `${s.distinct.statuses}); one repeated query (\`辣椒\`, cached) ${perSecond(s.same.perSecond)} req/s, p99 ` +
      `${ms(s.same.latency.p99)} ms. That server's RSS with the index: ${s.serverRssMb.toFixed(0)} MB.`,
    '<!-- search:end -->',
  ].join('\n')
}

export function liveSection(l: LiveResult, alone?: string): string {
  const base = l.notify
  // The LISTEN client can read a notification before the committing client has read COMMIT's answer, so
  // the baseline's median can be zero or below: a ratio to it says nothing, and is left out.
  const over = (v: number, b: number) => (b >= 0.1 ? ratio(v / b) : '–')
  const row = (label: string, v: Summary) => [
    label,
    String(v.n),
    ms(v.median),
    ms(v.p99),
    over(v.median, base.median),
    over(v.p99, base.p99),
  ]
  const lost = l.expected - l.received
  return [
    '<!-- live:start -->',
    '## 5. Live stream and webhooks (PostgreSQL)',
    '',
    ...(alone ? [alone, ''] : []),
    `${l.events} events written one at a time, 100 ms apart, each committed by a raw \`pg\` client; latency is ` +
      'from the moment COMMIT returned to the moment a subscriber in the bench process read the message. The app ' +
      'server is the child process of section 2 (its event bus LISTENs on its own connection). Baseline: the ' +
      'same commits seen by a plain `LISTEN rs_events` client (a ratio to a baseline under 0.1 ms is left out: ' +
      'that client can read a notification before COMMIT’s answer reaches the committing client).',
    '',
    table(
      ['measure', 'samples', 'median ms', 'p99 ms', 'median ÷ baseline', 'p99 ÷ baseline'],
      [
        row('baseline: commit → NOTIFY at a LISTEN client', base),
        row('`GET /api/v1/stream`, 1 subscriber', l.sseOne),
        row(`\`GET /api/v1/stream\`, ${l.subscribers.toLocaleString('en-US')} subscribers`, l.sseMany),
      ],
    ),
    '',
    `Fan-out to ${l.subscribers.toLocaleString('en-US')}: ${l.received.toLocaleString('en-US')} of ` +
      `${l.expected.toLocaleString('en-US')} messages received within 30 s of the last write (${lost === 0 ? 'none lost — **met**' : `**${lost} missing**`}). ` +
      `Goal: within a second — p99 ${ms(l.sseMany.p99)} ms ${l.sseMany.p99 <= 1000 ? '**met**' : '**not met**'}. ` +
      `Issue 16: p99 ≤ 100 ms at ${l.subscribers.toLocaleString('en-US')} — ${verdict(l.sseMany.p99 <= 100)}; ` +
      `median ≤ 1 ms with one subscriber (${ms(l.sseOne.median)} ms) — ${verdict(l.sseOne.median <= 1)}. ` +
      `CPU per event with ${l.subscribers.toLocaleString('en-US')} streams: app server ` +
      `${l.serverCpuMsPerEvent === undefined ? '–' : `${l.serverCpuMsPerEvent.toFixed(1)} ms`}, the bench process reading them ` +
      `${l.clientCpuMsPerEvent.toFixed(1)} ms (steadier than latency when the machine is shared).`,
    '',
    `Webhook delivery: ${l.webhookEvents.toLocaleString('en-US')} events committed in one statement, then ` +
      '`runWebhookDelivery` run in the bench process until the outbox is empty, to a local receiver answering 204. ' +
      'Baseline: the same number of signed POSTs sent one after another (a subscription delivers in order, so one ' +
      'at a time) with `fetch` to the same receiver.',
    '',
    table(
      ['measure', 'delivered', 'per second', '÷ baseline'],
      [
        [
          'baseline: sequential signed `fetch` POSTs',
          String(l.webhookEvents),
          perSecond(l.rawPost.perSecond),
          ratio(1),
        ],
        [
          'outbox → 1 subscription',
          String(l.delivery.delivered),
          perSecond(l.delivery.perSecond),
          ratio(l.delivery.perSecond / l.rawPost.perSecond),
        ],
        [
          'outbox → 4 subscriptions (in parallel, each in order)',
          String(l.deliveryFour.delivered),
          perSecond(l.deliveryFour.perSecond),
          ratio(l.deliveryFour.perSecond / l.rawPost.perSecond),
        ],
      ],
    ),
    '<!-- live:end -->',
  ].join('\n')
}

export function renderResults(res: Results): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  const { info } = res
  return [
    '# Redshield benchmarks',
    '',
    `Latest run: ${info.startedAt.toISOString()} · ${cpu} · ${os.cpus().length} cores · Node ${process.version} · ` +
      `PostgreSQL ${info.postgres} · ${info.totalS.toFixed(0)} s in all · 1-minute load average ` +
      `${info.loadBefore.toFixed(1)} before, ${info.loadAfter.toFixed(1)} after · code at ${info.source}. ` +
      'Every figure is set against a baseline measured in the same run on the same machine.',
    '',
    activationSection(res.activation),
    '',
    ackSection(res.acks, info.appPoolSize),
    '',
    readSection(res.reads),
    '',
    escalationSection(res.escalation),
    '',
    ...(res.live ? [liveSection(res.live), ''] : []),
    ...(res.sampleImport ? [importSection(res.sampleImport), ''] : []),
    ...(res.search ? [searchSection(res.search), ''] : []),
    ...(res.boards ? [res.boards, ''] : []),
    ...(res.complaints ? [res.complaints, ''] : []),
    ...(res.credit ? [res.credit, ''] : []),
    '## How to run',
    '',
    '```sh',
    'npm run bench                                            # PostgreSQL at 127.0.0.1:5432, user postgres',
    'BENCH_DATABASE_URL=postgres://user@host:5432/postgres npm run bench',
    '```',
    '',
    'Each run creates a fresh database (`redshield_bench_<timestamp>_<pid>`), migrates and seeds it the way the ' +
      'app does at start-up, drops it at the end, and rewrites this file, keeping every marked section it did ' +
      'not write (`<!-- name:start -->` … `<!-- name:end -->`: the sample import, which ' +
      '`npx tsx bench/import.bench.ts` writes, earlier figures and notes) (the same tables go to stdout; ' +
      'progress to stderr). `npm run bench -- --only=reads` runs only the public reads (section 3), ' +
      '`--only=escalation` the escalation sweep (4), `--only=live` the live stream and webhooks (5), ' +
      '`--only=import-memory` a million-row import on each engine (6b, not part of the full run), ' +
      '`--only=boards` only the retailer boards (section 8), `--only=complaints` the 12315 intake and signals ' +
      '(9) and `--only=credit` the credit classes and the draw (10), each replacing just its section; ' +
      '`--boards=1000,10000` picks the board sizes (the default adds 50,000, a few minutes more), ' +
      '`--complaints=N` and `--credit=N` the sizes of sections 9 and 10 (10,000 and 50,000 by default). ' +
      'It takes a few minutes. Run it on an otherwise idle machine: with two cores, ' +
      'anything else running moves every absolute figure, which is why each one comes with a ratio to a ' +
      'baseline taken in the same run, and a load average.',
    '',
    '## What the goals are',
    '',
    `- Activation: a 12-step playbook over 20 districts commits in one transaction with a median ≤ ${ACTIVATION_GOAL_MS} ms on PostgreSQL.`,
    `- Acknowledgements: thousands per second on two cores, none lost, p99 in tens of ms; app throughput ≥ ${ACK_GOAL}× the raw-SQL transaction rate.`,
    `- Public reads: ≥ ${READ_GOAL * 100} % of a bare Hono JSON route's throughput (DESIGN.md "Quality bar"; ` +
      'issue 9 for the alert list and one alert, against a route sending the same response), app RSS under that ' +
      'load ≤ 200 MB on PostgreSQL.',
    '- Escalation sweep: every due rung fires exactly once, and 10,000 rungs falling due at the same moment are all ' +
      'written well inside the 5 s on-time window (issue 7), at ≤ 2× the raw UPDATE + INSERT of the same rows (issue 16).',
    '- Live stream: an event written by any instance reaches every stream within a second (issue 7), with 1,000 subscribers; ' +
      'issue 16: p99 ≤ 100 ms after commit at 1,000 subscribers, median ≤ 1 ms with one.',
    `- Sample import: 100,000 CSV rows in seconds, at ≥ ${IMPORT_GOAL}× the rate of PostgreSQL's own COPY of the same rows into the same tables (issue 8; the raw file's COPY into an unindexed table kept as a reference). ` +
      'Alone: `npx tsx bench/import.bench.ts` (5 rounds; `IMPORT_ROUNDS=n`) rewrites only its section.',
    '- Retailer boards (issue 10): at 10,000 retailers and 50,000 samples a full refresh ≤ 5 s and one where nothing ' +
      'changed ≤ 100 ms; a publication shows on the 300 boards it touches within seconds; cost and RSS from 1,000 ' +
      'to 10,000 to 50,000 retailers.',
    '',
  ].join('\n')
}
