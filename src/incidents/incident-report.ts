import type { TaskRow } from '../tasks/tasks.repo.js'
import { addFigures, type Totals } from './incident-view.js'
import type { IncidentRow } from './incidents.repo.js'

const minutes = (from: Date, to: Date) => Math.round(((to.getTime() - from.getTime()) / 60000) * 10) / 10

function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 10) / 10
}

export interface DistrictReport {
  district: string
  tasks: number
  acknowledged: number
  acknowledgedOnTime: number
  completed: number
  completedOnTime: number
  declined: number
  cancelled: number
  escalations: number
  medianMinutesToAcknowledge: number | null
  medianMinutesToComplete: number | null
  /**
   * 当场办结: share of required tasks acknowledged within the window and completed by their due time. Every
   * task is required unless it was cancelled before its acknowledgement was due; a district with required
   * tasks and nothing done scores 0 (null only when nothing was required of it).
   */
  onTimeRate: number | null
  figures: Totals
}

/**
 * A task of an active incident that is still open with neither deadline passed has no outcome yet: it is
 * left out of the on-time rate until it has one, so a freshly activated incident does not read 0 %.
 */
const undecided = (t: TaskRow, now: Date | undefined) =>
  now !== undefined &&
  (t.status === 'pending' || t.status === 'acknowledged' || t.status === 'in_progress') &&
  !(t.status === 'pending' && t.ack_due_at < now) &&
  !(t.acknowledged_at && t.acknowledged_at > t.ack_due_at) &&
  t.due_at >= now

/** 当场办结 for one task: on time, late, excused (not required) or, while the incident runs, undecided. */
export function taskOutcome(t: TaskRow, now?: Date): 'on_time' | 'late' | 'excused' | 'undecided' {
  // Excused only when it was called off (level lowered, commander cancel, early close) before its
  // acknowledgement was due. Closing an incident cancels every open task, so a cancellation after
  // the window had passed is not an excuse: the district had already missed the deadline.
  if (t.status === 'cancelled' && t.cancelled_at && t.cancelled_at < t.ack_due_at) return 'excused'
  if (undecided(t, now)) return 'undecided'
  return t.acknowledged_at &&
    t.acknowledged_at <= t.ack_due_at &&
    t.completed_at &&
    t.completed_at <= t.due_at
    ? 'on_time'
    : 'late'
}

function districtReport(
  district: string,
  tasks: TaskRow[],
  reports: { figures: Record<string, unknown> }[],
  now?: Date,
) {
  const r: DistrictReport = {
    district,
    tasks: tasks.length,
    acknowledged: 0,
    acknowledgedOnTime: 0,
    completed: 0,
    completedOnTime: 0,
    declined: 0,
    cancelled: 0,
    escalations: 0,
    medianMinutesToAcknowledge: null,
    medianMinutesToComplete: null,
    onTimeRate: null,
    figures: {},
  }
  const toAck: number[] = []
  const toComplete: number[] = []
  let required = 0
  let onTime = 0
  for (const t of tasks) {
    r.escalations += t.escalation_count
    if (t.status === 'declined') r.declined++
    if (t.status === 'cancelled') r.cancelled++
    if (t.acknowledged_at) {
      r.acknowledged++
      toAck.push(minutes(t.created_at, t.acknowledged_at))
      if (t.acknowledged_at <= t.ack_due_at) r.acknowledgedOnTime++
    }
    if (t.completed_at) {
      r.completed++
      toComplete.push(minutes(t.created_at, t.completed_at))
      if (t.completed_at <= t.due_at) r.completedOnTime++
    }
    const outcome = taskOutcome(t, now)
    if (outcome === 'excused' || outcome === 'undecided') continue
    required++
    if (outcome === 'on_time') onTime++
  }
  r.medianMinutesToAcknowledge = median(toAck)
  r.medianMinutesToComplete = median(toComplete)
  r.onTimeRate = required ? Math.round((onTime / required) * 10000) / 10000 : null
  for (const rep of reports) addFigures(r.figures, rep.figures)
  return { report: r, required, onTime }
}

export function afterActionReport(
  incident: IncidentRow,
  tasks: TaskRow[],
  reports: { district_code: string; figures: Record<string, unknown> }[],
  escalationEvents: Map<string, number>,
  /** While the incident runs: tasks with no outcome yet are left out of the rates. */
  now?: Date,
) {
  const districts = [...new Set([...incident.districts, ...tasks.map((t) => t.district_code)])].sort()
  let required = 0
  let onTime = 0
  const city: Totals = {}
  const rows = districts.map((d) => {
    const built = districtReport(
      d,
      tasks.filter((t) => t.district_code === d),
      reports.filter((r) => r.district_code === d),
      incident.status === 'active' ? now : undefined,
    )
    built.report.escalations = Math.max(built.report.escalations, escalationEvents.get(d) ?? 0)
    required += built.required
    onTime += built.onTime
    addFigures(city, built.report.figures)
    return built.report
  })
  return {
    incident: incident.code,
    status: incident.status,
    final: incident.status === 'closed',
    // Drills are reported but never counted in statistics.
    exercise: incident.exercise,
    countsInStatistics: !incident.exercise,
    summary: incident.summary,
    activatedAt: incident.created_at.toISOString(),
    closedAt: incident.closed_at?.toISOString() ?? null,
    durationMinutes: incident.closed_at ? minutes(incident.created_at, incident.closed_at) : null,
    city: {
      tasks: tasks.length,
      onTimeRate: required ? Math.round((onTime / required) * 10000) / 10000 : null,
      figures: city,
    },
    districts: rows,
  }
}

export const reportCsvColumns = [
  'district',
  'tasks',
  'acknowledged',
  'acknowledgedOnTime',
  'completed',
  'completedOnTime',
  'declined',
  'cancelled',
  'escalations',
  'medianMinutesToAcknowledge',
  'medianMinutesToComplete',
  'onTimeRate',
] as const
