import { z } from '@hono/zod-openapi'
import { LEVEL_NAMES, levelFromName } from '../playbooks/playbook.schema.js'

export const LevelSchema = z
  .enum(LEVEL_NAMES)
  .openapi({ description: 'Response level: I 特别重大, II 重大, III 较大, IV 一般 (I is the most severe)' })

const districtCode = z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code')

export const ProductSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    brand: z.string().trim().min(1).max(200).optional(),
    batch: z.string().trim().min(1).max(200).optional(),
    maker: z.string().trim().min(1).max(300).optional(),
  })
  .openapi('AffectedProduct')

export const ActivateSchema = z
  .strictObject({
    playbook: z.string().min(1).max(100),
    level: LevelSchema,
    title: z.string().trim().min(1).max(200),
    hazard: z.string().trim().min(1).max(500).optional(),
    products: z.array(ProductSchema).max(500).optional(),
    districts: z.union([z.literal('all'), z.array(districtCode).min(1).max(200)]),
    exercise: z.boolean().optional(),
    note: z.string().max(4000).optional(),
  })
  .openapi('ActivateIncident')

export const toActivateInput = (b: z.output<typeof ActivateSchema>) => ({
  ...b,
  level: levelFromName(b.level),
})

export const LevelChangeSchema = z
  .strictObject({ level: LevelSchema, reason: z.string().trim().min(1).max(2000) })
  .openapi('LevelChange')

export const CloseSchema = z
  .strictObject({ summary: z.string().trim().min(1).max(20000) })
  .openapi('CloseIncident')

export const IncidentSchema = z
  .object({
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
    status: z.enum(['active', 'closed']),
    exercise: z.boolean(),
    note: z.string().nullable(),
    summary: z.string().nullable(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    taskCount: z.number().int().optional(),
  })
  .openapi('Incident')

export const IncidentQuerySchema = z.object({
  status: z.enum(['active', 'closed']).optional(),
  playbook: z.string().max(100).optional(),
  exercise: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

export const EventsQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10000).default(1000),
})

export const looseObject = z.record(z.string(), z.unknown())
