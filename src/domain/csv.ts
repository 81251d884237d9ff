import { stringify } from 'csv-stringify/sync'

export type CsvCell = string | number | boolean | null | undefined

/**
 * A cell a spreadsheet would run as a formula starts with one of these (OWASP CSV injection). Such a cell
 * is prefixed with a single quote, which spreadsheets show as text and do not evaluate.
 */
const FORMULA_START = /^[=+\-@\t\r]/

export function neutraliseCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return ''
  // Numbers are written as numbers: a negative figure stays a number, not text.
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : ''
  if (typeof cell === 'boolean') return cell ? 'true' : 'false'
  return FORMULA_START.test(cell) ? `'${cell}` : cell
}

/** CSV text, UTF-8 with a BOM so spreadsheet software reads Chinese correctly. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  const text = stringify([header.map(neutraliseCell), ...rows.map((r) => r.map(neutraliseCell))])
  return `\uFEFF${text}`
}

/** A CSV download as data: its file name, header and rows (the HTTP layer sends it, see http/csv.ts). */
export interface CsvFile {
  filename: string
  header: string[]
  rows: CsvCell[][]
}
