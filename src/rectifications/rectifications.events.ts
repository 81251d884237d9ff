import type { EscalationTarget } from '../domain/enums.js'

/** Rectification events: the case id as subject, the business and what happened (no evidence content). */
export interface RectificationEventPayloads {
  'rectification.opened': {
    rectificationId: string
    businessId: string
    role: 'seller' | 'producer' | 'inspected'
    /** Null for a case an inspection opened (`inspection` names it). */
    sampleNo: string | null
    announcementId: string | null
    inspection?: { planId: string; position: number }
    failedItems: string[]
    dueAt: string
  }
  'rectification.meeting_recorded': { rectificationId: string; date: string; attendees: string[] }
  'rectification.statement_recorded': { rectificationId: string }
  'rectification.evidence_added': {
    rectificationId: string
    evidenceId: string
    fileName: string | null
    contentType: string | null
    size: number | null
  }
  'rectification.closed': {
    rectificationId: string
    businessId: string
    outcome: 'resample_passed' | 'rectified' | 'refused' | 'retracted'
    resampleNo: string | null
    reason: string | null
    onTime: boolean
  }
  'rectification.escalated': {
    rectificationId: string
    businessId: string
    rung: number
    notify: EscalationTarget
    dueAt: string
    /** The case's district; a gateway's contact is looked up at delivery. */
    district: string
  }
}
