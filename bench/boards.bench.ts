/**
 * Retailer boards at scale (issue 10), standalone: `tsx bench/boards.bench.ts [retailers...]`.
 * Seeds N retailers across 20 districts, 50,000 samples of which 500 fail (all in one standing announcement
 * published today) and a few linked to retailers; then times a first full refresh, a full refresh with nothing
 * changed, and one publication's refresh of the boards it touches. Baseline, measured in the same run: one
 * `select count(*) from retailers` round trip. Appends to bench/RESULTS.md.
 */
import { appendFile } from 'node:fs/promises'
import os from 'node:os'
import { resolve } from 'node:path'
import { sql } from 'kysely'
import { refreshBoards } from '../src/boards/board-refresh.js'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/logger.js'
import { createBenchDatabase, DEFAULT_SERVER_URL } from './lib/bench-db.js'
import { REPO_ROOT } from './lib/child-server.js'

const SAMPLES = 50_000
const FAILING = 500
const log = (s: string) => process.stderr.write(`${s}\n`)

async function run(retailers: number) {
  const bench = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL)
  const config = loadConfig({
    DATABASE_URL: bench.url,
    SCHEDULER: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks'),
  })
  const { database, districts } = await prepare(config, createLogger('warn'), systemClock)
  const db = database.db
  try {
    const codes = districts.codes().slice(0, 20)
    const arr = sql.val(codes)
    await sql`insert into retailers (id, name_zh, district_code, address, name_norm, address_norm)
      select 'r-' || g, '商场' || g, (${arr}::text[])[1 + g % 20], '地址' || g, '商场' || g, '地址' || g
      from generate_series(1, ${retailers}) g`.execute(db)
    // Samples: the first FAILING fail; one in a hundred was taken at a retailer (linked).
    await sql`insert into samples (id, no, unit_name, unit_name_norm, unit_address, district_code, food_name,
        category, verdict, public, created_at)
      select gen_random_uuid(), 'B' || g, '商场' || (g % ${retailers} + 1), '商场' || (g % ${retailers} + 1),
        '地址' || (g % ${retailers} + 1), (${arr}::text[])[1 + (g % ${retailers} + 1) % 20], '食品' || g, '调味品',
        case when g <= ${FAILING} then 'fail' else 'pass' end, true, now()
      from generate_series(1, ${SAMPLES}) g`.execute(db)
    await sql`insert into sample_items (sample_id, position, name, result, verdict)
      select id, 1, '苏丹红Ⅰ号', '1.8mg/kg', 'fail' from samples where verdict = 'fail'`.execute(db)
    await sql`insert into retailer_samples (sample_id, retailer_id, linked_at)
      select id, 'r-' || substr(unit_name, 3), now() from samples where substr(no, 2)::int % 100 = 0
      or verdict = 'fail' and substr(no, 2)::int % 10 = 0`.execute(db)
    const uid = '00000000-0000-4000-8000-000000000001'
    await sql`insert into announcements (id, number, title, period, kind, status, exercise, drafted_by,
        drafted_by_name, created_at, updated_at, published_at)
      values (gen_random_uuid(), 'BENCH-1', 'bench', '2026Q4', 'original', 'published', false, ${uid}, 'bench',
        now(), now(), now())`.execute(db)
    await sql`insert into announcement_samples (announcement_id, sample_id, position)
      select (select id from announcements where number = 'BENCH-1'), id, row_number() over () from samples`.execute(
      db,
    )
    await sql`analyze`.execute(db)
    const deps = { db, clock: systemClock, districts, config }
    const time = async <T>(fn: () => Promise<T>) => {
      const t0 = performance.now()
      const r = await fn()
      return { ms: performance.now() - t0, r }
    }
    const base = await time(() => sql`select count(*) from retailers`.execute(db))
    const full = await time(() => refreshBoards(deps, { all: true }))
    const same = await time(() => refreshBoards(deps, { all: true }))
    const same2 = await time(() => refreshBoards(deps, { all: true }))
    // One publication: a new failing product in the first district; its boards must show it.
    await sql`insert into samples (id, no, unit_name, unit_name_norm, unit_address, district_code, food_name,
        category, verdict, public, created_at)
      values (gen_random_uuid(), 'PUB-1', 'x', 'x', 'x', ${codes[0]}, '新不合格', '调味品', 'fail', true, now())`.execute(
      db,
    )
    await sql`insert into announcements (id, number, title, period, kind, status, exercise, drafted_by,
        drafted_by_name, created_at, updated_at, published_at)
      values (gen_random_uuid(), 'BENCH-2', 'bench', '2026Q4', 'original', 'published', false, ${uid}, 'bench',
        now(), now(), now() + interval '1 second')`.execute(db)
    await sql`insert into announcement_samples (announcement_id, sample_id, position)
      select (select id from announcements where number = 'BENCH-2'), id, 1 from samples where no = 'PUB-1'`.execute(
      db,
    )
    const pub = await time(() => refreshBoards(deps, { districts: [codes[0] as string] }))
    const rss = Math.round(process.memoryUsage().rss / 1048576)
    return {
      retailers,
      base: base.ms,
      full: full.ms,
      fullChanged: full.r.changed,
      same: Math.min(same.ms, same2.ms),
      sameChanged: same2.r.changed,
      pub: pub.ms,
      pubBoards: pub.r.changed,
      rss,
    }
  } finally {
    await database.close()
    await bench.drop()
  }
}

const sizes = process.argv.slice(2).map(Number)
const rows = []
for (const n of sizes.length ? sizes : [1000, 10_000, 50_000]) {
  log(`boards bench: ${n} retailers`)
  rows.push(await run(n))
  log(JSON.stringify(rows.at(-1)))
}
const f = (ms: number) => `${ms.toFixed(0)} ms`
const table = [
  `\n## Retailer boards (issue 10) — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}, PostgreSQL`,
  '',
  `${SAMPLES} samples, ${FAILING} failing in the last 90 days, 20 districts. Baseline: one \`select count(*)\` round trip in the same run.`,
  '',
  '| retailers | baseline | full refresh (boards written) | nothing changed (× baseline) | one publication (boards changed) | RSS |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.retailers} | ${f(r.base)} | ${f(r.full)} (${r.fullChanged}) | ${f(r.same)} (${(r.same / r.base).toFixed(0)}×; ${r.sameChanged} written) | ${f(r.pub)} (${r.pubBoards}) | ${r.rss} MB |`,
  ),
  '',
].join('\n')
await appendFile(resolve(import.meta.dirname, 'RESULTS.md'), table)
process.stdout.write(table)
