import { z } from '@hono/zod-openapi'
import { escalationTarget } from '../playbooks/playbook.schema.js'

const id = z.string()

/** Payload schemas of the rectification events (issue 18), spread into `eventPayloadSchemas`. */
export const rectificationEventSchemas = {
  'rectification.opened': z.strictObject({
    rectificationId: id,
    businessId: id,
    role: z.enum(['seller', 'producer']),
    sampleNo: z.string(),
    announcementId: id,
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
    outcome: z.enum(['resample_passed', 'rectified', 'refused']),
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
    contact: z.strictObject({ name: z.string(), phone: z.string() }).nullable(),
  }),
}
