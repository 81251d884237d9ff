import type { TaskStatus } from '../domain/enums.js'
import type { NewEvent } from '../events/events.repo.js'
import type { NewTask } from './tasks.repo.js'

/** Reported figures by field name, as validated against the step's declared fields. */
export type Figures = Record<string, number | boolean | string | null>

/** Fields every task state change carries (written by the single-statement transition). */
interface Moved {
  step: string
  /** The task's incident is an exercise (演练): every task event but `task.escalated` carries it here. */
  exercise: boolean
  to: TaskStatus
  /** Present when only one state could lead here. */
  from?: TaskStatus
}

export interface TaskEventPayloads {
  'task.created': {
    step: string
    exercise: boolean
    occurrence: number
    ackDueAt: string
    dueAt: string
    /** Opened by the recurring-task job rather than by activation or a level change. */
    recurring?: boolean
    /** Opened by the command centre in place of this declined task, for `reason`. */
    reassignedFrom?: string
    reason?: string
  }
  'task.acknowledged': Moved & { owner: string | null }
  'task.started': Moved
  'task.completed': Moved & { note: string | null }
  'task.declined': Moved & { reason: string }
  /** By the command centre (`to`, `from` present) or as part of a level change or closing. */
  'task.cancelled': {
    step: string
    exercise: boolean
    reason: string
    to?: TaskStatus
    from?: TaskStatus
  }
  'task.reported': { step: string; exercise: boolean; figures: Figures; note: string | null }
  /** What was done about one failing sample of a disposal task (a report on the task, `subject` its id). */
  'task.disposal_recorded': {
    step: string
    exercise: boolean
    sample: string
    sampleNo: string
    figures: Figures
    note: string | null
  }
  /** A correcting report (`subject`) on `report`: the signed change of each figure and the reason. */
  'task.report_corrected': {
    step: string
    exercise: boolean
    report: string
    sample: string | null
    change: Record<string, number>
    reason: string
  }
  /** A declined task reopened by the command centre as a new task (`to`), possibly for another district. */
  'task.reassigned': {
    step: string
    exercise: boolean
    /** The new task. */
    to: string
    district: string
    reason: string
    ackDueAt: string
    dueAt: string
  }
}

export function taskCreatedEvent(
  t: NewTask,
  exercise: boolean,
  extra: { recurring?: boolean; reassignedFrom?: string; reason?: string } = {},
): NewEvent {
  return {
    type: 'task.created',
    incidentId: t.incident_id,
    taskId: t.id,
    districtCode: t.district_code,
    payload: {
      step: t.step_key,
      exercise,
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
  exercise: boolean,
): NewEvent {
  return {
    type: 'task.cancelled',
    incidentId,
    taskId: t.id,
    districtCode: t.district_code,
    payload: { step: t.step_key, exercise, reason },
  }
}
