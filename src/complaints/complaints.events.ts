import type { EscalationTarget } from '../playbooks/playbook.schema.js'

/**
 * Complaint events carry the tracking number and what happened, never the complainant's name, phone or
 * words: they go to the stream, webhooks and the audit trail, which outlive the retention period.
 */
export interface ComplaintEventPayloads {
  'complaint.received': {
    tracking: string
    kind: string
    channel: string
    district: string | null
    decideBy: string
    exercise: boolean
  }
  'complaint.assigned': { tracking: string; district: string }
  'complaint.taken': { tracking: string; owner: { id: string; name: string } }
  'complaint.transferred': { tracking: string; from: string | null; to: string; reason: string }
  'complaint.decided': {
    tracking: string
    decision: 'accept' | 'decline'
    reasons: string[]
    closeBy: string | null
    onTime: boolean
  }
  'complaint.closed': { tracking: string; outcome: string; recovered: string | null; onTime: boolean }
  'complaint.escalated': {
    tracking: string
    clock: 'decide' | 'close'
    rung: number
    at: number
    notify: EscalationTarget
    dueAt: string
    /** The complaint's district (null in the city queue); a gateway's contact is looked up at delivery. */
    district: string | null
  }
  'complaint.personal_data_cleared': { tracking: string }
}
