import { z } from '@hono/zod-openapi'
import { ESCALATION_CLOCKS, ESCALATION_TARGETS, LEVEL_NAMES, ROLES, TASK_STATUSES } from '../domain/enums.js'
import { complaintEventSchemas } from './complaint-event-schemas.js'
import type { EventPayloads, EventType } from './event-types.js'
import { rectificationEventSchemas } from './rectification-event-schemas.js'

const step = z.string()
const text = z.strictObject({ zh: z.string(), en: z.string() })
const status = z.enum(TASK_STATUSES)
/** Whether the event's incident is an exercise (演练); on every incident.* and task.* payload. */
const exercise = z.boolean().openapi({
  description: 'The incident is an exercise (演练): a drill, never counted in statistics',
})
const moved = { step, exercise, to: status, from: status.optional() }
const levelChanged = z.strictObject({
  from: z.enum(LEVEL_NAMES),
  to: z.enum(LEVEL_NAMES),
  reason: z.string(),
  added: z.number().int(),
  cancelled: z.number().int(),
  exercise,
})

const aboutAccount = z.strictObject({ userId: z.uuid() })
const alertMessage = z.strictObject({
  alertId: z.uuid(),
  versionId: z.uuid(),
  identifier: z.string(),
  msgType: z.enum(['Alert', 'Update', 'Cancel']),
  status: z.enum(['active', 'closed', 'cancelled']),
  exercise: z.boolean(),
})
const verdict = z.enum(['pass', 'fail'])
const announcementRef = { announcementId: z.string(), number: z.string() }
const announcementKind = z.enum(['original', 'correction', 'retraction'])

/**
 * The payload schema of every event type, for the OpenAPI document. Typed over `EventType`, so an event
 * type added to `EventPayloads` without a schema here (or with one that disagrees) fails to compile.
 */
