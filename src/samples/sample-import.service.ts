import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { contentHash } from './sample-import.js'
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

export interface ImportInput {
  text: string
  name?: string | undefined
}

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
  const hash = contentHash(file.text)
  const previous = await deps.db
    .selectFrom('sample_imports')
    .selectAll()
    .where('content_hash', '=', hash)
    .executeTakeFirst()
  if (previous) return duplicateOf(previous)
  const job: ImportJob = {
    deps,
    ctx,
    file,
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
