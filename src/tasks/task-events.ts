import type { NewEvent } from '../events/events.repo.js'
import type { NewTask } from './tasks.repo.js'

export function taskCreatedEvent(t: NewTask, extra: Record<string, unknown> = {}): NewEvent {
  return {
    type: 'task.created',
    incidentId: t.incident_id,
    taskId: t.id,
    districtCode: t.district_code,
    payload: {
      step: t.step_key,
      occurrence: t.occurrence,
      ackDueAt: t.ack_due_at.toISOString(),
      dueAt: t.due_at.toISOString(),
      ...extra,
    },
  }
}

export function taskCancelledEvent(
  incidentId: string,
  t: { id: string; district_code: string; step_key: string },
  reason: string,
): NewEvent {
  return {
    type: 'task.cancelled',
    incidentId,
    taskId: t.id,
    districtCode: t.district_code,
    payload: { step: t.step_key, reason },
  }
}