export const eventPayloadSchemas: { [K in EventType]: z.ZodType<EventPayloads[K]> } = {
  'task.created': z.strictObject({
    step,
    exercise,
    occurrence: z.number().int(),
    ackDueAt: z.string(),
    dueAt: z.string(),
    recurring: z.boolean().optional(),
    reassignedFrom: z.uuid().optional(),
    reason: z.string().optional(),
  }),
  'task.acknowledged': z.strictObject({ ...moved, owner: z.string().nullable() }),
  'task.started': z.strictObject(moved),
  'task.completed': z.strictObject({ ...moved, note: z.string().nullable() }),
  'task.declined': z.strictObject({ ...moved, reason: z.string() }),
  'task.cancelled': z.strictObject({
    step,
    exercise,
    reason: z.string(),
    to: status.optional(),
    from: status.optional(),
  }),
  'task.reported': z.strictObject({
    step,
    exercise,
    figures: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()])),
    note: z.string().nullable(),
  }),
  'task.disposal_recorded': z.strictObject({
    step,
    exercise,
    sample: z.string(),
    sampleNo: z.string(),
    figures: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()])),
    note: z.string().nullable(),
  }),
  'task.report_corrected': z.strictObject({
    step,
    exercise,
    report: z.string(),
    sample: z.string().nullable(),
    change: z.record(z.string(), z.number()),
    reason: z.string(),
  }),
  'task.reassigned': z.strictObject({
    step,
    exercise,
    to: z.uuid(),
    district: z.string(),
    reason: z.string(),
    ackDueAt: z.string(),
    dueAt: z.string(),
  }),
  'task.escalated': z.strictObject({
    step,
    clock: z.enum(ESCALATION_CLOCKS),
    rung: z.number().int().min(1),
    repeat: z.number().int().min(0),
    notify: z.enum(ESCALATION_TARGETS),
    dueAt: z.string(),
    late: z.boolean(),
    lateBySeconds: z.number().int(),
    skippedRepeats: z.number().int(),
    district: z.string().nullable(),
    exercise: z.boolean(),
    note: text.optional(),
  }),
  'contacts.updated': z.union([
    z.strictObject({
      scope: z.literal('district'),
      district: z.string(),
      filled: z.array(z.enum(['dutyOfficer', 'head'])),
    }),
    z.strictObject({
      scope: z.literal('city'),
      filled: z.array(z.enum(['commandCentre', 'cityLeadership'])),
    }),
  ]),
  'incident.activated': z.strictObject({
    code: z.string(),
    playbook: z.string(),
    playbookHash: z.string(),
    level: z.enum(LEVEL_NAMES),
    districts: z.array(z.string()),
    exercise: z.boolean(),
    taskCount: z.number().int(),
    announcementId: z.string().optional(),
    announcementNumber: z.string().optional(),
  }),
  'incident.level_raised': levelChanged,
  'incident.level_lowered': levelChanged,
  'incident.closed': z.strictObject({
    summary: z.string(),
    cancelledTasks: z.number().int(),
    exercise,
    auto: z.literal(true).optional(),
  }),
  'token.created': z.strictObject({
    name: z.string(),
    role: z.enum(ROLES),
    retailerId: z.string().nullable(),
    userId: z.uuid().nullable(),
  }),
  'token.revoked': z.strictObject({ name: z.string(), role: z.enum(ROLES) }),
  'user.created': z.strictObject({
    role: z.enum(ROLES),
    retailerId: z.string().nullable(),
    mustChange: z.boolean(),
  }),
  'user.updated': z.strictObject({
    fields: z.array(z.string()),
    changes: z.record(z.string(), z.union([z.string(), z.boolean(), z.null()])),
  }),
  'user.disabled': aboutAccount,
  'user.enabled': aboutAccount,
  'user.password_reset': aboutAccount,
  'user.password_changed': aboutAccount,
  'user.unlocked': aboutAccount,
  'user.locked_out': z.strictObject({ until: z.string() }),
  'session.signed_in': aboutAccount,
  'session.signed_out': z.strictObject({ everywhere: z.boolean(), sessions: z.number().int() }),
  'webhook.created': z.strictObject({
    origin: z.string(),
    events: z.array(z.string()),
    districts: z.array(z.string()).nullable(),
    notify: z.array(z.string()).nullable(),
  }),
  'webhook.deleted': z.strictObject({ origin: z.string() }),
  'webhook.redelivered': z.strictObject({ delivery: z.number().int(), event: z.number().int() }),
  'alert.issued': alertMessage,
  'alert.updated': alertMessage,
  'alert.cancelled': alertMessage,
  // retailer boards
  'retailer.registered': z.strictObject({
    retailerId: z.string(),
    name: z.string(),
    district: z.string(),
    linkedSamples: z.number().int(),
  }),
  'retailer.updated': z.strictObject({
    retailerId: z.string(),
    changes: z.array(z.string()),
    linkedSamples: z.number().int(),
  }),
  'board.confirmed': z.strictObject({ retailerId: z.string(), version: z.number().int() }),
  'sample.recorded': z.strictObject({ sampleId: z.string(), no: z.string(), verdict }),
  'samples.imported': z.strictObject({
    importId: z.string(),
    hash: z.string(),
    samples: z.number().int(),
    failing: z.number().int(),
    rows: z.number().int(),
  }),
  'announcement.drafted': z.strictObject({
    ...announcementRef,
    kind: announcementKind,
    refersTo: z.string().nullable(),
    sampleIds: z.array(z.string()),
  }),
  'announcement.updated': z.strictObject({
    ...announcementRef,
    sampleIds: z.array(z.string()),
    added: z.array(z.string()).optional(),
    removed: z.array(z.string()).optional(),
  }),
  'announcement.submitted': z.strictObject(announcementRef),
  'announcement.reviewed': z.strictObject({ ...announcementRef, comment: z.string() }),
  'announcement.approved': z.strictObject({ ...announcementRef, comment: z.string() }),
  'announcement.returned': z.strictObject({
    ...announcementRef,
    stage: z.enum(['review', 'approval']),
    comment: z.string(),
  }),
  'announcement.scheduled': z.strictObject({ ...announcementRef, at: z.string() }),
  'announcement.published': z.strictObject({
    ...announcementRef,
    kind: announcementKind,
    refersTo: z.string().nullable(),
    sampleIds: z.array(z.string()),
    failingSampleIds: z.array(z.string()),
    incidentId: z.string().nullable(),
    cancelledTaskIds: z.array(z.string()),
    exercise: z.boolean(),
  }),
  'business.registered': z.strictObject({
    businessId: z.string(),
    name: z.string(),
    district: z.string(),
    creditCode: z.string().nullable(),
  }),
  'business.merged': z.strictObject({
    businessId: z.string(),
    into: z.string(),
    reason: z.string(),
    samplesMoved: z.number().int(),
  }),
  // 12315 complaints and signals
  ...complaintEventSchemas,
  // rectification (issue 18)
  ...rectificationEventSchemas,
}

const EventActorSchema = z
  .strictObject({
    id: z.uuid().nullable().openapi({ description: 'Token id or user id' }),
    name: z
      .string()
      .nullable()
      .openapi({ description: 'Token name, the person’s display name, or the job for a system actor' }),
    role: z.string().openapi({ description: 'A role, `system` (the service itself) or `anonymous`' }),
  })
  .openapi('EventActor')

const eventBase = {
  id: z.number().int(),
  at: z.string().openapi({ format: 'date-time' }),
  incident: z.uuid().nullable(),
  task: z.uuid().nullable(),
  district: z.string().nullable(),
  subject: z.string().nullable(),
  actor: EventActorSchema,
  requestId: z.string().nullable(),
}

const variants = (Object.keys(eventPayloadSchemas) as EventType[]).map((type) =>
  z
    .strictObject({ ...eventBase, type: z.literal(type), payload: eventPayloadSchemas[type] })
    .openapi(`Event_${type.replace(/\./g, '_')}`),
)

/** One recorded state change: who, when, from which request, and what (typed by `type`). */
export const EventSchema = z
  .discriminatedUnion(
    'type',
    variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]],
  )
  .openapi('Event')

/** An event as every consumer (timeline, stream, webhooks) sees it; see `eventView`. */
export type Event = z.infer<typeof EventSchema>
