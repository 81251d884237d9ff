import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'
import { levelName } from '../domain/enums.js'
import type { ReportField } from '../playbooks/playbook.schema.js'
import { taskSampling } from './task-sampling.read.js'
import type { TaskRow } from './tasks.repo.js'

/**
 * What a district officer needs on a task to act on it: the incident it belongs to (its current level, not
 * the step's lowest), the failing samples to remove grouped by the shop they were taken in, the reports filed
 * so far (corrections included) and the task's figures as the sums of those reports.
 */

/** The per-sample disposal record's figures: what was removed, sealed, or not found on sale. */
export const DISPOSAL_FIGURES = {
  unitsRemoved: 'units_removed',
  sealedKg: 'stock_sealed_kg',
  notOnSale: 'not_on_sale',
} as const

/** The per-sample record's figures as report fields: what the console labels and corrections check. */
export const DISPOSAL_FIELDS: ReportField[] = [
  {
    name: DISPOSAL_FIGURES.unitsRemoved,
    type: 'integer',
    min: 0,
    required: false,
    label: { zh: '下架数量', en: 'Units removed' },
    unit: { zh: '件', en: 'units' },
  },
  {
    name: DISPOSAL_FIGURES.sealedKg,
    type: 'number',
    min: 0,
    required: false,
    label: { zh: '封存', en: 'Stock sealed' },
    unit: { zh: '千克', en: 'kg' },
  },
  {
    name: DISPOSAL_FIGURES.notOnSale,
    type: 'boolean',
    required: false,
    label: { zh: '未见在售', en: 'Not found on sale' },
  },
]

export interface TaskIncident {
  id: string
  code: string
  title: string
  level: ReturnType<typeof levelName>
  status: string
  exercise: boolean
}

export async function taskIncident(db: Kysely<DB>, incidentId: string): Promise<TaskIncident> {
  const i = await db
    .selectFrom('incidents')
    .select(['id', 'code', 'title', 'level', 'status', 'exercise'])
    .where('id', '=', incidentId)
    .executeTakeFirstOrThrow()
  return { ...i, level: levelName(i.level) }
}

export interface FailedItem {
  name: string
  result: string
  limit: string | null
  unit: string | null
}

export interface DisposalSample {
  id: string
  no: string
  product: string
  brand: string | null
  batch: string | null
  productionDate: string | null
  spec: string | null
  producer: string | null
  failedItems: FailedItem[]
  /** The sums of the records filed for this sample on this task (corrections included). */
  recorded: { unitsRemoved: number; sealedKg: number; notOnSale: boolean; records: number }
}

export interface DisposalShop {
  unit: string
  address: string
  samples: DisposalSample[]
}

export interface DisposalList {
  announcement: { id: string; number: string; title: string } | null
  shops: DisposalShop[]
  sampleCount: number
}

export interface FiledReport {
  id: string
  sample: string | null
  corrects: string | null
  reason: string | null
  figures: Record<string, unknown>
  note: string | null
  by: string | null
  createdAt: Date
}

