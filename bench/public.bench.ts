import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import { resolve } from 'node:path'
import pg from 'pg'
import { writeAlerts } from '../src/alerts/announcement-alerts.js'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import { inTransaction } from '../src/db/transaction.js'
import { systemContext } from '../src/domain/context.js'
import type { Level } from '../src/domain/enums.js'
import { activateIncident } from '../src/incidents/incidents.service.js'
import { createLogger } from '../src/logger.js'
import { SearchIndex } from '../src/public/search.js'
import { createBenchDatabase, DEFAULT_SERVER_URL } from './lib/bench-db.js'
import { type ChildServer, REPO_ROOT, startChildServer } from './lib/child-server.js'
import { runLoad, statusLine } from './lib/load.js'
import { ms, perSecond, ratio, summarise } from './lib/stats.js'
import { syntheticEntries } from './lib/synthetic-samples.js'

// Public reads (issue 9): the alert list and one alert against a bare Hono route sending the same bytes,
// same run, same load tool and concurrency; app RSS under that load; search at 100,000 samples (in memory
// vs ILIKE on PostgreSQL) and the search route's p99 under load. Run: npx tsx bench/public.bench.ts
const CONNECTIONS = 50
const ROUNDS = 3
const SECONDS = 3
const SAMPLES = 100_000
const log = (l: string) => process.stderr.write(`${l}\n`)
const rssMb = (pid: number) => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024
  } catch {
    return Number.NaN
  }
}

