/**
 * Retailer boards at scale (issue 10): section 8 of `npm run bench`, alone with `npm run bench -- --only=boards`.
 * Per size, a fresh database with N retailers across 20 districts and 50,000 samples of which 500 fail (all in
 * one standing announcement published today, a few linked to retailers). Timed: the first full refresh (every
 * board new), a full refresh where nothing changed, one publication of 300 samples taken at 300 retailers
 * through the real path (the publish job commits it with its event, the bus delivers the event, the board
 * consumer refreshes what it touches) until the 300th board's new version is readable, and a full refresh
 * where every board changed (a city-wide alert). Baselines in the same run: one `select count(*)` round trip
 * and reading every board's `(retailer_id, input_hash)` — the floor of a nothing-changed refresh.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import { sql } from 'kysely'
import { publishDueAnnouncements } from '../src/announcements/announcement-publish.job.js'
import { boardEventsJob } from '../src/boards/board-events.job.js'
import { refreshBoards } from '../src/boards/board-refresh.js'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import type { AppDeps } from '../src/deps.js'
import { startLive } from '../src/events/live.js'
import { startScheduler } from '../src/jobs/scheduler.js'
import { createLogger } from '../src/logger.js'
import { createBenchDatabase } from './lib/bench-db.js'
import { REPO_ROOT } from './lib/child-server.js'
import { ms, summarise } from './lib/stats.js'

const SAMPLES = 50_000
const FAILING = 500
const TOUCHED = 300
const ROUNDS = 3
const MB = 1_048_576

export interface BoardsRow {
  retailers: number
  countMs: number
  hashesMs: number
  fullMs: number
  fullWritten: number
  sameMs: number[]
  sameWritten: number
  publicationMs: number
  publicationChanged: number
  allChangedMs: number
  allChangedWritten: number
  rssMb: number
  maxRssMb: number
}

const time = async <T>(fn: () => Promise<T>) => {
  const t0 = performance.now()
  const r = await fn()
  return { ms: performance.now() - t0, r }
}

async function seed(db: AppDeps['db'], codes: string[], retailers: number) {
  const arr = sql.val(codes)
  await sql`insert into retailers (id, name_zh, district_code, address, name_norm, address_norm)
    select 'r-' || g, '商场' || g, (${arr}::text[])[1 + g % 20], '地址' || g, '商场' || g, '地址' || g
    from generate_series(1, ${retailers}) g`.execute(db)
  // The first FAILING samples fail; one in a hundred was taken at a retailer (linked).
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
  await announcement(db, 'BENCH-1', 'published')
  await sql`insert into announcement_samples (announcement_id, sample_id, position)
    select (select id from announcements where number = 'BENCH-1'), id, row_number() over () from samples`.execute(
    db,
  )
  await sql`analyze`.execute(db)
}

const BENCH_USER = '00000000-0000-4000-8000-000000000001'
function announcement(db: AppDeps['db'], number: string, status: 'published' | 'approved') {
  // An approved one is due now: the publish job publishes it as the scheduler would.
  return sql`insert into announcements (id, number, title, period, kind, status, exercise, drafted_by,
      drafted_by_name, approved_by, approved_by_name, approved_at, publish_at, created_at, updated_at, published_at)
    values (${randomUUID()}, ${number}, '抽检信息', '2026Q4', 'original', ${status}, false, ${BENCH_USER}, 'bench',
      ${BENCH_USER}, 'bench', now(), now() - interval '1 second', now(), now(),
      ${status === 'published' ? sql`now()` : sql`null`})`.execute(db)
}

/**
 * One publication of TOUCHED passed samples, one at each of the first TOUCHED retailers (by district): each of
 * their boards gains a line in its own sampling record. Timed from the publish job's call until the last of
 * those boards has a new version, polling the boards table as a kiosk's `GET` reads it.
 */
