import { stringify } from 'csv-stringify/sync'
import type { Context } from 'hono'

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

/** The response for a CSV download. */
export function csvResponse(c: Context, filename: string, header: string[], rows: CsvCell[][]): Response {
  return c.body(toCsv(header, rows), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
  })
}

/** True when the caller asked for CSV rather than JSON. */
export const wantsCsv = (c: Context) => /\btext\/csv\b/.test(c.req.header('accept') ?? '')
