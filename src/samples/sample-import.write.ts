import { type Kysely, sql } from 'kysely'
import { linkSamplesToBusinesses } from '../businesses/business-links.js'
import { bulkInsertJson } from '../db/bulk-insert.js'
import { CopyWriter } from '../db/copy-writer.js'
import type { DedicatedConnection } from '../db/dedicated.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { type AppError, conflict, duplicateKeyOf, issue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { linkImportedSamples } from '../retailers/retailer-links.js'
import { BAD_ROWS_KEPT } from './bad-rows.js'
import type { DistrictResolver } from './sample-fields.js'
import { normaliseName } from './sample-fields.js'
import { type BadRow, type ParsedFile, readSampleFile, type TextPieces } from './sample-import.js'
import {
  existingNumbers,
  itemColumns,
  itemRows,
  sampleColumns,
  sampleRow,
  type WriteMeta,
} from './samples.repo.js'

/**
 * The two ways an import reaches the database, both all-or-nothing in one transaction with the import's
 * claim (content hash) and its event. PostgreSQL: `COPY … FROM STDIN` on one connection, each sample sent
 * as its first row is read, so reading the file and storing it overlap. PGlite: the same, by JSON-parameter
 * inserts of a chunk at a time.
 */

export interface ImportJob {
  deps: Pick<AppDeps, 'db' | 'districts'>
  ctx: RequestContext
  file: {
    /** The file's text in pieces, read once. */
    pieces: () => TextPieces
    /** Its line feeds (the progress total). */
    lines: number
    name?: string | undefined
  }
  hash: string
  importId: string
  now: Date
  resolver: DistrictResolver
  onProgress: (done: number, total: number) => void
}

export interface Imported {
  samples: number
  failing: number
  rows: number
}

// The COPY lasts as long as reading the file: a million rows on a loaded machine took over 2 minutes.
const COPY_STATEMENT_TIMEOUT = '10min'

/**
 * Every bad row at once (一次性告知), up to `BAD_ROWS_KEPT` problems. Each issue's `path` locates it as the
 * file names it (`line 3, 食品名称`; the header is line 1); its message says where and what wholly in the
 * reader's language: 「第 3 行，第 7 列：必填单元格为空」, "row 3, column 7: required cell empty". The detail
 * counts every bad row, and says how many problems were found beyond those listed.
 */
export function rejected(
  bad: BadRow[],
  found: { count: number; lines: number } = {
    count: bad.length,
    lines: new Set(bad.map((b) => b.line)).size,
  },
): AppError {
  const more = found.count - bad.length
  return validationFailed(
    bad.map((b) =>
      issue(
        b.column ? `line ${b.line}, ${b.column}` : `line ${b.line}`,
        {
          zh: `${b.index ? `第 ${b.line} 行，第 ${b.index} 列` : `第 ${b.line} 行`}：${b.reason.zh}`,
          en: `${b.index ? `row ${b.line}, column ${b.index}` : `row ${b.line}`}: ${b.reason.en}`,
        },
        'bad_row',
      ),
    ),
    {
      zh:
        `文件未导入：共 ${found.lines} 行有问题，请全部改正后重新导入` +
        (more > 0 ? `（共 ${found.count} 处问题，仅列出前 ${bad.length} 处）` : ''),
      en:
        `File not imported: ${found.lines} bad row(s); fix them all and import again` +
        (more > 0 ? ` (${found.count} problems; the first ${bad.length} are listed)` : ''),
    },
  )
}

/** Why a read file cannot be imported: its bad rows, or that it holds no sample. */
function refusalOf(parsed: ParsedFile): AppError | undefined {
  if (parsed.bad.length > 0) return rejected(parsed.bad, parsed.problems)
  if (parsed.samples === 0)
    return rejected([
      { line: 1, column: null, reason: { zh: '表头之后没有样品', en: 'no samples after the header line' } },
    ])
  return undefined
}