async function publication(deps: AppDeps) {
  const db = deps.db
  const shops = await db
    .selectFrom('retailers')
    .select(['id', 'name_zh', 'address', 'district_code'])
    .orderBy('district_code')
    .orderBy('id')
    .limit(TOUCHED)
    .execute()
  const ids = shops.map((s) => s.id)
  const before = await db
    .selectFrom('boards')
    .select(({ fn }) => fn.sum<number>('version').as('v'))
    .where('retailer_id', 'in', ids)
    .executeTakeFirstOrThrow()
  await announcement(db, 'BENCH-PUB', 'approved')
  const samples = shops.map((s, i) => ({ id: randomUUID(), no: `PUB-${i}`, shop: s }))
  await db
    .insertInto('samples')
    .values(
      samples.map((s) => ({
        id: s.id,
        no: s.no,
        unit_name: s.shop.name_zh,
        unit_name_norm: s.shop.name_zh,
        unit_address: s.shop.address ?? '',
        district_code: s.shop.district_code,
        food_name: '新抽检食品',
        category: '调味品',
        verdict: 'pass',
        public: false,
        created_at: new Date(),
      })),
    )
    .execute()
  await db
    .insertInto('retailer_samples')
    .values(samples.map((s) => ({ sample_id: s.id, retailer_id: s.shop.id, linked_at: new Date() })))
    .execute()
  await sql`insert into announcement_samples (announcement_id, sample_id, position)
    select (select id from announcements where number = 'BENCH-PUB'), id, row_number() over ()
    from samples where no like 'PUB-%'`.execute(db)
  const changed = async () => {
    const r = await db
      .selectFrom('boards')
      .select(({ fn }) => [fn.countAll<number>().as('n')])
      .where('retailer_id', 'in', ids)
      .where(
        'changed_at',
        '>',
        sql<Date>`(select published_at from announcements where number = 'BENCH-PUB')`,
      )
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }
  const t0 = performance.now()
  if ((await publishDueAnnouncements(deps)) !== 1) throw new Error('the publication was not published')
  while ((await changed()) < TOUCHED) {
    if (performance.now() - t0 > 120_000) throw new Error('boards did not show the publication in 2 min')
    await new Promise((r) => setTimeout(r, 5))
  }
  const ms = performance.now() - t0
  const after = await db
    .selectFrom('boards')
    .select(({ fn }) => fn.sum<number>('version').as('v'))
    .executeTakeFirstOrThrow()
  const all = await db
    .selectFrom('boards')
    .select(({ fn }) => fn.sum<number>('version').as('v'))
    .where('retailer_id', 'not in', ids)
    .executeTakeFirstOrThrow()
  return { ms, ids, before: Number(before.v), after: Number(after.v), others: Number(all.v) }
}

async function runSize(retailers: number, log: (s: string) => void, serverUrl: string): Promise<BoardsRow> {
  const bench = await createBenchDatabase(serverUrl)
  const config = loadConfig({
    DATABASE_URL: bench.url,
    SCHEDULER: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks'),
  })
  const logger = createLogger('warn')
  const { database, districts, playbooks } = await prepare(config, logger, systemClock)
  const live = await startLive({ database, db: database.db, logger, config })
  const deps: AppDeps = {
    config,
    logger,
    clock: systemClock,
    database,
    db: database.db,
    districts,
    playbooks,
    ...live,
  }
  let consumer: ReturnType<typeof startScheduler> | undefined
  try {
    const codes = districts.codes().slice(0, 20)
    await seed(deps.db, codes, retailers)
    log(`  seeded ${retailers} retailers`)
    const full = await time(() => refreshBoards(deps, { all: true }))
    const count = await time(() => sql`select count(*) from retailers`.execute(deps.db))
    const hashes = await time(() => sql`select retailer_id, input_hash from boards`.execute(deps.db))
    const same = []
    for (let i = 0; i < ROUNDS; i++) same.push(await time(() => refreshBoards(deps, { all: true })))
    log(`  full ${full.ms.toFixed(0)} ms, nothing changed ${same.map((s) => s.ms.toFixed(0)).join('/')} ms`)
    consumer = startScheduler(deps, [boardEventsJob])
    const before = await deps.db
      .selectFrom('boards')
      .select(({ fn }) => fn.sum<number>('version').as('v'))
      .executeTakeFirstOrThrow()
    const pub = await publication(deps)
    await consumer.idle()
    // Exactly the touched boards got one version each: the sum over all boards grew by TOUCHED.
    const grew = pub.after - Number(before.v)
    log(`  publication: ${pub.ms.toFixed(0)} ms until ${TOUCHED} boards showed it; versions +${grew}`)
    await sql`insert into alerts (id, source, level, status, exercise, districts, content, version,
        current_version_id, created_at, updated_at)
      values (${randomUUID()}, 'incident', 4, 'active', false, '{}', ${JSON.stringify({
        title: { zh: '全市提示', en: 'City notice' },
        instruction: { zh: '注意', en: 'Take care' },
      })}, 1, ${randomUUID()}, now(), now())`.execute(deps.db)
    const allChanged = await time(() => refreshBoards(deps, { all: true }))
    return {
      retailers,
      countMs: count.ms,
      hashesMs: hashes.ms,
      fullMs: full.ms,
      fullWritten: full.r.changed,
      sameMs: same.map((s) => s.ms),
      sameWritten: Math.max(...same.map((s) => s.r.changed)),
      publicationMs: pub.ms,
      publicationChanged: grew,
      allChangedMs: allChanged.ms,
      allChangedWritten: allChanged.r.changed,
      rssMb: process.memoryUsage().rss / MB,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }
  } finally {
    consumer?.stop()
    await live.events.stop()
    await database.close()
    await bench.drop()
  }
}

