import { levelName, OPEN_TASK_STATUSES, type OverdueKind } from '../domain/enums.js'
import type { FiledReport, TaskSheet } from './task-disposal.read.js'
import type { TaskRow } from './tasks.repo.js'

const iso = (d: Date | null) => d?.toISOString() ?? null

export function taskDto(t: TaskRow, now: Date) {
  return {
    id: t.id,
    incident: t.incident_id,
    district: t.district_code,
    step: t.step_key,
    occurrence: t.occurrence,
    level: levelName(t.level),
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

export function isOverdue(t: TaskRow, now: Date): OverdueKind {
  if (t.status === 'pending' && t.ack_due_at < now) return 'unacknowledged'
  if ((t.status === 'pending' || t.status === 'acknowledged' || t.status === 'in_progress') && t.due_at < now)
    return 'past_due'
  return null
}

/**
 * How late a task is, in ms, or null when it is not: past its ack deadline unacknowledged, past due, or
 * silent past its reporting cadence (the overdue clock is running before `due_at`).
 */
export function lateness(t: TaskRow, now: Date): number | null {
  const overdue = isOverdue(t, now)
  if (overdue === 'unacknowledged') return now.getTime() - t.ack_due_at.getTime()
  if (overdue === 'past_due') return now.getTime() - t.due_at.getTime()
  if (t.escalation_clock === 'overdue' && t.clock_started_at && t.status !== 'pending')
    return now.getTime() - t.clock_started_at.getTime()
  return null
}

const open: readonly string[] = OPEN_TASK_STATUSES

/** An incident's overdue list: most late first, each with how late it is. */
export function overdueList(tasks: TaskRow[], now: Date) {
  return tasks
    .map((t) => ({ t, late: lateness(t, now) }))
    .filter((x): x is { t: TaskRow; late: number } => x.late !== null && open.includes(x.t.status))
    .sort((a, b) => b.late - a.late || a.t.id.localeCompare(b.t.id))
    .map(({ t, late }) => ({ ...taskDto(t, now), lateBySeconds: Math.floor(late / 1000) }))
}

/** A filed report as the API shows it. */
export const reportEntryDto = (r: FiledReport) => ({
  id: r.id,
  sample: r.sample,
  corrects: r.corrects,
  reason: r.reason,
  figures: r.figures as Record<string, number | boolean | string | null>,
  note: r.note,
  by: r.by,
  createdAt: r.createdAt.toISOString(),
})

/** The sheet's part of `GET /tasks/{id}`: the incident's identity, what to remove where, reports, sums. */
export function taskSheetDto(s: TaskSheet) {
  return {
    incidentTitle: s.incident.title,
    incidentLevel: s.incident.level,
    incidentStatus: s.incident.status,
    exercise: s.incident.exercise,
    districtName: s.districtName,
    announcement: s.disposal.announcement
      ? { ...s.disposal.announcement, url: `/announcements/${s.disposal.announcement.id}` }
      : null,
    shops: s.disposal.shops,
    reports: s.reports.map(reportEntryDto),
    totals: s.totals,
    sampling: s.sampling,
  }
}

export type { TaskRow } from './tasks.repo.js'