/** The file's sample numbers already recorded, each at the line of its first row. */
async function takenNumbers(db: Kysely<DB>, parsed: ParsedFile): Promise<AppError | undefined> {
  const lines = new Map<string, number>(parsed.index.okNumbers())
  const taken = await existingNumbers(db, [...lines.keys()])
  if (taken.size === 0) return undefined
  const first = [...taken]
    .map((no) => ({ no, line: lines.get(no) ?? 0 }))
    .sort((a, b) => a.line - b.line)
    .slice(0, BAD_ROWS_KEPT)
  return rejected(
    first.map(({ no, line }) => ({
      line,
      column: '抽样编号',
      ...(parsed.noColumn ? { index: parsed.noColumn } : {}),
      reason: { zh: `抽样编号 ${no} 已存在`, en: `sample number ${no} is already recorded` },
    })),
    { count: taken.size, lines: taken.size },
  )
}

const writeMeta = (job: ImportJob): WriteMeta => ({
  at: job.now,
  by: actorIdOf(job.ctx),
  importId: job.importId,
  normalise: normaliseName,
})

const outcomeOf = (parsed: ParsedFile): Imported => ({
  samples: parsed.samples,
  failing: parsed.index.failing(),
  rows: parsed.rows,
})

/** Records the file's hash; false when the same file, imported concurrently, committed first. */
async function claim(trx: Transaction<DB>, job: ImportJob, counts: { samples: number; rows: number }) {
  const claimed = await trx
    .insertInto('sample_imports')
    .values({
      id: job.importId,
      content_hash: job.hash,
      file_name: job.file.name ?? null,
      ...counts,
      created_at: job.now,
      created_by: actorIdOf(job.ctx),
    })
    .onConflict((oc) => oc.column('content_hash').doNothing())
    .returning('id')
    .executeTakeFirst()
  return claimed !== undefined
}

async function recordEvent(trx: Transaction<DB>, job: ImportJob, outcome: Imported) {
  await appendEvent(trx, job.ctx, job.now, {
    type: 'samples.imported',
    subject: job.file.name ?? job.importId,
    payload: { importId: job.importId, hash: job.hash, ...outcome },
  })
}

/**
 * PGlite: streamed like the COPY, in chunks inside the one transaction: each good sample is queued as its
 * first row is read, and every `INSERT_CHUNK` samples the reader waits while they are inserted (one JSON
 * parameter each), so only a chunk of rows is held besides the file's text, whatever its size. The items,
 * the verdicts of samples that failed on a later row, the retailer links and the event follow, as on
 * PostgreSQL. A bad row or a recorded number rolls everything back; the file is still read to its end, so
 * every bad row is named.
 */
export async function importByInsert(job: ImportJob): Promise<Imported | 'duplicate'> {
  try {
    return await inTransaction(job.deps.db, async (trx) => {
      if (!(await claim(trx, job, { samples: 0, rows: 0 }))) return 'duplicate'
      const meta = writeMeta(job)
      const total = job.file.lines
      let queued: Value[][] = []
      // The first failed insert: the transaction is aborted, so nothing more is sent; reading goes on.
      let failed: { err: unknown } | undefined
      const flush = async () => {
        const rows = queued
        queued = []
        if (failed || rows.length === 0) return
        await bulkInsertJson(trx, 'samples', sampleColumns, rows).catch((err: unknown) => {
          failed = { err }
        })
      }
      let read = 0
      const parsed = await readSampleFile(
        job.file.pieces(),
        job.resolver,
        (s) => {
          if (!failed) queued.push(sampleRow(s, meta))
        },
        () => {
          if (++read % PROGRESS_EVERY === 0) job.onProgress(read, Math.max(read, total))
          return queued.length >= INSERT_CHUNK ? flush() : undefined
        },
      )
      await flush()
      const refusal = refusalOf(parsed)
      if (refusal) throw refusal
      if (failed) throw isUniqueViolation(failed.err) ? new NumbersTaken(parsed) : failed.err

      let items: Value[][] = []
      for (const [id, list] of parsed.index.okItems()) {
        items.push(...itemRows(id, list))
        if (items.length >= INSERT_CHUNK) {
          await bulkInsertJson(trx, 'sample_items', itemColumns, items)
          items = []
        }
      }
      await bulkInsertJson(trx, 'sample_items', itemColumns, items)
      await finish(trx, job, parsed)
      job.onProgress(read, read)
      return outcomeOf(parsed)
    })
  } catch (err) {
    throw await numbersTakenRefusal(job, err)
  }
}

