import type { AnnouncementKind } from '../db/types.js'

/** Event types of the announcements workflow (一审一核) and publication, and their payloads. */
export interface AnnouncementEventPayloads {
  'announcement.drafted': {
    announcementId: string
    number: string
    kind: AnnouncementKind
    refersTo: string | null
    sampleIds: string[]
  }
  'announcement.updated': {
    announcementId: string
    number: string
    sampleIds: string[]
    /** Set when the samples were added or removed one by one (`POST …/samples`). */
    added?: string[]
    removed?: string[]
  }
  'announcement.submitted': { announcementId: string; number: string }
  'announcement.reviewed': { announcementId: string; number: string; comment: string }
  'announcement.approved': { announcementId: string; number: string; comment: string }
  'announcement.returned': {
    announcementId: string
    number: string
    stage: 'review' | 'approval'
    comment: string
  }
  'announcement.scheduled': { announcementId: string; number: string; at: string }
  /** For the public side (consumer alerts, boards) to consume; written in the publishing transaction. */
  'announcement.published': {
    announcementId: string
    number: string
    kind: AnnouncementKind
    refersTo: string | null
    sampleIds: string[]
    failingSampleIds: string[]
    incidentId: string | null
    cancelledTaskIds: string[]
    exercise: boolean
  }
}
