import { z } from '@hono/zod-openapi'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { DistrictCodeSchema, TextSchema, timestamp } from '../http/schemas.js'

export const RECTIFICATION_OUTCOMES = ['resample_passed', 'rectified', 'refused', 'retracted'] as const
const line = (max: number) => z.string().trim().min(1).max(max)
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')

/** A case id is a UUID: anything else is refused as input (422), never sent to the database. */
export const RectificationIdParam = z.strictObject({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

export const RectificationQuerySchema = z.strictObject({
  ...PageQuery,
  district: DistrictCodeSchema.optional(),
  status: z.enum(['open', 'closed', 'overdue']).optional().openapi({
    description: '`overdue`: open past its deadline',
  }),
  business: z.uuid().optional(),
})
export type RectificationQuery = z.output<typeof RectificationQuerySchema>

/** The quality-analysis meeting (质量分析会): when, and who attended. */
export const MeetingInputSchema = z
  .strictObject({ date: day, attendees: z.array(line(100)).min(1).max(50) })
  .openapi('RectificationMeeting')
export type MeetingInput = z.output<typeof MeetingInputSchema>

/** The business's stated cause and the measures it took. */
export const StatementInputSchema = z
  .strictObject({ cause: line(2000), measures: line(4000) })
  .openapi('RectificationStatement')
export type StatementInput = z.output<typeof StatementInputSchema>

/** Evidence: a note, a small file (base64), or both. Size and type limits are the rules file's. */
export const EvidenceInputSchema = z
  .strictObject({
    note: line(4000).optional(),
    file: z
      .strictObject({
        name: line(200),
        contentType: z.string().min(1).max(100),
        base64: z
          .string()
          .min(1)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .optional(),
  })
  .refine((e) => e.note !== undefined || e.file !== undefined, 'a note or a file')
  .openapi('RectificationEvidenceInput')
export type EvidenceInput = z.output<typeof EvidenceInputSchema>

/** A re-sample of the same business, by its sample number: a passing one closes the case. */
export const ResampleInputSchema = z.strictObject({ sampleNo: line(64) }).openapi('RectificationResample')
export type ResampleInput = z.output<typeof ResampleInputSchema>

/** Closing without a passing re-sample: a recorded decision and its reason. */
export const DecisionInputSchema = z
  .strictObject({ decision: z.enum(['rectified', 'refused']), reason: line(2000) })
  .openapi('RectificationDecision')
export type DecisionInput = z.output<typeof DecisionInputSchema>

const rectificationFields = {
  id: z.string(),
  business: z.strictObject({ id: z.string(), name: z.string() }),
  role: z.enum(['seller', 'producer', 'inspected']).openapi({
    description: '`inspected`: opened by a random inspection that found the business must rectify',
  }),
  sample: z
    .strictObject({ id: z.string(), no: z.string(), foodName: z.string() })
    .nullable()
    .openapi({ description: 'The failing sample (null for a case opened by an inspection)' }),
  announcementId: z.string().nullable(),
  inspection: z
    .strictObject({ planId: z.string(), position: z.number().int(), title: z.string() })
    .nullable()
    .openapi({ description: 'The inspection that opened the case (null for a failing sample)' }),
  district: z.string(),
  status: z.enum(['open', 'closed']),
  overdue: z.boolean(),
  failedItems: z.array(z.string()),
  measuresRequired: z.array(TextSchema),
  rules: z.string(),
  openedAt: timestamp(),
  dueAt: timestamp(),
  meeting: z.strictObject({ date: z.string(), attendees: z.array(z.string()) }).nullable(),
  cause: z.string().nullable(),
  measuresTaken: z.string().nullable(),
  outcome: z.enum(RECTIFICATION_OUTCOMES).nullable(),
  resampleNo: z.string().nullable(),
  closeReason: z.string().nullable(),
  closedAt: timestamp().nullable(),
  escalations: z.number().int(),
}

export const RectificationSchema = z.strictObject(rectificationFields).openapi('Rectification')

export const EvidenceSchema = z.strictObject({
  id: z.string(),
  note: z.string().nullable(),
  fileName: z.string().nullable(),
  contentType: z.string().nullable(),
  size: z.number().int().nullable(),
  addedAt: timestamp(),
})

// One closed object (not an extension of the named schema, which the document would write as an allOf of
// two closed objects that no answer satisfies).
export const RectificationDetailSchema = z
  .strictObject({ ...rectificationFields, evidence: z.array(EvidenceSchema) })
  .openapi('RectificationDetail')

export const RectificationPageSchema = pageSchema(RectificationSchema).openapi('RectificationPage')
