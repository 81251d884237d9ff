import type { EscalationClock } from '../domain/enums.js'
import type { Text } from '../domain/errors.js'
import type { EscalationTarget } from '../playbooks/playbook.schema.js'

/**
 * A person's name and phone: kept in the contacts, never in an event. The payload names the rung's target
 * (`notify`) and district only; an SMS gateway (a webhook filtered by `notify`) gets the contact looked up
 * at delivery time.
 */
export interface Contact {
  name: string
  phone: string
}

export interface EscalationEventPayloads {
  'task.escalated': {
    step: string
    clock: EscalationClock
    /** From 1, along the clock's ladder. */
    rung: number
    /** 0 for the rung's first firing, then 1..repeat. */
    repeat: number
    notify: EscalationTarget
    /** When the rung fell due (ISO). */
    dueAt: string
    /** Fired more than the on-time window (5 s) after it fell due: after downtime. */
    late: boolean
    lateBySeconds: number
    /** Missed repeats folded into this firing after downtime. */
    skippedRepeats: number
    /** The district whose contact `notify` names (its task's district); who that is, is looked up when needed. */
    district: string | null
    /** Whether the incident is an exercise (演练). */
    exercise: boolean
    /** Present when no contact is on file for the target: the rung still fires. */
    note?: Text
  }
}
