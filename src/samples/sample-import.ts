import { createHash } from 'node:crypto'
import { CsvSyntaxError, csvRecords } from './csv-records.js'
import type { DistrictResolver } from './sample-fields.js'
import { type BadRow, RowReader, type SampleHead } from './sample-rows.js'
import type { NewSample } from './samples.repo.js'

/**
 * Reads a sampling-results file in the published layout into samples, handed on one by one as their first
 * rows are read, or into the list of every bad row.
 */

export type { BadRow } from './sample-rows.js'

export interface ParsedFile {
  hash: string
  rows: number
  /** Good samples handed on. */
  samples: number
  /** Every sample number's first row, with the sample's items (continuation rows included). */
  heads: ReadonlyMap<string, SampleHead>
  /** Ids of handed-on samples that had no item then and have one now: their verdict changed since. */
  failedLate: readonly string[]
  bad: BadRow[]
}

/** Hash of the content, blind to a BOM and to CRLF versus LF: the same file saved either way is the same file. */
export function contentHash(text: string): string {
  return createHash('sha256')
    .update(text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'))
    .digest('hex')
}

/**
 * Reads the whole file. `onSample` gets each good sample at its first row (a file with any bad row is still
 * read to its end, to name every bad row). After each row, `pause` may return a promise to wait on: the
 * import waits there while PostgreSQL catches up with the rows already sent, so the two overlap.
 */
export async function readSampleFile(
  text: string,
  resolver: DistrictResolver,
  onSample: (sample: NewSample) => void,
  pause: () => Promise<void> | undefined = () => undefined,
): Promise<ParsedFile> {
  const hash = contentHash(text)
  const reader = new RowReader(text, resolver, text.includes('\u0000'), onSample)
  const parsed = (): ParsedFile => ({
    hash,
    rows: reader.rows,
    samples: reader.samples,
    heads: reader.heads,
    failedLate: reader.failedLate,
    bad: reader.bad,
  })
  try {
    for (const { cells, line, start } of csvRecords(text)) {
      reader.record(cells, line, start)
      const wait = pause()
      if (wait) await wait
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err
    // A file that is not CSV is reported as that alone, as before any row is judged.
    return {
      ...parsed(),
      rows: 0,
      samples: 0,
      heads: new Map(),
      failedLate: [],
      bad: [
        {
          line: err.line,
          column: null,
          reason: { zh: `无法按 CSV 读取：${err.message}`, en: `not readable as CSV: ${err.message}` },
        },
      ],
    }
  }
  if (!reader.header)
    reader.bad.push({
      line: 1,
      column: null,
      reason: { zh: '空文件：没有表头行', en: 'empty file: no header line' },
    })
  reader.bad.sort((a, b) => a.line - b.line)
  return parsed()
}
