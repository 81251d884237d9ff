/**
 * Section 9, 12315 intake (issue 17): `npm run bench -- --only=complaints` (or part of the full run;
 * `--complaints=1000` for a quick run). A fresh database; the service runs from its build in its own process
 * with the rate limit lifted. Two phases of `count` (10,000) complaints through
 * `POST /api/v1/public/complaints`, each checked for none lost:
 * - the goal's (open loop, what issue 17 is judged on): complaints offered at 10,000 a minute, each sent at
 *   its scheduled time whether or not earlier ones were answered (wrk2-style), latency taken from that
 *   scheduled time, so a slow answer is not hidden by the sends it held back (no coordinated omission);
 * - the ceiling (closed loop): `CONCURRENCY` outstanding, as fast as answered: the most the service takes,
 *   and latency at saturation (about CONCURRENCY ÷ rate), not the goal's.
 * The closed loop's rate is compared with a raw single-row INSERT of the same rows over the same concurrency
 * (no validation, routing, business link, clock, event or signal). Last, the time from the threshold
 * complaint's send (its commit comes before its answer: the signal is raised in the intake transaction) to
 * `signal.raised` reaching a commander's SSE stream of the service.
 */
import http from 'node:http'
import { resolve } from 'node:path'
import pg from 'pg'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import { systemContext } from '../src/domain/context.js'
import { createLogger } from '../src/logger.js'
import { createToken } from '../src/tokens/tokens.service.js'
import { createBenchDatabase } from './lib/bench-db.js'
import { REPO_ROOT, SERVICE_ENTRY, SERVICE_NODE_FLAGS, startChildServer } from './lib/child-server.js'
import { openSse } from './lib/sse.js'
import { ms, perSecond, ratio, summarise } from './lib/stats.js'

const CONCURRENCY = 20
const SIGNAL_RUNS = 5
/** The batch label of the signal runs' complaints: one product, so eight of a batch cross the threshold. */
const SIGNAL_BATCH = 'BENCH-SIG-'
const SIGNAL_BATCH_IN = new RegExp(`${SIGNAL_BATCH}\\d+`)
export const COMPLAINT_GOALS = { seconds: 60, p99Ms: 100 }
const GOAL_COUNT = 10_000
/** The goal's arrival rate: 10,000 a minute. */
const OFFERED_PER_SECOND = GOAL_COUNT / COMPLAINT_GOALS.seconds
/** After the last scheduled send, how long the last answers may take and still count as within the minute. */
const DRAIN_MS = 1000
/** The open loop's connections (keep-alive): sends beyond them wait in the client, and that wait is counted. */
const OPEN_CONNECTIONS = 100
/** An open-loop run that falls behind is given this long after its last send before the rest count as lost. */
const GIVE_UP_MS = 120_000

const body = (i: number, batch = `B${i % 500}`, phase = '') => ({
  kind: 'complaint',
  product: {
    name: batch.startsWith(SIGNAL_BATCH) ? '辣椒酱' : `辣椒酱${i % 97}`,
    brand: `品牌${i % 31}`,
    batch,
  },
  business: { name: `超市${i % 211}`, address: `成都市锦江区春熙路${i % 300}号` },
  purchasedOn: '2026-11-20',
  amount: '12.50',
  description: `${phase}第 ${i} 件：打开后有异味`,
  contact: { name: '张三', phone: `138${String(10_000_000 + i).slice(-8)}` },
})

async function pool<T>(n: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n)
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++
        out[i] = await work(i)
      }
    }),
  )
  return out
}

interface Answer {
  status: number
  ms: number
}

/**
 * Offers `n` requests at `rate` a second, request i sent at `i / rate` s whatever is still outstanding, over
 * at most OPEN_CONNECTIONS keep-alive connections; each latency runs from the scheduled send, so time spent
 * queued in the client behind a slow answer counts. Status 0: no answer (error, or none by GIVE_UP_MS).
 */