async function main() {
  const bench = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL)
  const stops: (() => Promise<unknown>)[] = [() => bench.drop()]
  try {
    const env = { DATABASE_URL: bench.url, SCHEDULER: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'warn' }
    const config = loadConfig({ ...env, PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks') })
    const logger = createLogger('warn')
    const { database, playbooks, districts } = await prepare(config, logger, systemClock)
    stops.push(() => database.close())
    const deps = { config, logger, clock: systemClock, database, db: database.db, playbooks, districts }
    const ctx = systemContext('bench-seed')
    log('seeding: 5 incidents, 200 product alerts')
    for (let i = 0; i < 5; i++)
      await activateIncident(deps, ctx, {
        playbook: 'sudan-red',
        level: ((i % 4) + 1) as Level,
        title: `bench ${i}`,
        products: [{ name: '辣椒酱', brand: '川味坊', batch: `B${i}` }],
        districts: 'all',
      })
    const samples = syntheticEntries(200)
    for (let a = 0; a < 10; a++)
      await inTransaction(database.db, (trx) =>
        writeAlerts(
          trx,
          ctx,
          {
            announcement: {
              id: crypto.randomUUID(),
              number: `成市监抽检〔2026〕第${a + 1}号`,
              title: '抽检信息',
              publishedAt: new Date(),
              kind: 'original',
            },
            samples: samples.slice(a * 20, a * 20 + 20).map((s, i) => ({
              id: crypto.randomUUID(),
              sampleNo: `S${a}-${i}`,
              foodName: s.hit.productName,
              brand: s.hit.brand ?? undefined,
              batch: s.hit.batch ?? undefined,
              producer: s.hit.producer ?? undefined,
              unitName: s.hit.unitName ?? '',
              districtCode: '510104',
              category: '调味品',
              failingItems: [{ name: '苏丹红Ⅰ', result: '12.5μg/kg', limit: '不得检出' }],
            })),
          },
          districts,
        ),
      )

    const app: ChildServer = await startChildServer('src/main.ts', {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      SEARCH_RATE_PER_MINUTE: '100000000',
    })
    stops.push(() => app.stop())
    const list = await fetch(`${app.url}/api/v1/public/alerts`)
    const listBody = await list.text()
    const firstId = (JSON.parse(listBody) as { items: { id: string }[] }).items[0]?.id
    const detailBody = await (await fetch(`${app.url}/api/v1/public/alerts/${firstId}`)).text()
    const bytesFile = resolve(os.tmpdir(), `public-bench-${process.pid}.json`)
    await writeFile(
      bytesFile,
      JSON.stringify({ '/api/v1/public/alerts': listBody, [`/api/v1/public/alerts/${firstId}`]: detailBody }),
    )
    const bare = await startChildServer('bench/bare-bytes-server.ts', { BYTES_FILE: bytesFile })
    stops.push(() => bare.stop())

    const targets = [
      { label: 'bare: alert list bytes', server: bare, path: '/api/v1/public/alerts' },
      { label: 'app: `GET /api/v1/public/alerts`', server: app, path: '/api/v1/public/alerts' },
      { label: 'bare: one alert bytes', server: bare, path: `/api/v1/public/alerts/${firstId}` },
      {
        label: 'app: `GET /api/v1/public/alerts/{id}`',
        server: app,
        path: `/api/v1/public/alerts/${firstId}`,
      },
    ].map((t) => ({ ...t, ok: 0, elapsed: 0, lat: [] as number[], statuses: new Map<number, number>() }))
    const idleRss = rssMb(app.pid)
    let maxRss = 0
    let bareRss = 0
    for (const t of targets)
      await runLoad({ url: `${t.server.url}${t.path}`, connections: CONNECTIONS, durationS: 1 })
    for (let r = 0; r < ROUNDS; r++)
      for (const t of targets) {
        const res = await runLoad({
          url: `${t.server.url}${t.path}`,
          connections: CONNECTIONS,
          durationS: SECONDS,
        })
        if (t.server === app) maxRss = Math.max(maxRss, rssMb(app.pid))
        else bareRss = Math.max(bareRss, rssMb(bare.pid))
        t.ok += res.ok
        t.elapsed += res.elapsedMs
        for (const l of res.latencies) t.lat.push(l)
        for (const [s, n] of res.statuses) t.statuses.set(s, (t.statuses.get(s) ?? 0) + n)
      }
    const rate = (t: (typeof targets)[number]) => (t.ok / t.elapsed) * 1000
    const [bl, al, bd, ad] = targets

    log(`search: ${SAMPLES} samples, in memory vs ILIKE`)
    const entries = syntheticEntries(SAMPLES)
    const queries = ['辣椒', '猪肉', 'b0427', '蜀红 辣椒', '锦江区某超市']
    const pool = new pg.Pool({ connectionString: bench.url, max: 2 })
    stops.push(() => pool.end())
    await pool.query(
      'create table bench_search (id int primary key, text text not null, rank int, at bigint)',
    )
    await pool.query(
      'insert into bench_search select i, t from unnest($1::text[]) with ordinality as u(t, i)',
      [entries.map((e) => e.text)],
    )
    await pool.query('analyze bench_search')
    const index = new SearchIndex(entries)
    const memory: number[] = []
    const ilike: number[] = []
    for (let i = 0; i < 20; i++)
      for (const q of queries) {
        let t0 = performance.now()
        index.search(q, 0, 50)
        memory.push(performance.now() - t0)
        const terms = q.split(' ')
        t0 = performance.now()
        await pool.query(
          `select id from bench_search where ${terms.map((_, k) => `text ilike $${k + 1}`).join(' and ')} order by rank, at desc limit 51`,
          terms.map((t) => `%${t}%`),
        )
        ilike.push(performance.now() - t0)
      }
    const mem = summarise(memory)
    const sql = summarise(ilike)

    log('search under load')
    const search = await startChildServer('bench/search-server.ts', {
      ...env,
      PORT: '0',
      SEARCH_RATE_PER_MINUTE: '100000000',
      SEARCH_SAMPLES: String(SAMPLES),
    })
    stops.push(() => search.stop())
    await fetch(`${search.url}/api/v1/public/search?q=x`)
    let n = 0
    const distinct = await runLoad({
      url: search.url,
      connections: CONNECTIONS,
      durationS: 5,
      next: () => ({ path: `/api/v1/public/search?q=B${String(n++ % 10000).padStart(4, '0')}`, key: 'q' }),
    })
    const searchRss = rssMb(search.pid)
    const same = await runLoad({
      url: `${search.url}/api/v1/public/search?q=${encodeURIComponent('辣椒')}`,
      connections: CONNECTIONS,
      durationS: 5,
    })
    const dl = summarise(distinct.latencies)
    const sl = summarise(same.latencies)

    const row = (t: (typeof targets)[number]) => {
      const s = summarise(t.lat)
      return `| ${t.label} | ${perSecond(rate(t))} | ${ms(s.median)} | ${ms(s.p99)} | ${statusLine(t.statuses)} |`
    }
    const md = [
      `## Public reads (issue 9) — ${new Date().toISOString()}`,
      '',
      `${os.cpus().length} cores, load before ${os.loadavg()[0]?.toFixed(2)}; autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per route, interleaved; app on PostgreSQL with 205 alerts.`,
      '',
      '| route | req/s | median ms | p99 ms | statuses |',
      '|---|---:|---:|---:|---|',
      row(bl!),
      row(al!),
      row(bd!),
      row(ad!),
      '',
      `Alert list: **${ratio(rate(al!) / rate(bl!))}** of the bare route; one alert: **${ratio(rate(ad!) / rate(bd!))}**. App RSS under that load (max of samples after each run): **${maxRss.toFixed(0)} MB** (idle before the load: ${idleRss.toFixed(0)} MB; the bare server under the same load: ${bareRss.toFixed(0)} MB; both run through the \`tsx\` loader).`,
      '',
      `Search over ${SAMPLES.toLocaleString('en-US')} samples, ${queries.length} queries × 20 (${queries.join(', ')}):`,
      '',
      '| method | median ms | p99 ms |',
      '|---|---:|---:|',
      `| in memory (\`SearchIndex\`: bigram postings, first page of 50) | ${ms(mem.median)} | ${ms(mem.p99)} |`,
      `| PostgreSQL \`ILIKE '%q%'\` (no index can serve it), same order, \`limit 51\` | ${ms(sql.median)} | ${ms(sql.p99)} |`,
      '',
      `Search route under load (${CONNECTIONS} connections, 5 s): 10,000 distinct batch fragments (cache misses): ${perSecond(distinct.perSecond)} req/s, p99 **${ms(dl.p99)} ms** (median ${ms(dl.median)}); one repeated query (\`辣椒\`, cached): ${perSecond(same.perSecond)} req/s, p99 ${ms(sl.p99)} ms. Search server RSS with 100k samples: ${searchRss.toFixed(0)} MB. Statuses: ${statusLine(distinct.statuses)}.`,
      '',
    ].join('\n')
    process.stdout.write(`${md}\n`)
  } finally {
    for (const s of stops.reverse()) await s().catch((e: unknown) => log(String(e)))
  }
}

main().catch((e: unknown) => {
  log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exitCode = 1
})
