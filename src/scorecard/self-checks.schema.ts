import { z } from '@hono/zod-openapi'
import { trimmedText, visibleText } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { DistrictCodeSchema, timestamp } from '../http/schemas.js'
import { ScorecardSchema } from './scorecard.read.js'

const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')

/** A self-check id is a UUID: anything else is refused as input (422), never sent to the database. */
export const SelfCheckIdParam = z.strictObject({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

export const SelfCheckQuerySchema = z.strictObject({
  ...PageQuery,
  month: MonthSchema.optional().openapi({ description: 'The month checked, YYYY-MM' }),
  district: DistrictCodeSchema.optional(),
  status: z.enum(['due', 'filed', 'overdue']).optional().openapi({
    description: '`overdue`: not filed and past its due time',
  }),
})
export type SelfCheckQuery = z.output<typeof SelfCheckQuerySchema>

/** The district's report: what its figures show, and what it will do about them. */
export const SelfCheckReportSchema = z
  .strictObject({
    summary: visibleText(4000).openapi({ description: '自查情况: what the month’s figures show and why' }),
    measures: trimmedText(4000)
      .optional()
      .openapi({ description: '整改措施: what the district will change' }),
  })
  .openapi('SelfCheckReport')
export type SelfCheckReport = z.output<typeof SelfCheckReportSchema>

/** The district's own figures of the month: the scorecard's row for it (its self-check aside). */
const card = ScorecardSchema.shape.city.omit({ selfChecks: true })
export type SelfCheckFigures = z.output<typeof card>

export const SelfCheckSchema = z
  .strictObject({
    id: z.string(),
    district: z.string(),
    districtName: z.string(),
    month: z.string(),
    status: z.enum(['due', 'filed']),
    overdue: z.boolean().openapi({ description: 'Not filed and past due, or filed after its due time' }),
    openedAt: timestamp(),
    dueAt: timestamp(),
    summary: z.string().nullable(),
    measures: z.string().nullable(),
    filedAt: timestamp().nullable(),
    onTime: z.boolean().nullable().openapi({ description: 'Filed by its due time (null: not filed yet)' }),
    taskId: z.string().nullable().openapi({
      description:
        'The district’s task in the month’s self-check incident (acknowledge it; filing completes it); null for a check opened before self-checks were tasks',
    }),
  })
  .openapi('SelfCheck')

export const SelfCheckDetailSchema = z
  .strictObject({
    ...SelfCheckSchema.shape,
    figures: card.openapi({
      description: 'The district’s scorecard figures of the month: as they stand, or as filed once filed',
    }),
  })
  .openapi('SelfCheckDetail')

export const SelfCheckPageSchema = pageSchema(SelfCheckSchema).openapi('SelfCheckPage')
