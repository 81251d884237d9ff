import { z } from '@hono/zod-openapi'
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

export const AlertListQuery = z.object({
  status: z.enum(['active', 'all']).default('active'),
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional()
    .openapi({ description: 'GB/T 2260 code' }),
  category: z.string().max(100).optional().openapi({ description: 'CAP category or food category' }),
  exercise: z.enum(['true', 'false']).default('false').openapi({ description: 'true lists drills only' }),
  ...PageQuery,
})
export type AlertListQuery = z.infer<typeof AlertListQuery>

export const AlertPageSchema = pageSchema(AlertSchema).openapi('AlertPage')
