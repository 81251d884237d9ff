import type { Playbook } from '../playbooks/playbook.schema.js'
import { levelName } from '../playbooks/playbook.schema.js'
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
    level: levelName(i.level as 1),
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

export function taskDto(t: TaskRow, now: Date) {
  return {
    id: t.id,
    incident: t.incident_id,
    district: t.district_code,
    step: t.step_key,
    occurrence: t.occurrence,
    level: levelName(t.level as 1),
    status: t.status,
    ackDueAt: t.ack_due_at.toISOString(),
    dueAt: t.due_at.toISOString(),
    acknowledgedAt: iso(t.acknowledged_at),
    owner: t.owner_id ? { id: t.owner_id, name: t.owner_name } : null,
    startedAt: iso(t.started_at),
    completedAt: iso(t.completed_at),
    declinedAt: iso(t.declined_at),
    declineReason: t.decline_reason,
    cancelledAt: iso(t.cancelled_at),
    cancelReason: t.cancel_reason,
    lastReportAt: iso(t.last_report_at),
    escalations: {
      count: t.escalation_count,
      clock: t.escalation_clock,
      lastRung: t.last_escalation_rung,
      lastAt: iso(t.last_escalated_at),
      lastNotify: t.last_escalation_notify,
      nextAt: iso(t.next_escalation_at),
    },
    reassignedFrom: t.reassigned_from,
    overdue: isOverdue(t, now),
  }
}

/**
 * How late a task is, in ms, or null when it is not: past its ack deadline unacknowledged, past due, or
 * silent past its reporting cadence (the overdue clock is running before `due_at`).
 */
export function lateness(t: TaskRow, now: Date): number | null {
  if (isOverdue(t, now) === 'unacknowledged') return now.getTime() - t.ack_due_at.getTime()
  if (isOverdue(t, now) === 'past_due') return now.getTime() - t.due_at.getTime()
  if (t.escalation_clock === 'overdue' && t.clock_started_at && t.status !== 'pending')
    return now.getTime() - t.clock_started_at.getTime()
  return null
}

/** The incident's overdue list: most late first, each with how late it is. */
export function overdueList(tasks: TaskRow[], now: Date) {
  return tasks
    .map((t) => ({ t, late: lateness(t, now) }))
    .filter(
      (x): x is { t: TaskRow; late: number } =>
        x.late !== null && ['pending', 'acknowledged', 'in_progress'].includes(x.t.status),
    )
    .sort((a, b) => b.late - a.late || a.t.id.localeCompare(b.t.id))
    .map(({ t, late }) => ({ ...taskDto(t, now), lateBySeconds: Math.floor(late / 1000) }))
}

export type OverdueKind = 'unacknowledged' | 'past_due' | null

export function isOverdue(t: TaskRow, now: Date): OverdueKind {
  if (t.status === 'pending' && t.ack_due_at < now) return 'unacknowledged'
  if ((t.status === 'pending' || t.status === 'acknowledged' || t.status === 'in_progress') && t.due_at < now)
    return 'past_due'
  return null
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
