/**
 * Issue 18 at scale, standalone: `npx tsx bench/credit-draw.bench.ts` (PostgreSQL at BENCH_DATABASE_URL or the
 * local server). A fresh database with 50,000 businesses across 20 districts and no record yet (every one is
 * classified for the first time: the write-heaviest rules change). Timed, each with its baseline in
 * the same run: reclassifying all 50,000 (what a rules change does) against reading their ids and writing
 * 50,000 rows of the same shape in one statement; reclassifying one business (what one event does) against one
 * round trip; the draw of a plan over 50,000 businesses (pure, src/inspections/inspection-draw.ts) against
 * sorting the same 50,000 ids and hashing 50,000 counters.
 */
import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { sql } from 'kysely'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import { reclassify } from '../src/credit/credit.service.js'
import { inTransaction } from '../src/db/transaction.js'
import { type Candidate, draw } from '../src/inspections/inspection-draw.js'
import { createLogger } from '../src/logger.js'
import { createBenchDatabase, DEFAULT_SERVER_URL } from './lib/bench-db.js'
import { REPO_ROOT } from './lib/child-server.js'
import { ms, ratio, summarise } from './lib/stats.js'

const N = 50_000
const now = () => performance.now()

async function main() {
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
    const codes = districts.items.map((d) => d.code)
    await sql`insert into businesses (id, name, name_norm, address_norm, district_code, kinds, created_at)
      select gen_random_uuid(), '商户' || g, 'shanghu' || g, '', (${codes}::text[])[1 + g % ${codes.length}],
        '{sampled_unit}', now()
      from generate_series(1, ${N}) g`.execute(db)
    const ids = (await db.selectFrom('businesses').select('id').orderBy('id').execute()).map((r) => r.id)
    const t0 = now()
    await inTransaction(db, (trx) => reclassify(trx, 'all', new Date(), 'bench: rules change'))
    const allMs = now() - t0
    const t1 = now()
    await sql`create temp table credit_copy as select * from business_credit with no data`.execute(db)
    await sql`insert into credit_copy (business_id, class, score, lines, rules_hash, computed_at)
      select id, 'A', 0, '[]'::jsonb, 'x', now() from businesses`.execute(db)
    const baseAllMs = now() - t1
    const one: number[] = []
    const trip: number[] = []
    for (let i = 0; i < 50; i++) {
      const id = ids[(i * 997) % ids.length] as string
      const a = now()
      await inTransaction(db, (trx) => reclassify(trx, [id], new Date(), 'bench: one event'))
      one.push(now() - a)
      const b = now()
      await sql`select 1`.execute(db)
      trip.push(now() - b)
    }
    const population: Candidate[] = ids.map((id, i) => ({
      id,
      district: codes[i % codes.length] as string,
      class: (['A', 'B', 'C', 'D'] as const)[i % 4] as Candidate['class'],
    }))
    const officers = Array.from({ length: 10 }, (_, i) => `officer-${i}`)
    const d0 = now()
    const list = draw('bench-seed-2026', { A: 0.05, B: 0.1, C: 0.3, D: 1 }, population, () => officers)
    const drawMs = now() - d0
    const e0 = now()
    ;[...ids].sort()
    for (let i = 0; i < N; i++) createHash('sha256').update(`s:${i}`).digest()
    const baseDrawMs = now() - e0
    const o = summarise(one)
    const r = summarise(trip)
    console.log(`| measure | ms | ÷ baseline |
| --- | --- | --- |
| reclassify all ${N.toLocaleString('en-US')} (rules change) | ${ms(allMs)} | ${ratio(allMs / baseAllMs)} |
| baseline: write ${N.toLocaleString('en-US')} credit rows in one statement | ${ms(baseAllMs)} | 1.00× |
| reclassify one business (one event), median of 50 | ${ms(o.median)} | ${ratio(o.median / r.median)} |
| baseline: one round trip, median | ${ms(r.median)} | 1.00× |
| draw over ${N.toLocaleString('en-US')} (${list.length.toLocaleString('en-US')} drawn, 2 officers each) | ${ms(drawMs)} | ${ratio(drawMs / baseDrawMs)} |
| baseline: sort ${N.toLocaleString('en-US')} ids + ${N.toLocaleString('en-US')} sha256 | ${ms(baseDrawMs)} | 1.00× |`)
  } finally {
    await database.close()
    await bench.drop()
  }
}

await main()