export async function benchBoards(opts: { sizes: number[]; serverUrl: string; log: (s: string) => void }) {
  const rows: BoardsRow[] = []
  for (const n of opts.sizes) {
    opts.log(`boards: ${n} retailers`)
    rows.push(await runSize(n, opts.log, opts.serverUrl))
  }
  return rows
}

const median = (v: number[]) => summarise(v).median
const x = (v: number, base: number) => `${(v / base).toFixed(0)}×`

export function boardsSection(rows: BoardsRow[], stamp: string): string {
  const first = rows[0]
  const growth = (pick: (r: BoardsRow) => number) =>
    first ? rows.map((r) => `${(pick(r) / pick(first)).toFixed(1)}×`).join(' → ') : ''
  return [
    '<!-- boards:start -->',
    '## 8. Retailer boards',
    '',
    stamp,
    '',
    `${SAMPLES.toLocaleString('en-US')} samples (${FAILING} failing, published in the last 90 days), 20 districts, ` +
      `a fresh database per size. Baselines in the same run: **A** one \`select count(*) from retailers\` round ` +
      'trip; **B** `select retailer_id, input_hash from boards` (one narrow row per board: the floor of a ' +
      `nothing-changed refresh). "Nothing changed" is the median of ${ROUNDS} rounds. "Publication" is ${TOUCHED} ` +
      'passed samples at 300 retailers published by the publish job; the clock runs until the 300th board has ' +
      'its new version, through the event bus and the board consumer. "All changed": a city-wide alert, then a ' +
      'full refresh. Goals at 10,000 retailers: full refresh ≤ 5 s, nothing changed ≤ 100 ms.',
    '',
    '| retailers | A | B | full refresh, first (boards written) | nothing changed (rounds) | ÷ B | publication → 300 boards (versions added) | all changed (written) | RSS now / peak |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const same = median(r.sameMs)
      return (
        `| ${r.retailers.toLocaleString('en-US')} | ${ms(r.countMs)} ms | ${ms(r.hashesMs)} ms | ` +
        `${ms(r.fullMs)} ms (${r.fullWritten}) | **${ms(same)} ms** (${r.sameMs.map(ms).join(', ')}; ` +
        `${r.sameWritten} written) | ${x(same, r.hashesMs)} | **${ms(r.publicationMs)} ms** ` +
        `(+${r.publicationChanged}) | ${ms(r.allChangedMs)} ms (${r.allChangedWritten}) | ` +
        `${r.rssMb.toFixed(0)} / ${r.maxRssMb.toFixed(0)} MB |`
      )
    }),
    '',
    `Growth from the first size: full refresh ${growth((r) => r.fullMs)}; nothing changed ` +
      `${growth((r) => median(r.sameMs))}; all changed ${growth((r) => r.allChangedMs)}.`,
    '<!-- boards:end -->',
  ].join('\n')
}
