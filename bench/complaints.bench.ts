/**
 * 12315 intake bench, run alone: `npx tsx bench/complaints.bench.ts [count]` (PostgreSQL at
 * BENCH_DATABASE_URL or the local server; a fresh database, dropped after). Files `count` (10,000) complaints
 * through `POST /api/v1/public/complaints` with the rate limit lifted, 20 at a time; checks none was lost;
 * compares the rate with a raw single-row INSERT of the same rows over the same concurrency; and measures the
 * time from the threshold complaint's answer (its commit) to `signal.raised` reaching the event bus (what the
 * stream and webhooks read). Prints one JSON line.
 */
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import pg from 'pg'
import { createApp } from '../src/app.js'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import type { AppDeps } from '../src/deps.js'
import { startLive } from '../src/events/live.js'
import { createLogger } from '../src/logger.js'
import { createBenchDatabase, DEFAULT_SERVER_URL } from './lib/bench-db.js'
import { summarise } from './lib/stats.js'

const COUNT = Number(process.argv[2] ?? 10_000)
const CONCURRENCY = 20

const body = (i: number, batch = `B${i % 500}`) => ({
  kind: 'complaint',
  product: { name: batch === 'SIG-BENCH' ? '辣椒酱' : `辣椒酱${i % 97}`, brand: `品牌${i % 31}`, batch },
  business: { name: `超市${i % 211}`, address: `成都市锦江区春熙路${i % 300}号` },
  purchasedOn: '2026-11-20',
  amount: '12.50',
  description: `第 ${i} 件：打开后有异味`,
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

async function main() {
  const bench = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL)
  const config = loadConfig({
    DATABASE_URL: bench.url,
    SCHEDULER: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    COMPLAINT_RATE_PER_MINUTE: '100000000',
    PLAYBOOKS_DIR: resolve(import.meta.dirname, '../playbooks'),
  })
  const logger = createLogger(config.LOG_LEVEL)
  const { database, playbooks, districts } = await prepare(config, logger, systemClock)
  const live = await startLive({ database, db: database.db, logger, config })
  const deps: AppDeps = {
    config,
    logger,
    clock: systemClock,
    database,
    db: database.db,
    playbooks,
    districts,
    ...live,
  }
  const app = createApp(deps)
  const server = await new Promise<{ url: string; close: () => void }>((ok) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      ok({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
    )
  })
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
    // Intake through the API.
    const t0 = performance.now()
    const answers = await pool(COUNT, (i) => post(body(i)))
    const appMs = performance.now() - t0
    const stored = await database.db
      .selectFrom('complaints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    // The same rows by a raw single-row INSERT each (no validation, routing, clock, event or signal).
    const r0 = performance.now()
    await pool(COUNT, (i) => {
      const b = body(i)
      return raw.query(
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
    })
    const rawMs = performance.now() - r0
    // Signal latency: 8 complaints about a new batch; from the 8th answer to signal.raised on the bus.
    let raisedAt = 0
    const off = live.events.subscribe({
      events: (batch) => {
        if (
          batch.some(
            (e) => e.event.type === 'signal.raised' && JSON.stringify(e.event.payload).includes('SIG-BENCH'),
          )
        )
          raisedAt = performance.now()
      },
    })
    for (let i = 0; i < 7; i++) await post(body(COUNT + i, 'SIG-BENCH'))
    await post(body(COUNT + 7, 'SIG-BENCH'))
    const committedAt = performance.now()
    while (raisedAt === 0 && performance.now() - committedAt < 10_000)
      await new Promise((r) => setTimeout(r, 5))
    off()
    const lat = summarise(answers.map((a) => a.ms))
    process.stdout.write(
      `${JSON.stringify({
        complaints: COUNT,
        created201: answers.filter((a) => a.status === 201).length,
        stored: Number(stored.n),
        lost: COUNT - Number(stored.n),
        appPerSecond: Math.round((COUNT / appMs) * 1000),
        appSeconds: Math.round(appMs) / 1000,
        p50ms: Math.round(lat.median * 10) / 10,
        p99ms: Math.round(lat.p99 * 10) / 10,
        rawPerSecond: Math.round((COUNT / rawMs) * 1000),
        appToRaw: Math.round((rawMs / appMs) * 100) / 100,
        signalAfterCommitMs: raisedAt === 0 ? null : Math.round((raisedAt - committedAt) * 10) / 10,
      })}\n`,
    )
  } finally {
    server.close()
    await raw.end()
    await live.events.stop()
    await database.close()
    await bench.drop()
  }
}

await main()
