/**
 * Section 10, issue 18 at scale: `npm run bench -- --only=credit` (or part of the full run). A fresh database
 * with `n` (50,000) businesses across 20 districts and no record yet (every one is classified for the first
 * time: the write-heaviest rules change). Timed, each with its baseline in the same run: reclassifying all
 * (what a rules change does) against writing the same number of rows of the same shape in one statement;
 * reclassifying one business (what one event does: a publication, a closed rectification or complaint, an
 * inspection) against one round trip; the draw of a plan over all of them (pure,
 * src/inspections/inspection-draw.ts) against sorting the same ids and hashing as many counters.
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
import { createBenchDatabase } from './lib/bench-db.js'
import { REPO_ROOT } from './lib/child-server.js'
import { ms, ratio, summarise } from './lib/stats.js'

const ONE_RUNS = 50
const now = () => performance.now()

export interface CreditResult {
  n: number
  allMs: number
  baseAllMs: number
  oneMedian: number
  oneP99: number
  tripMedian: number
  drawn: number
  drawMs: number
  baseDrawMs: number
}

export async function benchCreditDraw(opts: {
  serverUrl: string
  n: number
  log: (line: string) => void
}): Promise<CreditResult> {
  const { n: N, log } = opts
  const bench = await createBenchDatabase(opts.serverUrl)
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
    log(`   reclassify all ${N}`)
    const t0 = now()
    await inTransaction(db, (trx) => reclassify(trx, 'all', new Date(), 'bench: rules change'))
    const allMs = now() - t0
    const t1 = now()
    await sql`create temp table credit_copy as select * from business_credit with no data`.execute(db)
    await sql`insert into credit_copy (business_id, class, score, lines, rules_hash, computed_at)
      select id, 'A', 0, '[]'::jsonb, 'x', now() from businesses`.execute(db)
    const baseAllMs = now() - t1
    log(`   reclassify one, ${ONE_RUNS} times`)
    const one: number[] = []
    const trip: number[] = []
    for (let i = 0; i < ONE_RUNS; i++) {
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
    log(`   draw over ${N}`)
    const d0 = now()
    const list = draw('bench-seed-2026', { A: 0.05, B: 0.1, C: 0.3, D: 1 }, population, () => officers)
    const drawMs = now() - d0
    const e0 = now()
    ;[...ids].sort()
    for (let i = 0; i < N; i++) createHash('sha256').update(`s:${i}`).digest()
    const baseDrawMs = now() - e0
    const o = summarise(one)
    return {
      n: N,
      allMs,
      baseAllMs,
      oneMedian: o.median,
      oneP99: o.p99,
      tripMedian: summarise(trip).median,
      drawn: list.length,
      drawMs,
      baseDrawMs,
    }
  } finally {
    await database.close()
    await bench.drop()
  }
}

export function creditSection(r: CreditResult, stamp: string): string {
  const n = r.n.toLocaleString('en-US')
  return [
    '<!-- credit:start -->',
    '## 10. Credit classes and the 双随机 draw',
    '',
    stamp,
    '',
    `${n} businesses across 20 districts, none classified yet (every one is written: the heaviest rules change). ` +
      'Reclassifying reads each business’s samples, rectifications, inspections and upheld complaints and writes ' +
      'the classes and explanation lines that changed, in one transaction.',
    '',
    '| measure | ms | ÷ baseline |',
    '| --- | --- | --- |',
    `| reclassify all ${n} (a rules change) | ${ms(r.allMs)} | ${ratio(r.allMs / r.baseAllMs)} |`,
    `| baseline: write ${n} credit rows in one statement | ${ms(r.baseAllMs)} | 1.00× |`,
    `| reclassify one business (one event), median of ${ONE_RUNS} (p99 ${ms(r.oneP99)}) | ${ms(r.oneMedian)} | ${ratio(r.oneMedian / r.tripMedian)} |`,
    `| baseline: one round trip, median | ${ms(r.tripMedian)} | 1.00× |`,
    `| draw over ${n} (${r.drawn.toLocaleString('en-US')} drawn, 2 officers each) | ${ms(r.drawMs)} | ${ratio(r.drawMs / r.baseDrawMs)} |`,
    `| baseline: sort ${n} ids + ${n} sha256 | ${ms(r.baseDrawMs)} | 1.00× |`,
    '<!-- credit:end -->',
  ].join('\n')
}
