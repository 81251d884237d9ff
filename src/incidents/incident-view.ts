import { levelName } from '../domain/enums.js'
import type { Playbook } from '../playbooks/playbook.schema.js'
import { isOverdue } from '../tasks/task-view.js'
import type { TaskRow } from '../tasks/tasks.repo.js'
import type { IncidentRow } from './incidents.repo.js'

const iso = (d: Date | null) => d?.toISOString() ?? null

export function incidentSummary(i: IncidentRow, taskCount?: number) {
  return {
    id: i.id,
    code: i.code,
    playbook: i.playbook_id,
    playbookHash: i.playbook_hash,
    title: i.title,
    hazard: i.hazard,
    products: i.products,
    level: levelName(i.level),
    scope: i.all_districts ? ('all' as const) : ('list' as const),
    districts: i.districts,
    status: i.status,
    exercise: i.exercise,
    note: i.note,
    summary: i.summary,
    createdAt: i.created_at.toISOString(),
    closedAt: iso(i.closed_at),
    ...(taskCount !== undefined ? { taskCount } : {}),
  }
}

export type Totals = Record<string, number>

/** Sums the numeric figures of each report; booleans count the reports that said yes. */
export function addFigures(into: Totals, figures: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(figures)) {
    if (typeof v === 'number') into[k] = (into[k] ?? 0) + v
    else if (typeof v === 'boolean' && v) into[k] = (into[k] ?? 0) + 1
  }
}

export function figureTotals(reports: { district_code: string; figures: Record<string, unknown> }[]) {
  const byDistrict: Record<string, Totals> = {}
  const city: Totals = {}
  for (const r of reports) {
    const into = byDistrict[r.district_code] ?? {}
    byDistrict[r.district_code] = into
    addFigures(into, r.figures)
    addFigures(city, r.figures)
  }
  return { byDistrict, city }
}

/** The district × step matrix: for each district, each step's latest task. */
export function taskMatrix(playbook: Playbook, tasks: TaskRow[], now: Date) {
  const steps = playbook.steps.map((s) => ({ key: s.key, title: s.title, level: levelName(s.level) }))
  const rows = new Map<string, Record<string, ReturnType<typeof cell>>>()
  const cell = (t: TaskRow) => ({
    task: t.id,
    status: t.status,
    occurrence: t.occurrence,
    owner: t.owner_name,
    dueAt: t.due_at.toISOString(),
    overdue: isOverdue(t, now),
  })
  for (const t of tasks) {
    const row = rows.get(t.district_code) ?? {}
    const prev = row[t.step_key]
    if (!prev || prev.occurrence < t.occurrence) row[t.step_key] = cell(t)
    rows.set(t.district_code, row)
  }
  return {
    steps,
    districts: [...rows.entries()].map(([district, cells]) => ({ district, cells })),
  }
}
