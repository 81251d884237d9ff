import { createHash } from 'node:crypto'
import { CsvScanner, CsvSyntaxError } from './csv-records.js'
import type { DistrictResolver } from './sample-fields.js'
import { SampleIndex } from './sample-index.js'
import { type BadRow, RowReader } from './sample-rows.js'
import type { NewSample } from './samples.repo.js'

/**
 * Reads a sampling-results file in the published layout into samples, handed on one by one as their first
 * rows are read, or into its bad rows (the first `BAD_ROWS_KEPT` problems named, all counted).
 */

export type { BadRow } from './sample-rows.js'

export interface ParsedFile {
  rows: number
  /** Good samples handed on. */
  samples: number
  /** Every sample number's first row, with the sample's items (continuation rows included). */
  index: SampleIndex
  /** The sample number's column (from 1). */
  noColumn: number | undefined
  /** Ids of handed-on samples that had no item then and have one now: their verdict changed since. */
  failedLate: readonly string[]
  /** The bad rows kept to be named: the first `BAD_ROWS_KEPT` problems, in line order. */
  bad: BadRow[]
  /** Every problem found and the distinct lines they are on, kept or not. */
  problems: { count: number; lines: number }
}

/** Hash of the content, blind to a BOM and to CRLF versus LF: the same file saved either way is the same file. */
export function contentHash(text: string): string {
  return createHash('sha256')
    .update(text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'))
    .digest('hex')
}

/** The text of a file in pieces, in order (see `decodePieces`). */
export type TextPieces = AsyncIterable<string> | Iterable<string>

/**
 * Reads the whole file, a piece at a time: only the record being read is held, never the file. `onSample`
 * gets each good sample at its first row (a file with any bad row is still read to its end, to name every
 * bad row). After each row, `pause` may return a promise to wait on: the import waits there while the
 * database catches up with the rows already sent, so the two overlap.
 */
export async function readSampleFile(
  pieces: TextPieces,
  resolver: DistrictResolver,
  onSample: (sample: NewSample) => void,
  pause: () => Promise<void> | undefined = () => undefined,
): Promise<ParsedFile> {
  const reader = new RowReader(resolver, onSample)
  const parsed = (): ParsedFile => ({
    rows: reader.rows,
    samples: reader.samples,
    index: reader.index,
    noColumn: reader.columnOf('抽样编号'),
    failedLate: reader.failedLate,
    bad: reader.located(),
    problems: { count: reader.bad.count, lines: reader.bad.lines },
  })
  const scanner = new CsvScanner()
  try {
    for await (const piece of pieces) {
      for (const { cells, line } of scanner.push(piece)) {
        reader.record(cells, line)
        const wait = pause()
        if (wait) await wait
      }
    }
    for (const { cells, line } of scanner.end()) reader.record(cells, line)
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err
    // A file that is not CSV is reported as that alone, as before any row is judged.
    return {
      ...parsed(),
      rows: 0,
      samples: 0,
      index: new SampleIndex(0),
      failedLate: [],
      bad: [
        {
          line: err.line,
          column: null,
          reason: { zh: `无法按 CSV 读取：${err.text.zh}`, en: `not readable as CSV: ${err.text.en}` },
        },
      ],
      problems: { count: 1, lines: 1 },
    }
  }
  if (!reader.header)
    reader.bad.push({
      line: 1,
      column: null,
      reason: { zh: '空文件：没有表头行', en: 'empty file: no header line' },
    })
  reader.bad.list.sort((a, b) => a.line - b.line)
  return parsed()
}
