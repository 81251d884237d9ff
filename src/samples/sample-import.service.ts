import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { type ByteSource, decodePieces, scanFile } from './csv-decode.js'
import { contentHash, type TextPieces } from './sample-import.js'
import { type ImportJob, importByCopy, importByInsert } from './sample-import.write.js'
import { districtResolver } from './samples.service.js'

type Deps = Pick<AppDeps, 'db' | 'database' | 'clock' | 'districts'>

export interface ImportResult {
  importId: string
  duplicate: boolean
  samples: number
  failing: number
  rows: number
  message: string
}

/**
 * The file: its text (small files: the demo, tests), or its bytes as a source read twice, once to choose the
 * encoding, hash it and count its lines, once to import it, so that the file's text is never held whole.
 */
export type ImportInput = { name?: string | undefined } & (
  | { text: string }
  | { source: ByteSource; contentType?: string | null | undefined }
)

/**
 * Imports a file whole or not at all: every sample and item in one transaction, with one event. The file's
 * content hash is recorded, so importing the same file again adds nothing and says so. `onProgress` gets
 * (done, total): rows read of the file's lines, on both engines.
 */
export async function importSamples(
  deps: Deps,
  ctx: RequestContext,
  file: ImportInput,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const { hash, lines, pieces } =
    'text' in file
      ? { hash: contentHash(file.text), lines: lineCount(file.text), pieces: () => [file.text] }
      : await scanned(file.source, file.contentType)
  const previous = await deps.db
    .selectFrom('sample_imports')
    .selectAll()
    .where('content_hash', '=', hash)
    .executeTakeFirst()
  if (previous) return duplicateOf(previous)
  const job: ImportJob = {
    deps,
    ctx,
    file: { pieces, lines, name: file.name },
    hash,
    importId: randomUUID(),
    now: deps.clock.now(),
    resolver: districtResolver(deps.districts),
    onProgress: onProgress ?? (() => {}),
  }
  const outcome = deps.database.dedicated
    ? await importByCopy(job, deps.database.dedicated)
    : await importByInsert(job)
  if (outcome === 'duplicate') {
    const row = await deps.db
      .selectFrom('sample_imports')
      .selectAll()
      .where('content_hash', '=', hash)
      .executeTakeFirstOrThrow()
    return duplicateOf(row)
  }
  const { samples, failing, rows } = outcome
  return {
    importId: job.importId,
    duplicate: false,
    samples,
    failing,
    rows,
    message: `导入 ${samples} 个样品（不合格 ${failing} 个）/ imported ${samples} sample(s), ${failing} failing`,
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

async function scanned(source: ByteSource, contentType: string | null | undefined) {
  const file = await scanFile(source, contentType)
  return { hash: file.hash, lines: file.lines, pieces: (): TextPieces => decodePieces(source, file.encoding) }
}

function lineCount(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}
