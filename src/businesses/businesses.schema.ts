import { z } from '@hono/zod-openapi'
import { nameText, trimmedText } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { RectificationSchema } from '../rectifications/rectifications.schema.js'
import { creditCodeProblem } from './credit-code.js'

export const BUSINESS_KINDS = ['retailer', 'sampled_unit', 'producer'] as const

const creditCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .superRefine((code, ctx) => {
    const problem = creditCodeProblem(code)
    if (problem) ctx.addIssue({ code: 'custom', message: problem.en, params: problem })
  })
  .openapi({
    description: '统一社会信用代码: 18 characters with a valid GB 32100 check character',
    example: '91350100M000100Y43',
  })

export const BusinessInputSchema = z
  .strictObject({
    name: nameText(200).openapi({ description: 'Name as registered or as lab reports print it' }),
    address: nameText(300),
    district: z.string().regex(/^\d{6}$/, 'a six-digit division code'),
    creditCode: creditCode.optional(),
  })
  .openapi('BusinessInput')

export const BusinessMergeSchema = z
  .strictObject({
    into: z
      .uuid()
      .openapi({ description: 'The business that stays; this one’s history and links move to it' }),
    reason: nameText(500),
  })
  .openapi('BusinessMerge')

export const BusinessIdParam = z.strictObject({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

/** What every view of a business carries; the views spread it into one closed object each. */
const businessFields = {
  id: z.uuid(),
  name: z.string(),
  address: z.string().nullable(),
  district: z.string().nullable(),
  districtName: z.string().nullable(),
  kinds: z.array(z.enum(BUSINESS_KINDS)),
  creditCode: z.string().nullable(),
  mergedInto: z.uuid().nullable(),
  createdAt: z.string(),
}

export const BusinessSchema = z.strictObject(businessFields).openapi('Business')

export const BusinessSampleSchema = z
  .strictObject({
    id: z.uuid(),
    no: z.string(),
    foodName: z.string(),
    brand: z.string().nullable(),
    batch: z.string().nullable(),
    role: z.enum(['seller', 'producer']),
    verdict: z.enum(['pass', 'fail']),
    public: z.boolean(),
    sampledOn: z.string().nullable(),
  })
  .openapi('BusinessSample')

export const BusinessDetailSchema = z
  .strictObject({
    ...businessFields,
    mergedFrom: z.array(z.uuid()),
    retailers: z.array(z.string()),
    samples: z.array(BusinessSampleSchema),
    complaints: z
      .array(
        z.strictObject({
          id: z.uuid(),
          tracking: z.string(),
          kind: z.enum(['complaint', 'report', 'enquiry']),
          status: z.string(),
          outcome: z.string().nullable(),
          receivedAt: z.string(),
          closedAt: z.string().nullable(),
          district: z.string().nullable(),
          product: z.string().nullable(),
          brand: z.string().nullable(),
          batch: z.string().nullable(),
          exercise: z.boolean(),
        }),
      )
      .openapi({
        description:
          'Complaints, reports and enquiries naming the business (no personal data); a district sees its own, roles without complaints none',
      }),
    rectifications: z.array(RectificationSchema).openapi({
      description:
        'Rectification cases (整改) of the business, newest first; a district sees its own, roles that may not read cases none',
    }),
    inspections: z
      .array(
        z.strictObject({
          planId: z.uuid(),
          title: z.string(),
          period: z.string(),
          position: z.number().int(),
          district: z.string(),
          creditClassAtDraw: z.string(),
          taskId: z.uuid().nullable(),
          result: z.enum(['pass', 'issues_found', 'rectification_opened']).nullable(),
          note: z.string().nullable(),
          recordedAt: z.string().nullable(),
        }),
      )
      .openapi({
        description:
          'Random inspections (双随机) that drew the business, and their results; a district sees its own, roles that may not read plans none',
      }),
    creditClass: z.enum(['A', 'B', 'C', 'D']).nullable().openapi({
      description:
        'Credit-risk class (金信工程): A low, B general, C higher, D high; null until first computed',
    }),
    creditScore: z.number().int().nullable(),
    creditExplanation: z
      .array(z.strictObject({ zh: z.string(), en: z.string() }))
      .openapi({ description: 'The lines that produced the class, in both languages' }),
    creditRules: z.string().nullable().openapi({ description: 'sha256 of the credit rules version used' }),
    creditHistory: z.array(
      z.strictObject({
        class: z.enum(['A', 'B', 'C', 'D']),
        from: z.enum(['A', 'B', 'C', 'D']).nullable(),
        score: z.number().int(),
        rules: z.string(),
        reason: z.string(),
        at: z.string(),
      }),
    ),
  })
  .openapi('BusinessDetail')

export const BusinessPageSchema = pageSchema(BusinessSchema).openapi('BusinessPage')

export const BusinessQuerySchema = z.strictObject({
  ...PageQuery,
  q: trimmedText(100).optional().openapi({ description: 'Part of the name (or the whole credit code)' }),
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  kind: z.enum(BUSINESS_KINDS).optional(),
})

export type BusinessInput = z.output<typeof BusinessInputSchema>
export type BusinessMerge = z.output<typeof BusinessMergeSchema>
export type BusinessQuery = z.output<typeof BusinessQuerySchema>

export const PublicBusinessSchema = z
  .strictObject({
    ...businessFields,
    creditClass: z.enum(['A', 'B', 'C', 'D']).nullable(),
    creditExplanation: z.array(z.strictObject({ zh: z.string(), en: z.string() })),
    upheldComplaints: z
      .array(
        z.strictObject({
          kind: z.enum(['complaint', 'report', 'enquiry']),
          outcome: z.enum(['agreed', 'case_opened']),
          closedOn: z.string().nullable(),
          product: z.string().nullable(),
          brand: z.string().nullable(),
          batch: z.string().nullable(),
        }),
      )
      .openapi({ description: 'Complaints upheld against it (mediation agreed, report with a case opened)' }),
    failing: z.array(
      z.strictObject({
        sampleNo: z.string(),
        foodName: z.string(),
        brand: z.string().nullable(),
        batch: z.string().nullable(),
        sampledOn: z.string().nullable(),
        failedItems: z.array(z.string()),
        announcementId: z.string(),
        announcement: z.string(),
      }),
    ),
    rectifications: z.array(
      z.strictObject({
        foodName: z.string(),
        sampleNo: z.string(),
        openedAt: z.string(),
        dueAt: z.string(),
        status: z.enum(['open', 'closed']),
        overdue: z.boolean(),
        outcome: z.enum(['resample_passed', 'rectified', 'refused']).nullable(),
      }),
    ),
  })
  .openapi('PublicBusiness')
