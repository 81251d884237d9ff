import type { Context } from 'hono'
import { type CsvFile, toCsv } from '../domain/csv.js'

/** The response for a CSV download. */
export function csvResponse(c: Context, { filename, header, rows }: CsvFile): Response {
  return c.body(toCsv(header, rows), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
  })
}

/** True when the caller asked for CSV rather than JSON. */
export const wantsCsv = (c: Context) => /\btext\/csv\b/.test(c.req.header('accept') ?? '')