export function taskReports(db: Kysely<DB>, taskId: string): Promise<FiledReport[]> {
  return db
    .selectFrom('task_reports')
    .select([
      'id',
      'sample_id as sample',
      'corrects',
      'reason',
      'figures',
      'note',
      'created_by_name as by',
      'created_at as createdAt',
    ])
    .where('task_id', '=', taskId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

/** The task's figures: each numeric figure summed over its reports; a yes/no figure counts the yeses. */
export function reportTotals(reports: Pick<FiledReport, 'figures'>[]): Record<string, number> {
  const into: Record<string, number> = {}
  for (const r of reports)
    for (const [k, v] of Object.entries(r.figures)) {
      if (typeof v === 'number') into[k] = round((into[k] ?? 0) + v)
      else if (v === true) into[k] = (into[k] ?? 0) + 1
    }
  return into
}

/** Sums of decimals (kg) without binary noise: 0.1 + 0.2 shows as 0.3. */
const round = (n: number) => Math.round(n * 1e6) / 1e6

/** A report's figures with its corrections applied: what the officer now says was done. */
export function currentFigures(report: FiledReport, all: FiledReport[]): Record<string, unknown> {
  const figures: Record<string, unknown> = { ...report.figures }
  for (const c of all)
    if (c.corrects === report.id)
      for (const [k, v] of Object.entries(c.figures))
        if (typeof v === 'number') figures[k] = round(Number(figures[k] ?? 0) + v)
  return figures
}

/** The failing samples a disposal task is about, by shop, with what has been recorded against each. */
export async function disposalList(
  db: Kysely<DB>,
  task: Pick<TaskRow, 'id'>,
  reports: FiledReport[],
): Promise<DisposalList> {
  const rows = await db
    .selectFrom('disposal_task_samples as d')
    .innerJoin('samples as s', 's.id', 'd.sample_id')
    .select([
      's.id',
      's.no',
      's.unit_name',
      's.unit_address',
      's.food_name',
      's.brand',
      's.batch',
      sql<string | null>`s.production_date::text`.as('production_date'),
      's.spec',
      's.producer_name',
      'd.announcement_id',
    ])
    .where('d.task_id', '=', task.id)
    .orderBy('s.unit_name')
    .orderBy('s.unit_address')
    .orderBy('s.no')
    .execute()
  if (rows.length === 0) return { announcement: null, shops: [], sampleCount: 0 }
  const ids = rows.map((r) => r.id)
  const [items, announcement] = await Promise.all([
    db
      .selectFrom('sample_items')
      .select(['sample_id', 'name', 'result', 'limit_value', 'unit'])
      .where('sample_id', 'in', ids)
      .where('verdict', '=', 'fail')
      .orderBy('sample_id')
      .orderBy('position')
      .execute(),
    db
      .selectFrom('announcements')
      .select(['id', 'number', 'title'])
      .where('id', '=', rows[0]!.announcement_id)
      .executeTakeFirst(),
  ])
  const failed = new Map<string, FailedItem[]>()
  for (const i of items)
    failed.set(i.sample_id, [
      ...(failed.get(i.sample_id) ?? []),
      { name: i.name, result: i.result, limit: i.limit_value, unit: i.unit },
    ])
  const recorded = new Map<string, DisposalSample['recorded']>()
  for (const r of reports) {
    if (!r.sample) continue
    const cur = recorded.get(r.sample) ?? { unitsRemoved: 0, sealedKg: 0, notOnSale: false, records: 0 }
    const f = r.figures
    if (typeof f[DISPOSAL_FIGURES.unitsRemoved] === 'number')
      cur.unitsRemoved = round(cur.unitsRemoved + (f[DISPOSAL_FIGURES.unitsRemoved] as number))
    if (typeof f[DISPOSAL_FIGURES.sealedKg] === 'number')
      cur.sealedKg = round(cur.sealedKg + (f[DISPOSAL_FIGURES.sealedKg] as number))
    if (f[DISPOSAL_FIGURES.notOnSale] === true) cur.notOnSale = true
    if (!r.corrects) cur.records++
    recorded.set(r.sample, cur)
  }
  const shops = new Map<string, DisposalShop>()
  for (const r of rows) {
    const key = `${r.unit_name}\u0000${r.unit_address}`
    const shop = shops.get(key) ?? { unit: r.unit_name, address: r.unit_address, samples: [] }
    shop.samples.push({
      id: r.id,
      no: r.no,
      product: r.food_name,
      brand: r.brand,
      batch: r.batch,
      productionDate: r.production_date,
      spec: r.spec,
      producer: r.producer_name,
      failedItems: failed.get(r.id) ?? [],
      recorded: recorded.get(r.id) ?? { unitsRemoved: 0, sealedKg: 0, notOnSale: false, records: 0 },
    })
    shops.set(key, shop)
  }
  return { announcement: announcement ?? null, shops: [...shops.values()], sampleCount: rows.length }
}

/** Everything the task page and `GET /tasks/{id}` show beyond the task row itself. */
export async function taskSheetOf(
  deps: { db: Kysely<DB>; districts: { items: { code: string; nameZh: string; nameEn: string }[] } },
  task: TaskRow,
) {
  const [incident, reports, sampling] = await Promise.all([
    taskIncident(deps.db, task.incident_id),
    taskReports(deps.db, task.id),
    taskSampling(deps.db, task),
  ])
  const disposal = await disposalList(deps.db, task, reports)
  const d = deps.districts.items.find((x) => x.code === task.district_code)
  return {
    incident,
    districtName: d ? { zh: d.nameZh, en: d.nameEn } : null,
    disposal,
    reports,
    totals: reportTotals(reports),
    sampling,
  }
}
export type TaskSheet = Awaited<ReturnType<typeof taskSheetOf>>