async function openLoop(
  url: string,
  n: number,
  rate: number,
  bodyOf: (i: number) => unknown,
): Promise<{ answers: Answer[]; offerMs: number; lastMs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: OPEN_CONNECTIONS })
  const target = new URL(`${url}/api/v1/public/complaints`)
  const interval = 1000 / rate
  const answers: Answer[] = Array.from({ length: n }, () => ({ status: 0, ms: Number.NaN }))
  let finished = 0
  let lastAt = 0
  let allDone = () => {}
  const done = new Promise<void>((ok) => {
    allDone = ok
  })
  const t0 = performance.now()
  const settle = (i: number, status: number) => {
    lastAt = performance.now()
    answers[i] = { status, ms: lastAt - (t0 + i * interval) }
    if (++finished === n) allDone()
  }
  const send = (i: number) => {
    const payload = JSON.stringify(bodyOf(i))
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume()
        res.on('end', () => settle(i, res.statusCode ?? 0))
        res.on('error', () => settle(i, 0))
      },
    )
    req.on('error', () => settle(i, 0))
    req.end(payload)
  }
  let sent = 0
  await new Promise<void>((offered) => {
    const tick = () => {
      const now = performance.now()
      while (sent < n && t0 + sent * interval <= now) send(sent++)
      if (sent < n) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()))
      else offered()
    }
    tick()
  })
  const offerMs = performance.now() - t0
  let timer: NodeJS.Timeout | undefined
  await Promise.race([done, new Promise<void>((ok) => (timer = setTimeout(ok, GIVE_UP_MS)))])
  clearTimeout(timer)
  agent.destroy()
  return { answers, offerMs, lastMs: lastAt - t0 }
}

const statusesOtherThan201 = (answers: readonly Answer[]) => {
  const other: Record<string, number> = {}
  for (const a of answers) if (a.status !== 201) other[a.status] = (other[a.status] ?? 0) + 1
  return other
}

/** The goal's phase: offered at 10,000 a minute. */
export interface OpenLoopResult {
  rate: number
  created: number
  stored: number
  otherStatuses: Record<string, number>
  p50: number
  p99: number
  max: number
  /** From the first scheduled send to the last answer, and to the last scheduled send. */
  lastMs: number
  offerMs: number
}

export interface ComplaintsResult {
  count: number
  open: OpenLoopResult
  created: number
  stored: number
  otherStatuses: Record<string, number>
  appMs: number
  rawMs: number
  p50: number
  p99: number
  rawP99: number
  /** Per signal run: ms from the 8th complaint's send to `signal.raised` on the stream (null: not seen in 10 s). */
  signalMs: (number | null)[]
  /** Runs in which `signal.raised` reached the stream before the 8th complaint's answer reached the client. */
  signalBeforeAnswer: number
}

