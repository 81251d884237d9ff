import type { Context } from 'hono'
import { csvResponse } from '../http/csv.js'
import type { incidentReport, incidentTimeline } from './incident-reads.service.js'
import { reportCsvColumns } from './incident-report.js'

type Report = Awaited<ReturnType<typeof incidentReport>>['report']
type TimelineItem = Awaited<ReturnType<typeof incidentTimeline>>['page']['items'][number]

/** The after-action report as a download: one row per district, then one column per reported figure. */
export function reportCsv(c: Context, code: string, report: Report): Response {
  const figureNames = [...new Set(report.districts.flatMap((d) => Object.keys(d.figures)))].sort()
  return csvResponse(
    c,
    `${code}-report.csv`,
    [...reportCsvColumns, ...figureNames],
    report.districts.map((d) => [
      ...reportCsvColumns.map((k) => d[k]),
      ...figureNames.map((f) => d.figures[f] ?? 0),
    ]),
  )
}

/** The whole timeline as a download, the same for the API and the console. */
export function timelineCsv(c: Context, code: string, items: TimelineItem[]): Response {
  return csvResponse(
    c,
    `${code}-events.csv`,
    ['id', 'at', 'type', 'district', 'task', 'actor', 'role', 'request_id', 'payload'],
    items.map((e) => [
      e.id,
      e.at,
      e.type,
      e.district,
      e.task,
      e.actor.name,
      e.actor.role,
      e.requestId,
      JSON.stringify(e.payload),
    ]),
  )
}
