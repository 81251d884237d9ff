import { z } from '@hono/zod-openapi'
import { BUSINESS_KINDS } from '../businesses/businesses.schema.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { DistrictCodeSchema, timestamp } from '../http/schemas.js'

const line = (max: number) => z.string().trim().min(1).max(max)
const share = z.number().min(0).max(1).openapi({ description: 'Fraction of the class drawn, 0–1' })
export const INSPECTION_RESULTS = ['pass', 'issues_found', 'rectification_opened'] as const

export const InspectionPlanInputSchema = z
  .strictObject({
    title: line(200),
    period: line(40),
    population: z.strictObject({
      kinds: z.array(z.enum(BUSINESS_KINDS)).max(10).default([]),
      districts: z.array(DistrictCodeSchema).max(50).default([]),
    }),
    shares: z.strictObject({ A: share, B: share, C: share, D: share }),
    seed: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .openapi({ description: 'Published with the plan: anyone can repeat the draw from it' }),
    checklist: z.array(line(200)).min(1).max(100),
  })
  .openapi('InspectionPlanInput')
export type InspectionPlanInput = z.output<typeof InspectionPlanInputSchema>

/** A plan id is a UUID: anything else is refused as input (422), never sent to the database. */
export const PlanIdParam = z.strictObject({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' } }),
})
export const InspectionParam = z.strictObject({
  id: PlanIdParam.shape.id,
  position: z
    .string()
    .max(7)
    .regex(/^[1-9]\d{0,6}$/, 'a position in the draw: 1, 2, 3 …')
    .transform(Number)
    .openapi({ param: { name: 'position', in: 'path' }, example: '1' }),
})

export const InspectionResultInputSchema = z
  .strictObject({ result: z.enum(INSPECTION_RESULTS), note: line(2000).optional() })
  .openapi('InspectionResultInput')
export type InspectionResultInput = z.output<typeof InspectionResultInputSchema>

export const ConflictInputSchema = z
  .strictObject({ userId: z.uuid(), businessId: z.uuid(), reason: line(500) })
  .openapi('OfficerConflictInput')
export type ConflictInput = z.output<typeof ConflictInputSchema>

const drawn = z.strictObject({
  position: z.number().int(),
  business: z.strictObject({ id: z.string(), name: z.string() }),
  district: z.string(),
  creditClass: z.enum(['A', 'B', 'C', 'D']),
  inspectors: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  taskId: z.string().nullable(),
  result: z.enum(INSPECTION_RESULTS).nullable(),
  note: z.string().nullable(),
  recordedAt: timestamp().nullable(),
})

export const InspectionPlanSchema = z
  .strictObject({
    id: z.string(),
    title: z.string(),
    period: z.string(),
    population: z.strictObject({ kinds: z.array(z.string()), districts: z.array(z.string()) }),
    shares: z.strictObject({ A: z.number(), B: z.number(), C: z.number(), D: z.number() }),
    seed: z.string(),
    checklist: z.array(z.string()),
    status: z.enum(['planned', 'drawn']),
    incidentId: z.string().nullable(),
    createdAt: timestamp(),
    drawnAt: timestamp().nullable(),
    draw: z.array(drawn),
  })
  .openapi('InspectionPlan')
export const InspectionPlanListSchema = pageSchema(InspectionPlanSchema).openapi('InspectionPlanPage')
export const InspectionPlanQuerySchema = z.strictObject({ ...PageQuery })
