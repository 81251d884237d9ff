import { levelName, type OverdueKind } from '../domain/enums.js'
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
    escalations: t.escalation_count,
    overdue: isOverdue(t, now),
  }
}

export function isOverdue(t: TaskRow, now: Date): OverdueKind {
  if (t.status === 'pending' && t.ack_due_at < now) return 'unacknowledged'
  if ((t.status === 'pending' || t.status === 'acknowledged' || t.status === 'in_progress') && t.due_at < now)
    return 'past_due'
  return null
}
