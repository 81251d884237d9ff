import { z } from '@hono/zod-openapi'
import { nameText, visibleText } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { SampleQuerySchema, SampleSchema } from '../samples/samples.schema.js'
import type { AnnouncementRow } from './announcements.repo.js'

const text = visibleText
const sampleNos = z.array(text(64)).min(1).max(10_000)

/** A sample-list filter (`GET /samples`'s own), for drafting from everything it matches. */
export const SampleMatchSchema = z
  .strictObject(
    SampleQuerySchema.pick({
      no: true,
      district: true,
      category: true,
      verdict: true,
      producer: true,
      unit: true,
    }).shape,
  )
  .openapi('SampleMatch')

export const DraftSchema = z
  .strictObject({
    number: nameText(100).openapi({ example: '成市监抽检〔2026〕第12号' }),
    title: text(300).openapi({ example: '2026年第四季度食品安全监督抽检信息' }),
    period: text(50).openapi({ description: 'The period the results belong to', example: '2026Q4' }),
    sampleNos: sampleNos.optional().openapi({ description: 'Sample numbers (抽样编号)' }),
    matching: SampleMatchSchema.optional().openapi({
      description:
        'Instead of `sampleNos`: every sample the filter matches (as `GET /samples` filters) that no other ' +
        'announcement holds, at most 10 000',
    }),
    importId: z.uuid().optional().openapi({
      description:
        'Instead of `sampleNos`: every sample of this file import that no other announcement holds',
    }),
    exercise: z.boolean().optional().openapi({ description: 'Drill data: kept out of statistics' }),
  })
  .superRefine((v, ctx) => {
    const given = [v.sampleNos, v.matching, v.importId].filter((x) => x !== undefined).length
    if (given !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['sampleNos'],
        message: 'Give one of: the sample numbers, a filter (matching) or an import (importId)',
        params: {
          zh: '请选择样品：列出抽样编号、给出筛选条件或指定一次导入（三者选一）',
          en: 'Give one of: the sample numbers, a filter (matching) or an import (importId)',
        },
      })
  })
  .openapi('AnnouncementDraft')

export const PatchSchema = z
  .strictObject({
    number: nameText(100).optional(),
    title: text(300).optional(),
    period: text(50).optional(),
    sampleNos: sampleNos.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' })

export const DecisionSchema = z.strictObject({
  decision: z.enum(['pass', 'return']),
  comment: text(2000),
})

export const PublishSchema = z.strictObject({
  at: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Publish at this time; now when omitted' }),
})

export const CorrectSchema = z.strictObject({
  number: nameText(100),
  title: text(300),
  period: text(50).optional(),
  sampleNos: sampleNos.optional().openapi({ description: 'The corrected list; the original’s when omitted' }),
})

export const RetractSchema = z.strictObject({
  number: nameText(100),
  title: text(300),
  reason: text(2000),
})

const Person = z.strictObject({ id: z.string(), name: z.string() })
const Step = z.strictObject({
  id: z.string(),
  name: z.string(),
  at: z.string(),
  comment: z.string().nullable(),
})

export const AnnouncementSchema = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    period: z.string(),
    kind: z.enum(['original', 'correction', 'retraction']),
    refersTo: z.string().nullable(),
    reason: z.string().nullable(),
    status: z.enum(['draft', 'in_review', 'reviewed', 'approved', 'published']),
    shownAs: z
      .enum([
        'draft',
        'in_review',
        'reviewed',
        'approved',
        'scheduled',
        'published',
        'corrected',
        'retracted',
      ])
      .openapi({ description: 'What a reader sees: a published original shows as corrected or retracted' }),
    supersededBy: z.string().nullable(),
    exercise: z.boolean(),
    draftedBy: Person,
    reviewed: Step.nullable(),
    approved: Step.nullable(),
    returnComment: z.string().nullable(),
    publishAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    incidentId: z.string().nullable(),
    sampleNos: z.array(z.string()),
    failingCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Announcement')
export type AnnouncementDto = z.infer<typeof AnnouncementSchema>

// One closed object, not `.extend` of a registered schema: that is emitted as an `allOf` of two closed objects,
// which no answer can satisfy.
export const AnnouncementDetailSchema = z
  .strictObject({ ...AnnouncementSchema.shape, samples: z.array(SampleSchema) })
  .openapi('AnnouncementDetail')

export const AnnouncementQuerySchema = z.object({
  status: z.enum(['draft', 'in_review', 'reviewed', 'approved', 'published']).optional(),
  ...PageQuery,
})
export const AnnouncementPageSchema = pageSchema(AnnouncementSchema)

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function shownAs(a: AnnouncementRow): AnnouncementDto['shownAs'] {
  if (a.superseded) return a.superseded
  if (a.status === 'approved' && a.publish_at) return 'scheduled'
  return a.status
}

export function announcementDto(
  a: AnnouncementRow,
  samples: { nos: string[]; failing: number },
): AnnouncementDto {
  const step = (id: string | null, name: string | null, at: Date | null, comment: string | null) =>
    id && name && at ? { id, name, at: at.toISOString(), comment } : null
  return {
    id: a.id,
    number: a.number,
    title: a.title,
    period: a.period,
    kind: a.kind,
    refersTo: a.refers_to,
    reason: a.reason,
    status: a.status,
    shownAs: shownAs(a),
    supersededBy: a.superseded_by,
    exercise: a.exercise,
    draftedBy: { id: a.drafted_by, name: a.drafted_by_name },
    reviewed: step(a.reviewed_by, a.reviewed_by_name, a.reviewed_at, a.review_comment),
    approved: step(a.approved_by, a.approved_by_name, a.approved_at, a.approve_comment),
    returnComment: a.return_comment,
    publishAt: iso(a.publish_at),
    publishedAt: iso(a.published_at),
    incidentId: a.incident_id,
    sampleNos: samples.nos,
    failingCount: samples.failing,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
  }
}
