import { readFileSync, writeFileSync } from 'node:fs'
import { chmod, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { resolve } from 'node:path'
import pg from 'pg'
import { systemClock } from '../src/clock.js'
import type { AppDeps } from '../src/deps.js'
import { readSampleFile } from '../src/samples/sample-import.js'
import { importSamples } from '../src/samples/sample-import.service.js'
import { districtResolver } from '../src/samples/samples.service.js'
import { makeImportFile, ROWS } from './lib/import-file.js'

/**
 * Sample import: 100,000 CSV rows through `importSamples` (read, check every row, district lookup, one
 * transaction of samples and items) against PostgreSQL's own COPY in the same run. The judged baseline is
 * COPY of the very rows the import writes into the same tables (samples and sample_items as the schema has
 * them, with their indexes, one transaction): what the database itself needs to store this data. A second
 * baseline keeps the raw file COPYed into an unindexed 14-text-column table. Also: the read and checks alone,
 * and the import's peak memory. Section 6 of `npm run bench`; alone: `npx tsx bench/import.bench.ts`, which
 * rewrites only its own section of RESULTS.md.
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
  /** COPY of the import's own rows into samples and sample_items: the judged baseline. */
  sameTableCopyMs: number
  /** COPY of the raw file into an unindexed text table: the reference row. */
  rawCopyMs: number
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

const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

export async function benchImport(opts: {
  deps: Pick<AppDeps, 'db' | 'database' | 'districts'>
  pool: pg.Pool
  rounds: number
  log: (line: string) => void
}): Promise<ImportBenchResult> {
  const { pool, log } = opts
  const deps = { ...opts.deps, clock: systemClock }
  const ctx = { actor: null, requestId: 'bench' }
  const dir = os.tmpdir()
  const file = resolve(dir, `redshield-import-${process.pid}.csv`)
  const dumps = { samples: `${file}.samples.copy`, items: `${file}.items.copy` }
  const made = makeImportFile('R-')
  const text = made.text
  await writeFile(file, text)
  await chmod(file, 0o644)
  await pool.query(
    `create table copy_target (${Array.from({ length: 14 }, (_, i) => `c${i} text`).join(', ')})`,
  )
  // Removes what an import or a baseline wrote (not timed), so every round starts from the same tables.
  const importIds = new Set<string>()
  const clear = async () => {
    const ids = [...importIds]
    await pool.query(
      'delete from sample_items where sample_id in (select id from samples where import_id = any($1::uuid[]))',
      [ids],
    )
    await pool.query('delete from samples where import_id = any($1::uuid[])', [ids])
    await pool.query('delete from sample_imports where id = any($1::uuid[])', [ids])
    await pool.query('truncate copy_target')
    await pool.query('vacuum analyze samples, sample_items, sample_imports')
  }
  const ways = {
    import: [] as number[],
    sameTable: [] as number[],
    raw: [] as number[],
  }
  const parses: number[] = []
  let rssBeforeMb = 0
  let rssPeakMb = 0
  let rssPeakIsOwn = false
  try {
    // The rows the import writes, dumped by the server for the same-table baseline.
    const first = await importSamples(deps, ctx, { text })
    importIds.add(first.importId)
    await pool.query(
      `copy (select * from samples where import_id = '${first.importId}') to '${dumps.samples}'`,
    )
    await pool.query(
      `copy (select i.* from sample_items i join samples s on s.id = i.sample_id where s.import_id = '${first.importId}') to '${dumps.items}'`,
    )
    await clear()
    const run = {
      import: async () => {
        if (ways.import.length === 0) {
          rssPeakIsOwn = resetPeakRss()
          rssBeforeMb = process.memoryUsage().rss / 1024 / 1024
        }
        let id = ''
        ways.import.push(
          await timed(async () => {
            const r = await importSamples(deps, ctx, { text })
            if (r.samples !== made.samples) throw new Error(`imported ${r.samples}, expected ${made.samples}`)
            id = r.importId
          }),
        )
        if (ways.import.length === 1) rssPeakMb = peakRssMb()
        importIds.add(id)
      },
      sameTable: async () => {
        const client = await pool.connect()
        try {
          ways.sameTable.push(
            await timed(async () => {
              await client.query('begin')
              await client.query(`copy samples from '${dumps.samples}'`)
              await client.query(`copy sample_items from '${dumps.items}'`)
              await client.query('commit')
            }),
          )
        } finally {
          client.release()
        }
      },
      raw: async () => {
        ways.raw.push(
          await timed(() => pool.query(`copy copy_target from '${file}' with (format csv, header true)`)),
        )
      },
    }
    const order = ['import', 'sameTable', 'raw'] as const
    for (let round = 0; round < opts.rounds; round++) {
      // Each round starts with a different way, so none always meets a warmer cache.
      for (let k = 0; k < order.length; k++) {
        await run[order[(round + k) % order.length] ?? 'import']()
        await clear()
      }
      parses.push(await timed(() => readSampleFile([text], districtResolver(deps.districts), () => {})))
      log(
        `round ${round + 1}: import ${ways.import.at(-1)?.toFixed(0)} ms (read and checks alone ${parses.at(-1)?.toFixed(0)}), ` +
          `COPY into samples + sample_items ${ways.sameTable.at(-1)?.toFixed(0)} ms, raw COPY ${ways.raw.at(-1)?.toFixed(0)} ms`,
      )
    }
  } finally {
    await rm(file, { force: true })
    for (const f of Object.values(dumps)) await rm(f, { force: true })
  }
  return {
    rows: ROWS,
    samples: made.samples,
    bytes: Buffer.byteLength(text),
    rounds: opts.rounds,
    loadAverage: os.loadavg()[0] ?? Number.NaN,
    importMs: median(ways.import),
    parseMs: median(parses),
    sameTableCopyMs: median(ways.sameTable),
    rawCopyMs: median(ways.raw),
    rssBeforeMb,
    rssPeakMb,
    rssPeakIsOwn,
  }
}

export function importSection(r: ImportBenchResult, heading = '6. Sample import (PostgreSQL)'): string {
  const rate = (ms: number) => Math.round(r.rows / (ms / 1000)).toLocaleString('en')
  const vs = (ms: number) => `${(r.sameTableCopyMs / ms).toFixed(2)}× | ${(r.rawCopyMs / ms).toFixed(2)}×`
  const ratio = r.sameTableCopyMs / r.importMs
  return `<!-- import:start -->
## ${heading}

${r.rows.toLocaleString('en')} rows (${(r.bytes / 1024 / 1024).toFixed(1)} MiB, ${r.samples.toLocaleString('en')} samples, one in ten failing, some spanning two rows), ${r.rounds} rounds, each starting with a different way; medians; the tables emptied (not timed) after each way. 1-minute load average ${r.loadAverage.toFixed(1)} at the end of this section.

| way | median ms | rows per second | rate ÷ same-table COPY | rate ÷ raw COPY |
| --- | --- | --- | --- | --- |
| **baseline**: server-side \`COPY\` of the rows the import writes into \`samples\` and \`sample_items\` as the schema has them (indexes included), one transaction | ${r.sameTableCopyMs.toFixed(0)} | ${rate(r.sameTableCopyMs)} | 1.00× | ${(r.rawCopyMs / r.sameTableCopyMs).toFixed(2)}× |
| reference: server-side \`COPY copy_target FROM 'file' CSV\` (the raw file into 14 text columns, no index, no checks) | ${r.rawCopyMs.toFixed(0)} | ${rate(r.rawCopyMs)} | ${(r.sameTableCopyMs / r.rawCopyMs).toFixed(2)}× | 1.00× |
| \`importSamples\` (read, check every row, districts, samples + items by \`COPY … FROM STDIN\` in one transaction with its event) | ${r.importMs.toFixed(0)} | ${rate(r.importMs)} | ${vs(r.importMs)} |
| of which reading and checking alone (no database) | ${r.parseMs.toFixed(0)} | ${rate(r.parseMs)} | ${vs(r.parseMs)} |

Goal: ≥ ${IMPORT_GOAL}× the same-table COPY's rate — **${ratio >= IMPORT_GOAL ? 'met' : 'not met'}** (${ratio.toFixed(2)}×); against the raw-file COPY ${(r.rawCopyMs / r.importMs).toFixed(2)}×. Peak memory (RSS high-water mark${r.rssPeakIsOwn ? ', reset just before' : ''}) during the first timed import: ${r.rssPeakMb.toFixed(0)} MiB, from ${r.rssBeforeMb.toFixed(0)} MiB before it (the file's text is held by the caller in both).
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
    const result = await benchImport({
      deps: { db: database.db, database, districts },
      pool,
      rounds,
      log,
    }).finally(async () => {
      await pool.end()
      await database.close()
    })
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
