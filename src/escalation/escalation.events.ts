import type { EscalationClock } from '../domain/enums.js'
import type { Text } from '../domain/errors.js'
import type { EscalationTarget } from '../playbooks/playbook.schema.js'

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
    contact: Contact | null
    /** Present when no contact is on file for the target: the rung still fires. */
    note?: Text
  }
}
