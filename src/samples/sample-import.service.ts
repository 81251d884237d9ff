import { randomUUID } from 'node:crypto'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { type AppError, issue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { normaliseName } from './sample-fields.js'
import { type BadRow, parseSampleFile } from './sample-import.js'
import { existingNumbers, writeSamples } from './samples.repo.js'
import { districtResolver } from './samples.service.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>

export interface ImportResult {
  importId: string
  duplicate: boolean
  samples: number
  failing: number
  rows: number
  message: string
}

/** Every bad row at once (一次性告知): line (the header is line 1), column and reason. */
function rejected(bad: BadRow[]): AppError {
  return validationFailed(
    bad.map((b) => issue(b.column ? `line ${b.line}, ${b.column}` : `line ${b.line}`, b.reason, 'bad_row')),
    {
      zh: `文件未导入：共 ${new Set(bad.map((b) => b.line)).size} 行有问题，请全部改正后重新导入`,
      en: `File not imported: ${new Set(bad.map((b) => b.line)).size} bad row(s); fix them all and import again`,
    },
  )
}

/**
 * Imports a file whole or not at all: every sample and item in one transaction, with one event. The file's
 * content hash is recorded, so importing the same file again adds nothing and says so.
 */
export async function importSamples(
  deps: Deps,
  ctx: RequestContext,
  file: { text: string; name?: string | undefined },
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const parsed = parseSampleFile(file.text, districtResolver(deps.districts))
  const previous = await deps.db
    .selectFrom('sample_imports')
    .selectAll()
    .where('content_hash', '=', parsed.hash)
    .executeTakeFirst()
  if (previous) return duplicateOf(previous)
  if (parsed.bad.length > 0) throw rejected(parsed.bad)
  if (parsed.samples.length === 0)
    throw rejected([
      { line: 1, column: null, reason: { zh: '表头之后没有样品', en: 'no samples after the header line' } },
    ])

  const nos = parsed.samples.map((s) => s.no)
  const taken = await existingNumbers(deps.db, nos)
  if (taken.size > 0)
    throw rejected(
      [...taken]
        .map((no) => ({
          line: parsed.lineOf.get(no) ?? 0,
          column: '抽样编号',
          reason: { zh: `抽样编号 ${no} 已存在`, en: `sample number ${no} is already recorded` },
        }))
        .sort((a, b) => a.line - b.line),
    )

  const now = deps.clock.now()
  const importId = randomUUID()
  const failing = parsed.samples.filter((s) => s.items.some((i) => i.verdict === 'fail')).length
  const inserted = await inTransaction(deps.db, async (trx) => {
    const claimed = await trx
      .insertInto('sample_imports')
      .values({
        id: importId,
        content_hash: parsed.hash,
        file_name: file.name ?? null,
        samples: parsed.samples.length,
        rows: parsed.rows,
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .onConflict((oc) => oc.column('content_hash').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!claimed) return false // the same file, imported concurrently, committed first
    await writeSamples(trx, parsed.samples, {
      at: now,
      by: actorIdOf(ctx),
      importId,
      normalise: normaliseName,
      onProgress: (done) => onProgress?.(done, parsed.samples.length),
    })
    await appendEvent(trx, ctx, now, {
      type: 'samples.imported',
      subject: file.name ?? importId,
      payload: { importId, hash: parsed.hash, samples: parsed.samples.length, failing, rows: parsed.rows },
    })
    return true
  })
  if (!inserted) {
    const row = await deps.db
      .selectFrom('sample_imports')
      .selectAll()
      .where('content_hash', '=', parsed.hash)
      .executeTakeFirstOrThrow()
    return duplicateOf(row)
  }
  return {
    importId,
    duplicate: false,
    samples: parsed.samples.length,
    failing,
    rows: parsed.rows,
    message: `导入 ${parsed.samples.length} 个样品（不合格 ${failing} 个）/ imported ${parsed.samples.length} sample(s), ${failing} failing`,
  }
}

function duplicateOf(row: { id: string; samples: number; rows: number; created_at: Date }): ImportResult {
  return {
    importId: row.id,
    duplicate: true,
    samples: 0,
    failing: 0,
    rows: row.rows,
    message: `同一文件已于 ${row.created_at.toISOString()} 导入（${row.samples} 个样品），本次未新增 / the same file was imported at ${row.created_at.toISOString()} (${row.samples} samples); nothing added`,
  }
}
