import type { Text } from '../domain/errors.js'

export interface BadRow {
  line: number
  /** The column's header as the file names it (the path), or null for the whole row. */
  column: string | null
  /** The column's number (from 1), when the column is in the file. */
  index?: number
  /** Both languages: the file's author may read either. */
  reason: Text
}

/**
 * How many of a file's problems are kept to be named, each with its row and column. A file may be a million
 * bad rows (the wrong file, say): every one named would be every one held, and a response nobody reads. The
 * rest are counted, so the refusal still says how many rows and problems there were.
 */
export const BAD_ROWS_KEPT = 1_000

/**
 * A file's problems as they are found, in the order of its lines: the first `limit` kept, all counted.
 */
export class BadRows {
  readonly list: BadRow[] = []
  /** Every problem found, kept or not. */
  count = 0
  /** Distinct lines with a problem (problems come line by line, in order). */
  lines = 0
  private lastLine = -1

  constructor(readonly limit = BAD_ROWS_KEPT) {}

  push(b: BadRow): void {
    this.count++
    if (b.line !== this.lastLine) {
      this.lines++
      this.lastLine = b.line
    }
    if (this.list.length < this.limit) this.list.push(b)
  }

  /** Problems found but not kept. */
  get omitted(): number {
    return this.count - this.list.length
  }
}
