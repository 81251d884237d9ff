import { z } from '@hono/zod-openapi'
import { ESCALATION_TARGETS } from '../domain/enums.js'

const tracking = z.string()
const _contact = z.strictObject({ name: z.string(), phone: z.string() })

/** Payload schemas of the complaint and signal events, spread into `eventPayloadSchemas`. */
export const complaintEventSchemas = {
  'complaint.received': z.strictObject({
    tracking,
    kind: z.string(),
    channel: z.string(),
    district: z.string().nullable(),
    decideBy: z.string(),
    exercise: z.boolean(),
  }),
  'complaint.assigned': z.strictObject({ tracking, district: z.string() }),
  'complaint.taken': z.strictObject({
    tracking,
    owner: z.strictObject({ id: z.string(), name: z.string() }),
  }),
  'complaint.transferred': z.strictObject({
    tracking,
    from: z.string().nullable(),
    to: z.string(),
    reason: z.string(),
  }),
  'complaint.decided': z.strictObject({
    tracking,
    decision: z.enum(['accept', 'decline']),
    reasons: z.array(z.string()),
    closeBy: z.string().nullable(),
    onTime: z.boolean(),
  }),
  'complaint.closed': z.strictObject({
    tracking,
    outcome: z.string(),
    recovered: z.string().nullable(),
    onTime: z.boolean(),
  }),
  'complaint.escalated': z.strictObject({
    tracking,
    clock: z.enum(['decide', 'close']),
    rung: z.number().int(),
    at: z.number().int(),
    notify: z.enum(ESCALATION_TARGETS),
    dueAt: z.string(),
    /** The complaint's district (null in the city queue): a gateway's contact is looked up at delivery. */
    district: z.string().nullable(),
  }),
  'complaint.personal_data_cleared': z.strictObject({ tracking }),
  'signal.raised': z.strictObject({
    code: z.string(),
    rule: z.string(),
    ruleHash: z.string(),
    title: z.string(),
    match: z.string(),
    count: z.number().int(),
    complaints: z.array(z.string()),
    suggestedPlaybook: z.string(),
    suggestedLevel: z.string(),
    exercise: z.boolean(),
  }),
  'signal.updated': z.strictObject({ code: z.string(), tracking, count: z.number().int() }),
  'signal.activated': z.strictObject({
    code: z.string(),
    incidentId: z.string(),
    incidentCode: z.string(),
    playbook: z.string(),
    level: z.string(),
    complaints: z.array(z.string()),
  }),
  'signal.dismissed': z.strictObject({
    code: z.string(),
    reason: z.string(),
    snoozedUntil: z.string().nullable(),
  }),
  'signal.sampling_requested': z.strictObject({
    code: z.string(),
    incidentId: z.string(),
    incidentCode: z.string(),
    districts: z.array(z.string()),
    taskCount: z.number().int(),
    complaints: z.array(z.string()),
  }),
}
