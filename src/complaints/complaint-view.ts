import { chinaIso } from '../calendar/working-days.js'
import type { Text } from '../domain/errors.js'
import { maskName, maskPhone } from './complaint-text.js'
import type { ComplaintRow } from './complaints.repo.js'
import type { Outcome } from './complaints.schema.js'

const iso = (d: Date | string | null) => (d === null ? null : chinaIso(new Date(d)))

/**
 * A complaint as staff read it. `contact` is shown in full only when `full` (the owning district and the
 * command centre reading one complaint); masked in lists; null for an anonymous report or after retention.
 */
export function complaintDto(r: ComplaintRow, contact: 'full' | 'masked') {
  const hasContact = r.contact_name !== null || r.contact_phone !== null
  return {
    id: r.id,
    tracking: r.tracking,
    kind: r.kind,
    channel: r.channel,
    status: r.status,
    receivedAt: iso(r.received_at)!,
    district: r.district_code,
    owner: r.owner_id && r.taken_at ? { id: r.owner_id, name: r.owner_name, since: iso(r.taken_at)! } : null,
    product: { name: r.product_name, brand: r.product_brand, batch: r.product_batch, spec: r.product_spec },
    business: { id: r.business_id, name: r.business_name, address: r.business_address },
    purchasedOn: r.purchased_on,
    amount: r.amount,
    description: r.description,
    anonymous: r.anonymous,
    contact: hasContact
      ? contact === 'full'
        ? { name: r.contact_name, phone: r.contact_phone }
        : { name: maskName(r.contact_name), phone: maskPhone(r.contact_phone) }
      : null,
    decideBy: iso(r.decide_due_at)!,
    closeBy: iso(r.close_due_at),
    decidedAt: iso(r.decided_at),
    decision: r.decision,
    declineReasons: r.decline_reasons ?? [],
    closedAt: iso(r.closed_at),
    outcome: r.outcome as Outcome | null,
    recovered: r.recovered,
    note: r.close_note,
    exercise: r.exercise,
    incidentId: r.incident_id,
  }
}
export type ComplaintDto = ReturnType<typeof complaintDto>

/** What each step reads as on the public timeline (no names: the consumer sees the bureau, not people). */
export const TIMELINE_TEXT: Record<string, Text> = {
  'complaint.received': { zh: '已收到', en: 'Received' },
  'complaint.assigned': { zh: '已分派至区县局', en: 'Assigned to a district bureau' },
  'complaint.taken': { zh: '已由承办人受理办理', en: 'Taken up by an officer' },
  'complaint.transferred': { zh: '已转至其他区县局办理', en: 'Transferred to another district bureau' },
  'complaint.decided': { zh: '已作出受理决定', en: 'Decision on acceptance made' },
  'complaint.closed': { zh: '已办结', en: 'Closed' },
}
