import { z } from '@hono/zod-openapi'
import { ESCALATION_CLOCKS, ESCALATION_TARGETS, TASK_STATUSES } from '../domain/enums.js'
import { trimmedText, visibleText } from '../domain/text.js'
import { PageQuery } from '../http/pagination.js'
import { DistrictCodeSchema, LevelSchema, OverdueSchema, timestamp, uuidParam } from '../http/schemas.js'
import { isDuration } from '../playbooks/duration.js'
import { StepSchema } from '../playbooks/playbook-response.schema.js'

export const TaskStatusSchema = z.enum(TASK_STATUSES).openapi('TaskStatus')
const EscalationClockSchema = z.enum(ESCALATION_CLOCKS).openapi('EscalationClock')
const EscalationTargetSchema = z.enum(ESCALATION_TARGETS).openapi('EscalationTarget')

const taskFields = {
  id: z.uuid(),
  incident: z.uuid(),
  district: z.string(),
  step: z.string(),
  occurrence: z.number().int().openapi({ description: 'Which occurrence of a recurring step (0 first)' }),
  level: LevelSchema,
  status: TaskStatusSchema,
  ackDueAt: timestamp(),
  dueAt: timestamp(),
  acknowledgedAt: timestamp().nullable(),
  owner: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable(),
  startedAt: timestamp().nullable(),
  completedAt: timestamp().nullable(),
  declinedAt: timestamp().nullable(),
  declineReason: z.string().nullable(),
  cancelledAt: timestamp().nullable(),
  cancelReason: z.string().nullable(),
  lastReportAt: timestamp().nullable(),
  escalations: z
    .strictObject({
      count: z.number().int().openapi({ description: 'Rungs fired so far, on either clock' }),
      clock: EscalationClockSchema.nullable().openapi({
        description: 'The clock last climbed; null once reset',
      }),
      lastRung: z.number().int().nullable(),
      lastAt: timestamp().nullable(),
      lastNotify: EscalationTargetSchema.nullable(),
      nextAt: timestamp().nullable().openapi({ description: 'When the next rung falls due, if any' }),
    })
    .openapi('TaskEscalations'),
  reassignedFrom: z.uuid().nullable().openapi({ description: 'The declined task this one reopens' }),
  overdue: OverdueSchema,
}

export const TaskSchema = z.strictObject(taskFields).openapi('Task')

export const OverdueTaskSchema = z
  .strictObject({ ...taskFields, lateBySeconds: z.number().int() })
  .openapi('OverdueTask')

export const TaskListItemSchema = z
  .strictObject({
    ...taskFields,
    incidentCode: z.string(),
    exercise: z.boolean(),
    incidentTitle: z.string(),
    incidentLevel: LevelSchema.openapi({
      description: 'The incident’s current level (not the step’s lowest)',
    }),
  })
  .openapi('TaskListItem')

export const FigureValueSchema = z.union([z.number(), z.boolean(), z.string(), z.null()])

export const ReportSchema = z
  .strictObject({
    figures: z
      // Checked against the step's declared fields by the service, which names every problem at once.
      .record(z.string().max(100), FigureValueSchema)
      .openapi({ description: 'By field name, as the step declares them' }),
    note: trimmedText(4000).optional(),
  })
  .openapi('TaskReport')

export const FiledReportSchema = z
  .strictObject({
    id: z.uuid(),
    figures: z.record(z.string(), FigureValueSchema),
    note: z.string().nullable(),
    createdAt: timestamp(),
  })
  .openapi('FiledReport')

export const ReportResultSchema = z
  .strictObject({ task: TaskSchema, report: FiledReportSchema })
  .openapi('ReportResult')

export const CompleteSchema = z.strictObject({ note: trimmedText(4000).optional() }).openapi('CompleteTask')
export const ReasonSchema = z.strictObject({ reason: visibleText(2000) }).openapi('Reason')

const window = z
  .string()
  .max(40)
  .refine(isDuration, 'an ISO-8601 duration such as PT30M, PT2H or P1D (no months or years)')
  .refine((d) => !/^P(T?0+[DHMSW])+$|^PT(0+[HMS])+$/.test(d), 'must be longer than zero')

export const ReassignSchema = z
  .strictObject({
    district: DistrictCodeSchema.optional(),
    ackWithin: window.optional(),
    dueWithin: window.optional(),
    reason: visibleText(2000),
  })
  .openapi('TaskReassignment')