export async function benchComplaints(opts: {
  serverUrl: string
  count: number
  log: (line: string) => void
}): Promise<ComplaintsResult> {
  const { count, log } = opts
  const bench = await createBenchDatabase(opts.serverUrl)
  const env = {
    DATABASE_URL: bench.url,
    SCHEDULER: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    COMPLAINT_RATE_PER_MINUTE: '100000000',
  }
  const config = loadConfig({ ...env, PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks') })
  const logger = createLogger(config.LOG_LEVEL)
  const { database } = await prepare(config, logger, systemClock)
  // The service's own log level (info): the access log is part of what a request costs.
  const server = await startChildServer(
    SERVICE_ENTRY,
    { ...env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' },
    // BENCH_SERVICE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof": the service profiled under the load.
    [...SERVICE_NODE_FLAGS, ...(process.env.BENCH_SERVICE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])],
  )
  const raw = new pg.Pool({ connectionString: bench.url, max: CONCURRENCY })
  raw.on('error', () => {})
  try {
    const post = async (b: unknown) => {
      const t0 = performance.now()
      const r = await fetch(`${server.url}/api/v1/public/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      })
      await r.text()
      return { status: r.status, ms: performance.now() - t0 }
    }
    // Warm-up (not counted, not in the figures): 100 complaints of their own.
    await pool(100, (i) => post({ ...body(i), description: `预热 ${i}` }))
    const warm = await database.db
      .selectFrom('complaints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const stored = async () =>
      Number(
        (
          await database.db
            .selectFrom('complaints')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    log(`   ${count} complaints offered at ${OFFERED_PER_SECOND.toFixed(0)}/s (open loop)`)
    const offered = await openLoop(server.url, count, OFFERED_PER_SECOND, (i) => body(i))
    const afterOpen = await stored()
    const openLat = summarise(offered.answers.map((a) => a.ms).filter(Number.isFinite))
    const open: OpenLoopResult = {
      rate: OFFERED_PER_SECOND,
      created: offered.answers.filter((a) => a.status === 201).length,
      stored: afterOpen - Number(warm.n),
      otherStatuses: statusesOtherThan201(offered.answers),
      p50: openLat.median,
      p99: openLat.p99,
      max: openLat.max,
      lastMs: offered.lastMs,
      offerMs: offered.offerMs,
    }
    log(`   ${count} complaints through the API, ${CONCURRENCY} at a time (closed loop)`)
    const t0 = performance.now()
    const answers = await pool(count, (i) => post(body(i, undefined, '饱和 ')))
    const appMs = performance.now() - t0
    const afterClosed = await stored()
    log('   the same rows by raw INSERT')
    const rawTimes: number[] = []
    const r0 = performance.now()
    await pool(count, async (i) => {
      const b = body(i)
      const a = performance.now()
      await raw.query(
        `INSERT INTO complaints (id, tracking, code_hashes, kind, channel, status, received_at, district_code,
           product_name, product_brand, product_batch, business_name, business_address, purchased_on, amount,
           description, contact_name, contact_phone, anonymous, decide_due_at, rules_hash)
         VALUES (gen_random_uuid(), $1, ARRAY['x'], 'complaint', 'web', 'open', now(), '510104', $2, $3, $4, $5, $6,
           '2026-11-20', 12.50, $7, '张三', $8, false, now(), 'raw')`,
        [
          `RAW-${i}`,
          b.product.name,
          b.product.brand,
          b.product.batch,
          b.business.name,
          b.business.address,
          b.description,
          b.contact.phone,
        ],
      )
      rawTimes.push(performance.now() - a)
    })
    const rawMs = performance.now() - r0
    // Signal latency: 8 complaints about a new batch; from the 8th send to signal.raised on a commander's
    // SSE stream of the service.
    const commander = await createToken(database.db, systemClock, systemContext('bench'), {
      role: 'commander',
      name: 'bench commander',
    })
    const raised = new Map<string, number>()
    const closeStream = await openSse(
      `${server.url}/api/v1/stream?types=signal.raised`,
      commander.token,
      (data, at) => {
        const batch = SIGNAL_BATCH_IN.exec(data)?.[0]
        if (batch && !raised.has(batch)) raised.set(batch, at)
      },
    )
    const signalMs: (number | null)[] = []
    let signalBeforeAnswer = 0
    const accepted = async (b: unknown) => {
      const r = await post(b)
      if (r.status !== 201) throw new Error(`a signal run's complaint answered ${r.status}`)
    }
    try {
      for (let run = 0; run < SIGNAL_RUNS; run++) {
        const batch = `${SIGNAL_BATCH}${run}`
        for (let i = 0; i < 7; i++) await accepted(body(count + run * 10 + i, batch))
        // The commit happens between the send and the answer: timed from the send, the figure bounds it above.
        const sentAt = performance.now()
        await accepted(body(count + run * 10 + 7, batch))
        const answeredAt = performance.now()
        while (!raised.has(batch) && performance.now() - sentAt < 10_000)
          await new Promise((r) => setTimeout(r, 1))
        const raisedAt = raised.get(batch)
        signalMs.push(raisedAt === undefined ? null : raisedAt - sentAt)
        if (raisedAt !== undefined && raisedAt <= answeredAt) signalBeforeAnswer++
      }
    } finally {
      closeStream()
    }
    const lat = summarise(answers.map((a) => a.ms))
    return {
      count,
      open,
      created: answers.filter((a) => a.status === 201).length,
      stored: afterClosed - afterOpen,
      otherStatuses: statusesOtherThan201(answers),
      appMs,
      rawMs,
      p50: lat.median,
      p99: lat.p99,
      rawP99: summarise(rawTimes).p99,
      signalMs,
      signalBeforeAnswer,
    }
  } finally {
    await server.stop()
    await raw.end()
    await database.close()
    await bench.drop()
  }
}

const met = (ok: boolean) => (ok ? '**met**' : '**not met**')

const others = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([s, n]) => `${n}× ${s === '0' ? 'no answer' : s}`)
    .join(', ')

export function complaintsSection(r: ComplaintsResult, stamp: string): string {
  const n = r.count.toLocaleString('en-US')
  const o = r.open
  const openLost = r.count - o.stored
  const windowMs = (r.count / o.rate) * 1000 + DRAIN_MS
  const lost = r.count - r.stored
  const appRate = (r.count / r.appMs) * 1000
  const rawRate = (r.count / r.rawMs) * 1000
  const seen = r.signalMs.filter((v): v is number => v !== null)
  const sig = summarise(seen.length > 0 ? seen : [Number.NaN])
  const worst = seen.length > 0 ? Math.max(...seen) : Number.NaN
  const tenThousandMs = (r.appMs / r.count) * GOAL_COUNT
  const openOthers = others(o.otherStatuses)
  const closedOthers = others(r.otherStatuses)
  return [
    '<!-- complaints:start -->',
    '## 9. 12315 complaints (intake and signals)',
    '',
    stamp,
    '',
    `Complaints through \`POST /api/v1/public/complaints\` (the built service in its own process, access log on, ` +
      'rate limit lifted), after 100 of warm-up. Each intake validates, routes by address, links the business ' +
      'register, numbers, computes the working-day clock, writes the complaint, its event and its signal keys, ' +
      'and counts the signal rules, in one transaction. Goals (issue 17): 10,000 within ' +
      `${COMPLAINT_GOALS.seconds} s, none lost, p99 under ${COMPLAINT_GOALS.p99Ms} ms.`,
    '',
    `**The goal, judged here (open loop).** ${n} complaints offered at ${o.rate.toFixed(1)}/s (10,000 a minute), ` +
      'each sent at its scheduled time whether or not earlier ones were answered, over at most ' +
      `${OPEN_CONNECTIONS} keep-alive connections; latency runs from the scheduled send (wrk2-style: a request ` +
      'held back behind a slow one is counted as waiting, not left out). Within the minute means the last answer ' +
      `came no later than ${(DRAIN_MS / 1000).toFixed(0)} s after the last scheduled send` +
      `${r.count === GOAL_COUNT ? '' : ` (here ${n} complaints, so ${(windowMs / 1000).toFixed(1)} s: a quick run, not the goal's 10,000)`}.`,
    '',
    '| measure | figure | goal |',
    '| --- | --- | --- |',
    `| last answer after the first send (last send at ${(o.offerMs / 1000).toFixed(1)} s) | ${(o.lastMs / 1000).toFixed(1)} s | ${met(o.created === r.count && o.lastMs <= windowMs)} (≤ ${(windowMs / 1000).toFixed(1)} s) |`,
    `| answered 201 / stored / lost | ${o.created.toLocaleString('en-US')} / ${o.stored.toLocaleString('en-US')} / ${openLost}${openOthers ? ` (others: ${openOthers})` : ''} | ${met(openLost === 0 && o.created === r.count)} |`,
    `| latency from scheduled send, p50 / p99 (max) | ${ms(o.p50)} ms / ${ms(o.p99)} ms (${ms(o.max)} ms) | ${met(o.p99 < COMPLAINT_GOALS.p99Ms)} (p99 < ${COMPLAINT_GOALS.p99Ms} ms) |`,
    '',
    `**The ceiling (closed loop, not the goal's measure).** ${n} more complaints, ${CONCURRENCY} outstanding, ` +
      'each sent when one is answered: the most the service takes on this machine. Its latency is latency at ' +
      `saturation (about ${CONCURRENCY} ÷ rate), not the goal's. Baseline: a raw single-row \`INSERT\` of the ` +
      'same rows over the same concurrency.',
    '',
    '| measure | figure |',
    '| --- | --- |',
    `| rate through the API (${n} in ${(r.appMs / 1000).toFixed(1)} s${r.count === GOAL_COUNT ? '' : `; 10,000 at this rate: ${(tenThousandMs / 1000).toFixed(1)} s`}) | ${perSecond(appRate)}/s |`,
    `| answered 201 / stored / lost | ${r.created.toLocaleString('en-US')} / ${r.stored.toLocaleString('en-US')} / ${lost}${closedOthers ? ` (others: ${closedOthers})` : ''} |`,
    `| latency at saturation p50 / p99 | ${ms(r.p50)} ms / ${ms(r.p99)} ms |`,
    `| baseline: raw INSERT rate (p99) | ${perSecond(rawRate)}/s (${ms(r.rawP99)} ms) |`,
    `| API ÷ raw INSERT (rate) | ${ratio(appRate / rawRate)} |`,
    '',
    '| signals | figure | goal |',
    '| --- | --- | --- |',
    `| threshold complaint sent → \`signal.raised\` on a commander's SSE stream (bounds commit → raised above), median / max of ${r.signalMs.length} | ${ms(sig.median)} ms / ${ms(worst)} ms${seen.length < r.signalMs.length ? ` (${r.signalMs.length - seen.length} not seen in 10 s)` : ''} | ${met(seen.length === r.signalMs.length && worst < 5000)} (within 5 s) |`,
    '',
    'The signal is raised in the intake transaction of the eighth complaint about a new batch, so its commit ' +
      'falls between that request’s send and its 201 answer: timed from the send, the figure includes the ' +
      `whole intake and bounds commit → raised from above. In ${r.signalBeforeAnswer} of ${r.signalMs.length} ` +
      'runs the event reached the stream before the answer reached the client. The stream is ' +
      '`GET /api/v1/stream?types=signal.raised` of the service under test, read with a commander’s token.',
    '<!-- complaints:end -->',
  ].join('\n')
}
