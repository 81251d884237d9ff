import { z } from '@hono/zod-openapi'
import { PageQuery, pageSchema } from '../http/pagination.js'

/** Retailer ids as the retailers table allows them (the check constraint of the foundation migration). */
export const RETAILER_ID = /^[a-z0-9][a-z0-9-]{1,63}$/

const text = z.strictObject({ zh: z.string(), en: z.string() })

const ProductSchema = z.strictObject({
  sampleId: z.string(),
  sampleNo: z.string(),
  product: z.string(),
  brand: z.string().nullable(),
  batch: z.string().nullable(),
  producer: z.string().nullable(),
  unit: z.string(),
  district: z.string(),
  failingItems: z.array(z.string()),
  announcement: z.string(),
  publishedAt: z.string(),
  scope: z.enum(['retailer', 'district', 'city']),
  atThisRetailer: z.boolean().openapi({ description: 'Sampled at this retailer (listed first)' }),
})

export const BoardContentSchema = z
  .strictObject({
    retailer: z.strictObject({
      id: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      district: z.string(),
      districtName: z.string(),
      address: z.string().nullable(),
    }),
    creditClass: z
      .strictObject({ class: z.enum(['A', 'B', 'C', 'D']), label: text })
      .nullable()
      .optional()
      .openapi({
        description:
          '信用风险分类 of the business the retailer is linked to (null: not linked or not classified; absent on boards built before it was shown)',
      }),
    notices: z.array(
      z.strictObject({
        alertId: z.string(),
        level: z.number().int(),
        title: text,
        instruction: text,
        updatedAt: z.string(),
      }),
    ),
    failingProducts: z.array(ProductSchema),
    failingTotal: z
      .number()
      .int()
      .openapi({ description: 'Failing products of the last 90 days, city-wide' }),
    ownRecord: z.array(
      z.strictObject({
        sampleNo: z.string(),
        product: z.string(),
        sampledOn: z.string().nullable(),
        verdict: z.enum(['pass', 'fail']),
        announcement: z.string(),
      }),
    ),
    cityPassRate: z.strictObject({
      quarter: z.string(),
      samples: z.number().int(),
      failed: z.number().int(),
      passRate: z.number().nullable(),
    }),
    hotline: z.strictObject({ number: z.string(), zh: z.string(), en: z.string() }),
  })
  .openapi('BoardContent')

export const BoardSchema = z
  .strictObject({
    retailerId: z.string(),
    version: z.number().int(),
    changedAt: z.string().openapi({ description: 'When this version was made' }),
    refreshedAt: z.string().openapi({ description: 'When the inputs were last checked' }),
    content: BoardContentSchema,
  })
  .openapi('Board')

export const BoardVersionSchema = z
  .strictObject({
    version: z.number().int(),
    createdAt: z.string(),
    addedFailing: z
      .number()
      .int()
      .openapi({ description: 'Failing products sampled here this version added' }),
    content: BoardContentSchema,
  })
  .openapi('BoardVersion')
export const BoardVersionPageSchema = pageSchema(BoardVersionSchema).openapi('BoardVersionPage')
export const BoardVersionQuery = z.strictObject({ ...PageQuery })

export const RetailerIdParam = z.strictObject({
  retailerId: z
    .string()
    .max(64)
    .regex(RETAILER_ID)
    .openapi({ param: { name: 'retailerId', in: 'path' }, example: 'wanda-jinjiang' }),
})

// Versions are PostgreSQL integers: a larger number is refused here rather than by the database (a 500).
export const ConfirmSchema = z
  .strictObject({ version: z.number().int().min(1).max(2_147_483_647) })
  .openapi('BoardConfirm')
export const ConfirmedSchema = z
  .strictObject({ retailerId: z.string(), version: z.number().int(), confirmedAt: z.string() })
  .openapi('BoardConfirmed')

export const UnconfirmedSchema = z
  .strictObject({
    retailerId: z.string(),
    name: z.string(),
    district: z.string(),
    version: z.number().int().openapi({ description: 'The version to confirm' }),
    since: z.string(),
    hours: z.number().openapi({ description: 'How long unconfirmed, in hours (one decimal)' }),
    overdue: z.boolean().openapi({ description: 'Unconfirmed for more than 24 h' }),
  })
  .openapi('UnconfirmedBoard')
export const UnconfirmedPageSchema = pageSchema(UnconfirmedSchema).openapi('UnconfirmedBoardPage')
export const UnconfirmedQuery = z.strictObject({
  ...PageQuery,
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  overdue: z.enum(['true', 'false']).optional().openapi({ description: 'Only those past 24 h (true)' }),
})
