import { z } from '@hono/zod-openapi'
import { issue, type ProblemIssue } from '../domain/errors.js'
import { PageQuery, pageSchema } from '../http/pagination.js'

const TextSchema = z.strictObject({ zh: z.string(), en: z.string() })
const ItemSchema = z.strictObject({ name: z.string(), result: z.string(), limit: z.string() })

export const AlertProductSchema = z
  .strictObject({
    name: z.string(),
    brand: z.string().optional(),
    batch: z.string().optional(),
    producer: z.string().optional(),
    producerAddress: z.string().optional(),
    spec: z.string().optional(),
    unitName: z.string().optional(),
    unitAddress: z.string().optional(),
    sampleNo: z.string().optional(),
    failingItems: z.array(ItemSchema).optional(),
  })
  .openapi('AlertProduct')

const VersionSchema = z.strictObject({
  id: z.string().openapi({ description: 'Version id: `/cap/{id}.xml` is its CAP message' }),
  version: z.number().int(),
  identifier: z.string(),
  msgType: z.enum(['Alert', 'Update', 'Cancel']),
  sent: z.string().openapi({ description: 'CAP time, +08:00' }),
  capUrl: z.string(),
})

export const AlertSchema = z
  .strictObject({
    id: z.string(),
    status: z.enum(['active', 'closed', 'cancelled']),
    exercise: z.boolean(),
    level: z.enum(['I', 'II', 'III', 'IV']),
    colour: z.enum(['red', 'orange', 'yellow', 'blue']),
    title: TextSchema,
    event: TextSchema,
    description: TextSchema,
    instruction: TextSchema,
    closingNote: TextSchema.nullable(),
    category: z.array(z.string()).openapi({ description: 'CAP category (Health, Safety)' }),
    productCategory: z.string().nullable().openapi({ description: 'Food category of a sampled product' }),
    urgency: z.string(),
    severity: z.string(),
    certainty: z.string(),
    responseType: z.array(z.string()),
    products: z.array(AlertProductSchema),
    areas: z.array(z.strictObject({ code: z.string(), nameZh: z.string(), nameEn: z.string() })),
    source: z.strictObject({
      kind: z.enum(['incident', 'announcement']),
      id: z.string(),
      reference: z.string().openapi({ description: 'Incident code or announcement number' }),
    }),
    issuedAt: z.string(),
    updatedAt: z.string(),
    capUrl: z.string().openapi({ description: 'CAP 1.2 message of the current version' }),
    versions: z.array(VersionSchema),
  })
  .openapi('Alert')

export type AlertDto = z.infer<typeof AlertSchema>

const dateWords = { zh: '请写成 2026-11-30 这样的日期', en: 'a date such as 2026-11-30' }
/** A Beijing calendar date, `YYYY-MM-DD`, that exists. */
const day = (what: string) =>
  z
    .string()
    .max(10)
    .refine(
      (v) => {
        const d = new Date(`${v}T00:00:00Z`)
        return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v)
      },
      { message: dateWords.en, params: dateWords },
    )
    .optional()
    .openapi({ description: `${what} (YYYY-MM-DD, Beijing time)`, example: '2026-11-30' })

export const AlertListQuery = z.object({
  status: z
    .enum(['active', 'ended', 'all'])
    .default('active')
    .openapi({ description: 'active (default), ended (lifted or cancelled) or all' }),
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional()
    .openapi({ description: 'GB/T 2260 code' }),
  category: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: 'Exactly a CAP category (Health, Safety) or a food category (调味品)' }),
  hazard: z
    .string()
    .max(100)
    .optional()
    .openapi({
      description:
        'Words, each of which the alert names as its food category, hazard or failed test item (苏丹红, 辣椒 ' +
        '苏丹红); spellings fold as in search (苏丹红Ⅰ = 苏丹红I = 苏丹红1号)',
    }),
  from: day('Issued on or after'),
  to: day('Issued on or before'),
  exercise: z.enum(['true', 'false']).default('false').openapi({ description: 'true lists drills only' }),
  ...PageQuery,
})

/**
 * The one rule over two parameters (a route's query is rebuilt field by field, so an object-level refinement
 * would not run): the range cannot end before it starts.
 */
export function alertQueryIssues(q: Pick<AlertListQuery, 'from' | 'to'>): ProblemIssue[] {
  return q.from && q.to && q.from > q.to
    ? [
        issue(
          'query.to',
          { zh: '截止日期早于起始日期', en: 'The end date is before the start date' },
          'date_range',
        ),
      ]
    : []
}
export type AlertListQuery = z.infer<typeof AlertListQuery>

export const AlertPageSchema = pageSchema(AlertSchema).openapi('AlertPage')
