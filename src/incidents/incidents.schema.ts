import { z } from '@hono/zod-openapi'
import { INCIDENT_STATUSES, levelFromName } from '../domain/enums.js'
import { nameText, trimmedText, visibleText } from '../domain/text.js'
import { PageQuery } from '../http/pagination.js'
import { DistrictCodeSchema, LevelSchema, OverdueSchema, TextSchema, timestamp } from '../http/schemas.js'
import { OverdueTaskSchema, TaskSchema } from '../tasks/tasks.schema.js'

export { LevelSchema }

export const ProductSchema = z
  .strictObject({
    name: nameText(200),
    brand: nameText(200).optional(),
    batch: visibleText(200).optional(),
    maker: nameText(300).optional(),
  })
  .openapi('AffectedProduct')

export const ActivateSchema = z
  .strictObject({
    playbook: z.string().min(1).max(100),
    level: LevelSchema,
    title: visibleText(200),
    hazard: visibleText(500).optional(),
    products: z.array(ProductSchema).max(500).optional(),
    districts: z.union([z.literal('all'), z.array(DistrictCodeSchema).min(1).max(200)]),
    exercise: z
      .boolean()
      .optional()
      .openapi({ description: 'A drill: reported, never counted (default false)' }),
    note: trimmedText(4000).optional(),
  })
  .openapi('ActivateIncident')

export const toActivateInput = (b: z.output<typeof ActivateSchema>) => ({
  ...b,
  level: levelFromName(b.level),
})

export const LevelChangeSchema = z
  .strictObject({ level: LevelSchema, reason: visibleText(2000) })
  .openapi('LevelChange')

export const CloseSchema = z.strictObject({ summary: visibleText(20000) }).openapi('CloseIncident')

const incidentFields = {
  id: z.uuid(),
  code: z.string().openapi({ example: 'FS-2026-0007' }),
  playbook: z.string(),
  playbookHash: z.string(),
  title: z.string(),
  hazard: z.string().nullable(),
  products: z.array(ProductSchema),
  level: LevelSchema,
  scope: z.enum(['all', 'list']),
  districts: z.array(z.string()),
  status: z.enum(INCIDENT_STATUSES),
  exercise: z.boolean(),
  note: z.string().nullable(),
  summary: z.string().nullable(),
  createdAt: timestamp(),
  closedAt: timestamp().nullable(),
}

export const IncidentSchema = z
  .strictObject({
    ...incidentFields,
    taskCount: z.number().int().optional().openapi({ description: 'On activation and detail only' }),
  })
  .openapi('Incident')

/** Figure totals by field name (the playbook step declares the names); booleans count the yeses. */
export const FiguresSchema = z.record(z.string(), z.number()).openapi('FigureTotals')

const MatrixCellSchema = z
  .strictObject({
    task: z.uuid(),
    status: TaskSchema.shape.status,
    occurrence: z.number().int(),
    owner: z.string().nullable(),
    dueAt: timestamp(),
    overdue: OverdueSchema,
  })
  .openapi('MatrixCell')

export const IncidentDetailSchema = z
  .strictObject({
    ...incidentFields,
    taskCount: z.number().int(),
    matrix: z.strictObject({
      steps: z.array(z.strictObject({ key: z.string(), title: TextSchema, level: LevelSchema })),
      districts: z.array(
        z.strictObject({
          district: z.string(),
          cells: z
            .record(z.string(), MatrixCellSchema)
            .openapi({ description: 'By step key: the latest task of that step in the district' }),
        }),
      ),
    }),
    totals: z.strictObject({
      city: FiguresSchema,
      districts: z.record(z.string(), FiguresSchema).openapi({ description: 'By district code' }),
    }),
    overdue: z.array(OverdueTaskSchema).openapi({ description: 'Open tasks that are late, most late first' }),
  })
  .openapi('IncidentDetail')

export const LevelChangeResultSchema = z
  .strictObject({
    ...incidentFields,
    added: z.number().int().openapi({ description: 'Tasks the change added' }),
    cancelled: z.number().int().openapi({ description: 'Tasks the change cancelled' }),
  })
  .openapi('LevelChangeResult')

const rate = z.number().min(0).max(1).nullable()

export const DistrictReportSchema = z
  .strictObject({
    district: z.string(),
    tasks: z.number().int(),
    acknowledged: z.number().int(),
    acknowledgedOnTime: z.number().int(),
    completed: z.number().int(),
    completedOnTime: z.number().int(),
    declined: z.number().int(),
    cancelled: z.number().int(),
    escalations: z.number().int(),
    medianMinutesToAcknowledge: z.number().nullable(),
    medianMinutesToComplete: z.number().nullable(),
    onTimeRate: rate.openapi({ description: '当场办结: share of required tasks done on time' }),
    figures: FiguresSchema,
  })
  .openapi('DistrictReport')

export const AfterActionReportSchema = z
  .strictObject({
    incident: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    final: z.boolean(),
    exercise: z.boolean(),
    countsInStatistics: z.boolean(),
    summary: z.string().nullable(),
    activatedAt: timestamp(),
    closedAt: timestamp().nullable(),
    durationMinutes: z.number().nullable(),
    city: z.strictObject({ tasks: z.number().int(), onTimeRate: rate, figures: FiguresSchema }),
    districts: z.array(DistrictReportSchema),
  })
  .openapi('AfterActionReport')

export const IncidentQuerySchema = z.strictObject({
  status: z.enum(INCIDENT_STATUSES).optional(),
  playbook: z.string().max(100).optional(),
  exercise: z.enum(['true', 'false']).optional(),
  ...PageQuery,
})

export const EventsQuerySchema = z.strictObject({ ...PageQuery })
