import { execFile } from 'node:child_process'
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

/**
 * Peak memory of one large import on each engine: a million-row file (about 220 MiB) through `importSamples`,
 * each engine in a process of its own started with the Node flags and environment `npm run cli` gives a file import, the RSS high-water mark reset
 * just before the import (Linux clear_refs). The file is read from disk a piece at a time, as the CLI reads it
 * (`samples import FILE`). Alone: `npm run bench -- --only=import-memory` (or `npx tsx bench/import-memory.bench.ts`;
 * `IMPORT_MEMORY_ROWS=n` for another size); rewrites only its section of RESULTS.md.
 */

export const IMPORT_MEMORY_GOAL_MB = 600
const ROWS = Number(process.env.IMPORT_MEMORY_ROWS ?? 1_000_000)

export interface EngineMemory {
  engine: 'PGlite' | 'PostgreSQL'
  rows: number
  samples: number
  fileMb: number
  beforeMb: number
  peakMb: number
  ms: number
}

const statusMb = (field: 'VmHWM' | 'VmRSS') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024

/** In the child: open the engine, build the file, import it once, print the figures as JSON. */
async function child(engine: 'pglite' | 'postgres'): Promise<void> {
  const { prepare } = await import('../src/boot.js')
  const { systemClock } = await import('../src/clock.js')
  const { loadConfig } = await import('../src/config.js')
  const { createLogger } = await import('../src/logger.js')
  const { importSamples } = await import('../src/samples/sample-import.service.js')
  const { REPO_ROOT } = await import('./lib/child-server.js')
  const config = loadConfig({
    ...(engine === 'postgres'
      ? { DATABASE_URL: process.env.MEMORY_DATABASE_URL ?? '' }
      : { DATABASE_URL: '' }),
    DATA_DIR: process.env.MEMORY_DATA_DIR ?? '',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks'),
  })
  const { database, districts } = await prepare(config, createLogger('warn'), systemClock)
  try {
    // As the CLI reads it (`samples import FILE`): a piece at a time, never the whole file.
    const file = process.env.MEMORY_FILE ?? ''
    const expected = Number(process.env.MEMORY_SAMPLES)
    // What opening left behind is not the import's: a fresh store's initdb module, say, is freed only after
    // a few collections and turns of the event loop.
    for (let i = 0; i < 4; i++) {
      global.gc?.()
      await new Promise((r) => setTimeout(r, 50))
    }
    writeFileSync('/proc/self/clear_refs', '5')
    const beforeMb = statusMb('VmRSS')
    const t0 = performance.now()
    const r = await importSamples(
      { db: database.db, database, districts, clock: systemClock },
      { actor: null, requestId: 'bench' },
      { source: () => createReadStream(file, { highWaterMark: 1 << 20 }) },
    )
    const ms = performance.now() - t0
    const peakMb = statusMb('VmHWM')
    if (r.samples !== expected) throw new Error(`imported ${r.samples} of ${expected} samples`)
    const result: EngineMemory = {
      engine: engine === 'pglite' ? 'PGlite' : 'PostgreSQL',
      rows: ROWS,
      samples: r.samples,
      fileMb: statSync(file).size / 1024 / 1024,
      beforeMb,
      peakMb,
      ms,
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    await database.close()
  }
}

export async function benchImportMemory(log: (line: string) => void): Promise<EngineMemory[]> {
  const { createBenchDatabase, DEFAULT_SERVER_URL } = await import('./lib/bench-db.js')
  const { REPO_ROOT, CLI_ENV, CLI_NODE_FLAGS } = await import('./lib/child-server.js')
  const run = async (engine: 'pglite' | 'postgres', env: Record<string, string>) => {
    log(`   ${engine}: ${ROWS.toLocaleString('en')} rows`)
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        ...CLI_NODE_FLAGS,
        '--expose-gc',
        '--import',
        'tsx',
        'bench/import-memory.bench.ts',
        `--child=${engine}`,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ...CLI_ENV, ...env }, maxBuffer: 1 << 20 },
    )
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as EngineMemory
  }
  const { makeImportFile } = await import('./lib/import-file.js')
  const dir = await mkdtemp(join(os.tmpdir(), 'redshield-import-memory-'))
  const results: EngineMemory[] = []
  try {
    const file = join(dir, 'samples.csv')
    const made = makeImportFile('M-', ROWS)
    await writeFile(file, made.text)
    const common = { MEMORY_FILE: file, MEMORY_SAMPLES: String(made.samples) }
    // `IMPORT_MEMORY_ENGINES=postgres` (or `pglite`) measures one engine only.
    const engines = (process.env.IMPORT_MEMORY_ENGINES ?? 'pglite,postgres').split(',')
    if (engines.includes('pglite'))
      results.push(await run('pglite', { ...common, MEMORY_DATA_DIR: join(dir, 'store') }))
    if (engines.includes('postgres')) {
      const bench = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL)
      try {
        results.push(await run('postgres', { ...common, MEMORY_DATABASE_URL: bench.url }))
      } finally {
        await bench.drop()
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return results
}

export function importMemorySection(rs: EngineMemory[], stamp: string): string {
  const rows = rs.map(
    (r) =>
      `| ${r.engine} | ${r.samples.toLocaleString('en')} | ${(r.ms / 1000).toFixed(1)} s | ${r.beforeMb.toFixed(0)} MiB | **${r.peakMb.toFixed(0)} MiB** | +${(r.peakMb - r.beforeMb).toFixed(0)} MiB | ${(r.peakMb / IMPORT_MEMORY_GOAL_MB).toFixed(2)}× | ${r.peakMb <= IMPORT_MEMORY_GOAL_MB ? 'met' : '**not met**'} |`,
  )
  const first = rs[0]
  return [
    '<!-- import-memory:start -->',
    '## 6b. Sample import: peak memory on each engine',
    '',
    stamp,
    '',
    `${(first?.rows ?? ROWS).toLocaleString('en')} rows (${(first?.fileMb ?? 0).toFixed(0)} MiB of CSV) through \`importSamples\`, ` +
      'each engine in a process of its own with the Node flags and environment `npm run cli` gives a file import (`--max-semi-space-size=16 --optimize-for-size`, `MALLOC_MMAP_THRESHOLD_=131072`); the file is read from disk a piece at a time, as ' +
      '`npm run cli -- samples import FILE` reads it (once to choose its encoding, hash it and count its lines, once to ' +
      'import it; its text is never held whole), and the RSS high-water mark is reset just before the import. Each ' +
      'sample number is kept as a line, an id and a fingerprint of its first row in typed arrays outside the JavaScript ' +
      'heap, not as its row. PGlite runs with `shared_buffers` 32MB (`PGLITE_SHARED_BUFFERS`). Both engines ' +
      'stream: each sample goes to the database as its first row is read (PostgreSQL by `COPY … FROM STDIN`, PGlite by ' +
      'an INSERT of a JSON parameter every 1,000 samples, inside the one transaction); the samples are then linked to ' +
      'the business register 5,000 at a time. "RSS before" is taken after the store is open and migrated and a few ' +
      'collections have run.',
    '',
    `| engine | samples | import | RSS before | peak RSS | the import's own growth | peak ÷ goal | goal ≤ ${IMPORT_MEMORY_GOAL_MB} MiB |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '<!-- import-memory:end -->',
  ].join('\n')
}

async function main() {
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const load = os.loadavg()[0] ?? Number.NaN
  const rs = await benchImportMemory(log)
  const stamp =
    `Run alone at ${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} cores · ` +
    `Node ${process.version} · 1-minute load average ${load.toFixed(1)} before, ${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} after.`
  const section = importMemorySection(rs, stamp)
  const path = resolve(import.meta.dirname, 'RESULTS.md')
  const current = await readFile(path, 'utf8')
  const block = /<!-- import-memory:start -->[\s\S]*?<!-- import-memory:end -->/
  await writeFile(
    path,
    block.test(current)
      ? current.replace(block, () => section)
      : current.replace('<!-- import:end -->', () => `<!-- import:end -->\n\n${section}`),
  )
  process.stdout.write(`${section}\n`)
}

const childArg = process.argv.find((a) => a.startsWith('--child='))?.slice(8)
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename))
  (childArg === 'pglite' || childArg === 'postgres' ? child(childArg) : main()).catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