// Samples per INSERT on PGlite: large enough that a statement's fixed cost is small, small enough to hold.
const INSERT_CHUNK = 1_000

type Value = string | number | boolean | null

/** What both ways do once the samples are in: late verdicts, retailer links, the import's counts, the event. */
async function finish(trx: Transaction<DB>, job: ImportJob, parsed: ParsedFile) {
  // A sample handed on before its first failing item (on a continuation row) was sent as passed.
  if (parsed.failedLate.length > 0)
    await sql`update samples set verdict = 'fail' where id = any(${parsed.failedLate}::uuid[])`.execute(trx)
  // Retailer boards: a sample taken at a registered retailer links to it in the same write.
  await linkImportedSamples(trx, job.importId, job.now)
  await linkSamplesToBusinesses(trx, { importId: job.importId }, job.now)
  const outcome = outcomeOf(parsed)
  await trx
    .updateTable('sample_imports')
    .set({ samples: outcome.samples, rows: outcome.rows })
    .where('id', '=', job.importId)
    .execute()
  await recordEvent(trx, job, outcome)
}

/** A recorded number found by the unique index: rolled back; now list them (none left: a concurrent import). */
async function numbersTakenRefusal(job: ImportJob, err: unknown): Promise<unknown> {
  if (!(err instanceof NumbersTaken)) return err
  return (
    (await takenNumbers(job.deps.db, err.parsed)) ??
    conflict({
      zh: '抽样编号与同时进行的另一次导入冲突，请重试',
      en: 'sample numbers clashed with an import running at the same time; try again',
    })
  )
}

/** A sample number of the file is already recorded: found by the unique index during the COPY. */
class NumbersTaken extends Error {
  constructor(readonly parsed: ParsedFile) {
    super('sample numbers already recorded')
  }
}

const isUniqueViolation = (err: unknown) => duplicateKeyOf(err, 'samples') !== undefined

const PROGRESS_EVERY = 1000

/** PostgreSQL: each good sample streamed by COPY as its first row is read; items, links and event after. */
export async function importByCopy(
  job: ImportJob,
  dedicated: <T>(fn: (conn: DedicatedConnection) => Promise<T>) => Promise<T>,
): Promise<Imported | 'duplicate'> {
  try {
    return await dedicated(({ db, copyIn }) =>
      db.transaction().execute(async (trx) => {
        if (!(await claim(trx, job, { samples: 0, rows: 0 }))) return 'duplicate'
        await sql`set local statement_timeout = ${sql.lit(COPY_STATEMENT_TIMEOUT)}`.execute(trx)
        const meta = writeMeta(job)
        const names = (columns: readonly (readonly [string, string])[]) => columns.map(([n]) => n).join(', ')
        const samples = new CopyWriter(copyIn(`copy samples (${names(sampleColumns)}) from stdin`))
        const total = job.file.lines
        let read = 0
        const parsed = await readSampleFile(
          job.file.pieces(),
          job.resolver,
          (s) => {
            samples.add(sampleRow(s, meta))
          },
          () => {
            if (++read % PROGRESS_EVERY === 0) job.onProgress(read, Math.max(read, total))
            return samples.pause()
          },
        )
        const copied = await samples.end().then(
          () => undefined,
          (err: unknown) => err,
        )
        const refusal = refusalOf(parsed)
        if (refusal) throw refusal
        if (copied !== undefined) throw isUniqueViolation(copied) ? new NumbersTaken(parsed) : copied

        const items = new CopyWriter(copyIn(`copy sample_items (${names(itemColumns)}) from stdin`))
        for (const [id, list] of parsed.index.okItems()) for (const row of itemRows(id, list)) items.add(row)
        await items.end()
        await finish(trx, job, parsed)
        job.onProgress(read, read)
        return outcomeOf(parsed)
      }),
    )
  } catch (err) {
    throw await numbersTakenRefusal(job, err)
  }
}
