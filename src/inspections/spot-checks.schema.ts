import { z } from '@hono/zod-openapi'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { timestamp } from '../http/schemas.js'

/** At most this many districts are drawn for one quarter's spot check. */
export const SPOT_CHECK_MAX = 20

export const SpotCheckInputSchema = z
  .strictObject({
    quarter: z
      .string()
      .regex(/^\d{4}-Q[1-4]$/, 'a quarter: YYYY-Q1 … YYYY-Q4')
      .openapi({ example: '2026-Q4' }),
    count: z
      .number()
      .int()
      .min(1)
      .max(SPOT_CHECK_MAX)
      .openapi({ description: `Districts to draw, 1–${SPOT_CHECK_MAX}` }),
    seed: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .openapi({ description: 'Published with the draw: anyone can repeat it from the seed' }),
  })
  .openapi('SpotCheckInput')
export type SpotCheckInput = z.output<typeof SpotCheckInputSchema>

export const SpotCheckIdParam = z.strictObject({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

export const SpotCheckQuerySchema = z.strictObject({ ...PageQuery })
export type SpotCheckQuery = z.output<typeof SpotCheckQuerySchema>

export const SpotCheckSchema = z
  .strictObject({
    id: z.string(),
    quarter: z.string(),
    seed: z.string(),
    count: z.number().int(),
    population: z.array(z.string()).openapi({ description: 'The district codes drawn from, in code order' }),
    districts: z
      .array(z.strictObject({ position: z.number().int(), code: z.string(), name: z.string() }))
      .openapi({ description: 'The districts drawn, in draw order' }),
    createdAt: timestamp(),
  })
  .openapi('SpotCheck')

export const SpotCheckPageSchema = pageSchema(SpotCheckSchema).openapi('SpotCheckPage')
