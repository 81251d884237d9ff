import { z } from '@hono/zod-openapi'
import { escalationTarget } from '../playbooks/playbook.schema.js'

const id = z.string()
const shares = z.strictObject({ A: z.number(), B: z.number(), C: z.number(), D: z.number() })

/**
 * Payload schemas of the rectification, inspection, self-check and spot-check events (issue 18), spread into
 * `eventPayloadSchemas`.
 */
export const rectificationEventSchemas = {
  'rectification.opened': z.strictObject({
    rectificationId: id,
    businessId: id,
    role: z.enum(['seller', 'producer', 'inspected']),
    sampleNo: z.string().nullable(),
    announcementId: id.nullable(),
    inspection: z.strictObject({ planId: id, position: z.number().int() }).optional(),
    failedItems: z.array(z.string()),
    dueAt: z.string(),
  }),
  'rectification.meeting_recorded': z.strictObject({
    rectificationId: id,
    date: z.string(),
    attendees: z.array(z.string()),
  }),
  'rectification.statement_recorded': z.strictObject({ rectificationId: id }),
  'rectification.evidence_added': z.strictObject({
    rectificationId: id,
    evidenceId: id,
    fileName: z.string().nullable(),
    contentType: z.string().nullable(),
    size: z.number().int().nullable(),
  }),
  'rectification.closed': z.strictObject({
    rectificationId: id,
    businessId: id,
    outcome: z.enum(['resample_passed', 'rectified', 'refused', 'retracted']),
    resampleNo: z.string().nullable(),
    reason: z.string().nullable(),
    onTime: z.boolean(),
  }),
  'rectification.escalated': z.strictObject({
    rectificationId: id,
    businessId: id,
    rung: z.number().int(),
    notify: escalationTarget,
    dueAt: z.string(),
    /** The case's district: a gateway's contact is looked up at delivery. */
    district: z.string(),
  }),
  'inspection.planned': z.strictObject({ planId: id, title: z.string(), seed: z.string(), shares }),
  'inspection.drawn': z.strictObject({
    planId: id,
    seed: z.string(),
    drawn: z.number().int(),
    byClass: shares,
    population: z.number().int(),
  }),
  'inspection.recorded': z.strictObject({
    planId: id,
    position: z.number().int(),
    businessId: id,
    result: z.enum(['pass', 'issues_found', 'rectification_opened']),
    rectificationId: id.nullable().optional(),
  }),
  'inspection.conflict_flagged': z.strictObject({ userId: id, businessId: id }),
  'self_check.opened': z.strictObject({
    selfCheckId: id,
    month: z.string(),
    dueAt: z.string(),
    // Absent on checks opened before self-checks were tasks.
    taskId: id.nullable().optional(),
  }),
  'self_check.filed': z.strictObject({
    selfCheckId: id,
    month: z.string(),
    onTime: z.boolean(),
    taskId: id.nullable().optional(),
  }),
  'spot_check.drawn': z.strictObject({
    spotCheckId: id,
    quarter: z.string(),
    seed: z.string(),
    districts: z.array(z.string()),
  }),
}
