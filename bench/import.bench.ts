import { readFileSync, writeFileSync } from 'node:fs'
import { chmod, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { resolve } from 'node:path'
import pg from 'pg'
import { systemClock } from '../src/clock.js'
import type { AppDeps } from '../src/deps.js'
import { parseSampleFile } from '../src/samples/sample-import.js'
import { importSamples } from '../src/samples/sample-import.service.js'
import { districtResolver } from '../src/samples/samples.service.js'
import { makeImportFile, ROWS } from './lib/import-file.js'

/**
 * Sample import: 100,000 CSV rows through `importSamples` (parse, check every row, district lookup, one
 * transaction of samples and items) against PostgreSQL's own server-side `COPY` of the same file, in the
 * same run; the import's peak memory; and where its time goes (the parse alone, and a server-side COPY of
 * the very rows the import wrote into tables shaped and indexed like samples and sample_items — the floor
 * any way of sending the rows would meet). Section 6 of `npm run bench`; alone: `npx tsx
 * bench/import.bench.ts`, which rewrites only its own section of RESULTS.md.
 */

export const IMPORT_GOAL = 0.5

export interface ImportBenchResult {
  rows: number
  samples: number
  bytes: number
  rounds: number
  loadAverage: number
  /** Medians over the rounds, ms. */
  importMs: number
  parseMs: number
  copyMs: number
  floorMs: number
  rssBeforeMb: number
  rssPeakMb: number
  /** Whether the peak could be reset before the import (Linux clear_refs), so it is the import's own. */
  rssPeakIsOwn: boolean
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

function peakRssMb(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024
}

/** Resets the RSS high-water mark, so an earlier section's peak is not reported as the import's. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

export async function benchImport(opts: {
  deps: Pick<AppDeps, 'db' | 'districts'>
  pool: pg.Pool
  rounds: number
  log: (line: string) => void
}): Promise<ImportBenchResult> {
  const { pool, log } = opts
  const deps = { db: opts.deps.db, districts: opts.deps.districts, clock: systemClock }
  const dir = os.tmpdir()
  const file = resolve(dir, `redshield-import-${process.pid}.csv`)
  const dump = resolve(dir, `redshield-import-${process.pid}-%s.copy`)
  // The baseline's table: the file's 14 columns as text, loaded by the server from the file itself.
  await pool.query(
    `create table copy_target (${Array.from({ length: 14 }, (_, i) => `c${i} text`).join(', ')})`,
  )
  await pool.query('create table floor_samples (like samples including all)')
  await pool.query('create table floor_items (like sample_items including all)')
  const imports: number[] = []
  const parses: number[] = []
  const copies: number[] = []
  const floors: number[] = []
  let samples = 0
  let bytes = 0
  let rssBeforeMb = 0
  let rssPeakMb = 0
  let rssPeakIsOwn = false
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const made = makeImportFile(`R${round}-`)
      samples = made.samples
      bytes = Buffer.byteLength(made.text)
      await writeFile(file, made.text)
      await chmod(file, 0o644)
      // COPY first in odd rounds, the import first in even ones: neither always meets a warmer cache.
      const runCopy = async () => {
        const t0 = performance.now()
        await pool.query(`copy copy_target from '${file}' with (format csv, header true)`)
        copies.push(performance.now() - t0)
      }
      const runImport = async () => {
        const text = await readFile(file, 'utf8')
        if (round === 0) {
          rssPeakIsOwn = resetPeakRss()
          rssBeforeMb = process.memoryUsage().rss / 1024 / 1024
        }
        const t0 = performance.now()
        const r = await importSamples(deps, { actor: null, requestId: 'bench' }, { text })
        imports.push(performance.now() - t0)
        if (r.samples !== samples) throw new Error(`imported ${r.samples}, expected ${samples}`)
        if (round === 0) rssPeakMb = peakRssMb()
        // Where the time goes: the parse alone, and the server storing the same rows from its own COPY.
        const p0 = performance.now()
        parseSampleFile(text.replaceAll(`R${round}-`, `P${round}-`), districtResolver(deps.districts))
        parses.push(performance.now() - p0)
        const floorMs = await copyFloor(pool, r.importId, dump)
        floors.push(floorMs)
      }
      if (round % 2 === 0) {
        await runImport()
        await runCopy()
      } else {
        await runCopy()
        await runImport()
      }
      log(
        `round ${round + 1}: import ${imports.at(-1)?.toFixed(0)} ms (parse ${parses.at(-1)?.toFixed(0)}), ` +
          `COPY ${copies.at(-1)?.toFixed(0)} ms, COPY into samples-shaped tables ${floors.at(-1)?.toFixed(0)} ms`,
      )
    }
  } finally {
    await rm(file, { force: true })
    for (const t of ['samples', 'items']) await rm(dump.replace('%s', t), { force: true })
  }
  return {
    rows: ROWS,
    samples,
    bytes,
    rounds: opts.rounds,
    loadAverage: os.loadavg()[0] ?? Number.NaN,
    importMs: median(imports),
    parseMs: median(parses),
    copyMs: median(copies),
    floorMs: median(floors),
    rssBeforeMb,
    rssPeakMb,
    rssPeakIsOwn,
  }
}

/** Server-side COPY of one import's rows into indexed copies of its two tables: what storing them costs. */
async function copyFloor(pool: pg.Pool, importId: string, dump: string): Promise<number> {
  const samplesFile = dump.replace('%s', 'samples')
  const itemsFile = dump.replace('%s', 'items')
  await pool.query(`copy (select * from samples where import_id = '${importId}') to '${samplesFile}'`)
  await pool.query(
    `copy (select i.* from sample_items i join samples s on s.id = i.sample_id where s.import_id = '${importId}') to '${itemsFile}'`,
  )
  await pool.query('truncate floor_samples, floor_items')
  const t0 = performance.now()
  const client = await pool.connect()
  try {
    await client.query('begin')
    await client.query(`copy floor_samples from '${samplesFile}'`)
    await client.query(`copy floor_items from '${itemsFile}'`)
    await client.query('commit')
  } finally {
    client.release()
  }
  return performance.now() - t0
}

export function importSection(r: ImportBenchResult, heading = '6. Sample import (PostgreSQL)'): string {
  const ratio = r.copyMs / r.importMs
  const rate = (ms: number) => Math.round(r.rows / (ms / 1000)).toLocaleString('en')
  return `<!-- import:start -->
## ${heading}

${r.rows.toLocaleString('en')} rows (${(r.bytes / 1024 / 1024).toFixed(1)} MiB, ${r.samples.toLocaleString('en')} samples, one in ten failing, some spanning two rows), ${r.rounds} rounds alternating which goes first; medians. 1-minute load average ${r.loadAverage.toFixed(1)} at the end of this section.

| way | median ms | rows per second | rate ÷ COPY |
| --- | --- | --- | --- |
| baseline: server-side \`COPY copy_target FROM 'file' CSV\` (14 text columns, no index, no checks) | ${r.copyMs.toFixed(0)} | ${rate(r.copyMs)} | 1.00× |
| \`importSamples\` (parse, check every row, districts, samples + items in one transaction) | ${r.importMs.toFixed(0)} | ${rate(r.importMs)} | ${ratio.toFixed(2)}× |
| of which the parse and checks alone (no database) | ${r.parseMs.toFixed(0)} | ${rate(r.parseMs)} | ${(r.copyMs / r.parseMs).toFixed(2)}× |
| floor: server-side COPY of the rows the import wrote into tables shaped and indexed like \`samples\` and \`sample_items\`, one transaction | ${r.floorMs.toFixed(0)} | ${rate(r.floorMs)} | ${(r.copyMs / r.floorMs).toFixed(2)}× |

Goal: ≥ ${IMPORT_GOAL}× COPY's rate — **${ratio >= IMPORT_GOAL ? 'met' : 'not met'}**. The floor row is what no client-side change can beat: storing 25 columns under three indexes (uuid key, unique number, district) plus the items, against 14 unindexed text columns. Peak memory (RSS high-water mark${r.rssPeakIsOwn ? ', reset just before' : ''}) during the first import: ${r.rssPeakMb.toFixed(0)} MiB, from ${r.rssBeforeMb.toFixed(0)} MiB before it (the file text, the parsed samples and one chunk's JSON parameter).
<!-- import:end -->`
}

async function main() {
  const { prepare } = await import('../src/boot.js')
  const { loadConfig } = await import('../src/config.js')
  const { createLogger } = await import('../src/logger.js')
  const { createBenchDatabase, DEFAULT_SERVER_URL } = await import('./lib/bench-db.js')
  const { REPO_ROOT } = await import('./lib/child-server.js')
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const bench = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL)
  try {
    const config = loadConfig({
      DATABASE_URL: bench.url,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks'),
    })
    const { database, districts } = await prepare(config, createLogger('warn'), systemClock)
    const pool = new pg.Pool({ connectionString: bench.url, max: 2 })
    const rounds = Number(process.env.IMPORT_ROUNDS ?? 5)
    const result = await benchImport({ deps: { db: database.db, districts }, pool, rounds, log }).finally(
      async () => {
        await pool.end()
        await database.close()
      },
    )
    const section = importSection(
      result,
      `Sample import, run alone (\`npx tsx bench/import.bench.ts\`) — ${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores · Node ${process.version} · PostgreSQL ${bench.serverVersion}`,
    )
    const path = resolve(import.meta.dirname, 'RESULTS.md')
    const current = await readFile(path, 'utf8')
    const next = current.includes('<!-- import:start -->')
      ? current.replace(/<!-- import:start -->[\s\S]*<!-- import:end -->/, section)
      : `${current.trimEnd()}\n\n${section}\n`
    await writeFile(path, next)
    process.stdout.write(`${section}\n`)
  } finally {
    await bench.drop()
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename))
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
