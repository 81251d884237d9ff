import type { CsvFile } from '../domain/csv.js'
import { ROLES, type Role } from '../domain/enums.js'
import { roleName } from '../domain/roles-glossary.js'
import { eventName, payloadWords, type WordsOptions } from './event-words.js'
import type { incidentReport, incidentTimeline } from './incident-reads.service.js'
import { reportCsvColumns } from './incident-report.js'

type Report = Awaited<ReturnType<typeof incidentReport>>['report']
type TimelineItem = Awaited<ReturnType<typeof incidentTimeline>>['page']['items'][number]

/** The after-action report as a download: one row per district, then one column per reported figure. */
export function reportCsv(code: string, report: Report): CsvFile {
  const figureNames = [...new Set(report.districts.flatMap((d) => Object.keys(d.figures)))].sort()
  return csvFile(
    `${code}-report.csv`,
    [...reportCsvColumns, ...figureNames],
    report.districts.map((d) => [
      ...reportCsvColumns.map((k) => d[k]),
      ...figureNames.map((f) => d.figures[f] ?? 0),
    ]),
  )
}

/** The whole timeline as a download, the same for the API and the console. */
export function timelineCsv(code: string, items: TimelineItem[]): CsvFile {
  return csvFile(
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

type Lang = 'zh' | 'en'
const bilingual = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en)

/** Beijing time as people write it: 2026-11-30 09:00:00. */
export const beijingTime = (at: string | Date | null) =>
  at === null
    ? ''
    : new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')

const REPORT_HEADERS: Record<(typeof reportCsvColumns)[number], [string, string]> = {
  district: ['区县代码', 'District code'],
  tasks: ['任务数', 'Tasks'],
  acknowledged: ['已确认', 'Acknowledged'],
  acknowledgedOnTime: ['按时确认', 'Acknowledged on time'],
  completed: ['已完成', 'Completed'],
  completedOnTime: ['按时完成', 'Completed on time'],
  declined: ['已拒绝', 'Declined'],
  cancelled: ['已取消', 'Cancelled'],
  escalations: ['升级次数', 'Escalations'],
  medianMinutesToAcknowledge: ['确认用时中位数（分钟）', 'Median minutes to acknowledge'],
  medianMinutesToComplete: ['完成用时中位数（分钟）', 'Median minutes to complete'],
  onTimeRate: ['按时办结率', 'On-time rate'],
}

const pct = (rate: number | null) => (rate === null ? '' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`)

/**
 * The after-action report as people download it from the console: headers in the page's language (Chinese
 * unless `?lang=en`), the district's name beside its code, rates as percentages, a city row last.
 */
export function reportCsvForPeople(
  code: string,
  report: Report,
  opts: { lang: Lang; districtName: (code: string) => string; figureLabel: (name: string) => string },
): CsvFile {
  const { lang } = opts
  const figureNames = [...new Set(report.districts.flatMap((d) => Object.keys(d.figures)))].sort()
  const cell = (d: Report['districts'][number], k: (typeof reportCsvColumns)[number]) =>
    k === 'onTimeRate' ? pct(d.onTimeRate) : d[k]
  // An exercise says so on every row, so a row copied elsewhere still carries it.
  const drill = report.exercise ? bilingual(lang, '演练', 'exercise') : ''
  const rows = report.districts.map((d) => [
    opts.districtName(d.district),
    ...reportCsvColumns.map((k) => cell(d, k)),
    ...figureNames.map((f) => d.figures[f] ?? 0),
    drill,
  ])
  const total = (k: keyof Report['districts'][number]) =>
    report.districts.reduce((n, d) => n + (typeof d[k] === 'number' ? (d[k] as number) : 0), 0)
  rows.push([
    bilingual(lang, '全市', 'City'),
    '',
    report.city.tasks,
    total('acknowledged'),
    total('acknowledgedOnTime'),
    total('completed'),
    total('completedOnTime'),
    total('declined'),
    total('cancelled'),
    total('escalations'),
    '',
    '',
    pct(report.city.onTimeRate),
    ...figureNames.map((f) => report.city.figures[f] ?? 0),
    drill,
  ])
  return csvFile(
    `${code}-report.csv`,
    [
      bilingual(lang, '区县', 'District'),
      ...reportCsvColumns.map((k) => bilingual(lang, ...REPORT_HEADERS[k])),
      ...figureNames.map(opts.figureLabel),
      bilingual(lang, '演练', 'Exercise'),
    ],
    rows,
  )
}

/** The timeline as people download it: headers in their language, Beijing times, district names, no JSON. */
export function timelineCsvForPeople(
  code: string,
  items: TimelineItem[],
  opts: Omit<WordsOptions, 'time'>,
): CsvFile {
  const { lang } = opts
  const words = { ...opts, time: beijingTime }
  return csvFile(
    `${code}-events.csv`,
    [
      bilingual(lang, '序号', 'No.'),
      bilingual(lang, '时间（北京时间）', 'Time (Beijing)'),
      bilingual(lang, '事件', 'Event'),
      bilingual(lang, '事件类型代码', 'Event type'),
      bilingual(lang, '区县', 'District'),
      bilingual(lang, '区县代码', 'District code'),
      bilingual(lang, '任务', 'Task'),
      bilingual(lang, '操作人', 'By'),
      bilingual(lang, '角色', 'Role'),
      bilingual(lang, '请求编号', 'Request id'),
      bilingual(lang, '内容', 'Details'),
    ],
    items.map((e) => [
      e.id,
      beijingTime(e.at),
      eventName(e.type, lang),
      e.type,
      e.district ? opts.districtName(e.district) : '',
      e.district,
      e.task,
      e.actor.name,
      (ROLES as readonly string[]).includes(e.actor.role)
        ? roleName(e.actor.role as Role, lang)
        : e.actor.role,
      e.requestId,
      payloadWords(e.type, e.payload, words),
    ]),
  )
}

const csvFile = (filename: string, header: string[], rows: CsvFile['rows']): CsvFile => ({
  filename,
  header,
  rows,
})