export const TaskQuerySchema = z.strictObject({
  incident: z.uuid().optional(),
  status: TaskStatusSchema.optional(),
  district: DistrictCodeSchema.optional(),
  ...PageQuery,
})

// ---- what a district officer needs on a task ----

const FailedItemSchema = z
  .strictObject({
    name: z.string(),
    result: z.string(),
    limit: z.string().nullable(),
    unit: z.string().nullable(),
  })
  .openapi('FailedItem')

const DisposalSampleSchema = z
  .strictObject({
    id: z.uuid(),
    no: z.string().openapi({ description: 'Sample number (抽样编号)' }),
    product: z.string(),
    brand: z.string().nullable(),
    batch: z.string().nullable(),
    productionDate: z.string().nullable(),
    spec: z.string().nullable(),
    producer: z.string().nullable(),
    failedItems: z.array(FailedItemSchema),
    recorded: z
      .strictObject({
        unitsRemoved: z.number(),
        sealedKg: z.number(),
        notOnSale: z.boolean(),
        records: z.number().int(),
      })
      .openapi({
        description: 'Sums of the records filed for this sample on this task, corrections included',
      }),
  })
  .openapi('DisposalSample')

const DisposalShopSchema = z
  .strictObject({
    unit: z.string().openapi({ description: 'Sampled unit (被抽样单位)' }),
    address: z.string(),
    samples: z.array(DisposalSampleSchema),
  })
  .openapi('DisposalShop')

export const TaskReportEntrySchema = z
  .strictObject({
    id: z.uuid(),
    sample: z.uuid().nullable().openapi({ description: 'The sample a per-sample disposal record is about' }),
    corrects: z
      .uuid()
      .nullable()
      .openapi({ description: 'The report this one corrects (figures are the signed change)' }),
    reason: z.string().nullable(),
    figures: z.record(z.string(), FigureValueSchema),
    note: z.string().nullable(),
    by: z.string().nullable(),
    createdAt: timestamp(),
  })
  .openapi('TaskReportEntry')

const SampledProductSchema = z.strictObject({
  name: z.string().nullable(),
  brand: z.string().nullable(),
  batch: z.string().nullable(),
  spec: z.string().nullable(),
})

export const TaskSamplingSchema = z
  .strictObject({
    signal: z.strictObject({ id: z.uuid(), code: z.string(), title: z.string() }),
    targets: z
      .array(
        z.strictObject({
          district: z.string(),
          tracking: z.string(),
          product: SampledProductSchema,
          business: z.strictObject({
            id: z.uuid().nullable(),
            name: z.string().nullable(),
            address: z.string().nullable(),
          }),
        }),
      )
      .openapi({ description: 'The district’s complaints: the product each names, at its business' }),
    products: z
      .array(SampledProductSchema)
      .openapi({ description: 'Every product the signal’s complaints name, once each' }),
  })
  .openapi('TaskSampling')

export const TaskSheetSchema = z
  .strictObject({
    ...taskFields,
    incidentCode: z.string(),
    stepDetail: z.union([StepSchema, z.null()]),
    incidentTitle: z.string(),
    incidentLevel: LevelSchema.openapi({
      description: 'The incident’s current level (not the step’s lowest)',
    }),
    incidentStatus: z.string(),
    exercise: z.boolean().openapi({ description: 'An exercise (演练), not a real incident' }),
    districtName: z.strictObject({ zh: z.string(), en: z.string() }).nullable(),
    announcement: z
      .strictObject({ id: z.uuid(), number: z.string(), title: z.string(), url: z.string() })
      .nullable()
      .openapi({ description: 'The published announcement behind a disposal task' }),
    shops: z
      .array(DisposalShopSchema)
      .openapi({ description: 'The district’s failing samples, by sampled unit' }),
    reports: z
      .array(TaskReportEntrySchema)
      .openapi({ description: 'Every report filed, corrections included' }),
    totals: z
      .record(z.string(), z.number())
      .openapi({ description: 'The task’s figures: sums over its reports (a yes counts 1)' }),
    sampling: TaskSamplingSchema.nullable().openapi({
      description: 'The complaint signal behind a sampling task, and what to sample where',
    }),
  })
  .openapi('TaskSheet')

export const DisposalResultSchema = z
  .strictObject({ task: TaskSchema, report: TaskReportEntrySchema })
  .openapi('DisposalResult')

export const ReportIdParam = z.strictObject({ id: uuidParam('id'), reportId: uuidParam('reportId') })
