import { readFileSync } from 'node:fs'
import { chmod, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { resolve } from 'node:path'
import pg from 'pg'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/logger.js'
import { importSamples } from '../src/samples/sample-import.service.js'
import { createBenchDatabase, DEFAULT_SERVER_URL } from './lib/bench-db.js'
import { REPO_ROOT } from './lib/child-server.js'

/**
 * Sample import: 100,000 CSV rows through `importSamples` (parse, check every row, district lookup, one
 * transaction of unnest inserts) against PostgreSQL's own server-side `COPY` of the same rows, in the same
 * run; and the import's peak memory. Run: `npx tsx bench/import.bench.ts`. Writes its section of RESULTS.md.
 */

const ROWS = 100_000
const ROUNDS = 3
const GOAL = 0.5
const log = (line: string) => process.stderr.write(`${line}\n`)
const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'
const PLACES = [
  '成都市锦江区春熙路南段',
  '成都市青羊区光华大道一段',
  '成都市武侯区浆洗街',
  '简阳市东溪街道人民路',
  '金堂县赵镇迎宾大道',
  '成都市新都区桂湖中路',
]
const FOODS = [
  ['香辣辣椒酱', '调味品', '苏丹红Ⅰ号║1.8mg/kg║不得检出'],
  ['牛油火锅底料', '方便食品', '过氧化值(以脂肪计)║0.61g/100g║≤0.25g/100g'],
  ['腊肉', '肉制品', '菌落总数║2.1×10⁶CFU/g║≤10⁵CFU/g'],
  ['郫县豆瓣', '调味品', '苏丹红Ⅳ号║0.35mg/kg║不得检出'],
] as const

/** ROWS rows: one sample in ten fails, and one failing sample in four spans a second row. */
function makeFile(prefix: string): { text: string; samples: number } {
  const lines = [HEADER]
  let n = 0
  while (lines.length <= ROWS) {
    const [food, category, item] = FOODS[n % FOODS.length] ?? FOODS[0]
    const fails = n % 10 === 0
    const no = `${prefix}${String(n).padStart(7, '0')}`
    lines.push(
      `${no},${n + 1},成都某食品有限公司${n % 97},四川省成都市郫都区安德镇${n % 89}号,某超市第${n}分店,${PLACES[n % PLACES.length]}${n % 500}号,${food},500g/袋,某牌,2026-0${(n % 9) + 1}-1${n % 9},${fails ? item : ''},${category},四川省食品检验研究院,`,
    )
    if (fails && n % 40 === 0 && lines.length <= ROWS)
      lines.push(`${no},,,,,,,,,,过氧化值║0.5g/100g║≤0.25g/100g,,,`)
    n++
  }
  return { text: `${lines.join('\n')}\n`, samples: n }
}

function peakRssMb(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

async function main() {
  const bench = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL)
  const file = resolve(os.tmpdir(), `redshield-import-${process.pid}.csv`)
  try {
    const config = loadConfig({
      DATABASE_URL: bench.url,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      PLAYBOOKS_DIR: resolve(REPO_ROOT, 'playbooks'),
    })
    const { database, districts } = await prepare(config, createLogger('warn'), systemClock)
    const deps = { db: database.db, clock: systemClock, districts }
    const pool = new pg.Pool({ connectionString: bench.url, max: 2 })
    // The baseline's table: the file's 14 columns as text, loaded by the server from the file itself.
    await pool.query(
      `create table copy_target (${Array.from({ length: 14 }, (_, i) => `c${i} text`).join(', ')})`,
    )
    const imports: number[] = []
    const copies: number[] = []
    let samples = 0
    let bytes = 0
    let rssBefore = 0
    let rssPeak = 0
    for (let round = 0; round < ROUNDS; round++) {
      const made = makeFile(`R${round}-`)
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
        if (round === 0) rssBefore = process.memoryUsage().rss / 1024 / 1024
        const t0 = performance.now()
        const r = await importSamples(deps, { actor: null, requestId: 'bench' }, { text })
        imports.push(performance.now() - t0)
        if (r.samples !== samples) throw new Error(`imported ${r.samples}, expected ${samples}`)
        if (round === 0) rssPeak = peakRssMb()
      }
      if (round % 2 === 0) {
        await runImport()
        await runCopy()
      } else {
        await runCopy()
        await runImport()
      }
      log(`round ${round + 1}: import ${imports.at(-1)?.toFixed(0)} ms, COPY ${copies.at(-1)?.toFixed(0)} ms`)
    }
    await pool.end()
    await database.close()
    const imp = median(imports)
    const cp = median(copies)
    const ratio = cp / imp
    const rate = (ms: number) => Math.round(ROWS / (ms / 1000)).toLocaleString('en')
    const section = `<!-- import:start -->
## Sample import (\`npx tsx bench/import.bench.ts\`)

Run ${new Date().toISOString()} · ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')} · ${os.cpus().length} cores · load average ${os.loadavg()[0]?.toFixed(1)} · PostgreSQL ${bench.serverVersion}. ${ROWS.toLocaleString('en')} rows (${(bytes / 1024 / 1024).toFixed(1)} MiB, ${samples.toLocaleString('en')} samples, one in ten failing, some spanning two rows), ${ROUNDS} rounds alternating which goes first; medians.

| way | median ms | rows per second | rate ÷ COPY |
| --- | --- | --- | --- |
| baseline: server-side \`COPY copy_target FROM 'file' CSV\` (14 text columns, no checks) | ${cp.toFixed(0)} | ${rate(cp)} | 1.00× |
| \`importSamples\` (parse, check every row, districts, samples + items in one transaction) | ${imp.toFixed(0)} | ${rate(imp)} | ${ratio.toFixed(2)}× |

Goal: ≥ ${GOAL}× COPY's rate — **${ratio >= GOAL ? 'met' : 'not met'}**. Peak memory (RSS high-water mark) during the first import: ${rssPeak.toFixed(0)} MiB, from ${rssBefore.toFixed(0)} MiB before it (the file text, the parsed rows and the parameter arrays of one chunk at a time).
<!-- import:end -->`
    const path = resolve(import.meta.dirname, 'RESULTS.md')
    const current = await readFile(path, 'utf8')
    const next = current.includes('<!-- import:start -->')
      ? current.replace(/<!-- import:start -->[\s\S]*<!-- import:end -->/, section)
      : `${current.trimEnd()}\n\n${section}\n`
    await writeFile(path, next)
    process.stdout.write(`${section}\n`)
  } finally {
    await rm(file, { force: true })
    await bench.drop()
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  process.exitCode = 1
})
