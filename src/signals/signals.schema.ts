import { z } from '@hono/zod-openapi'
import { trimmedText, visibleText } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { DistrictCodeSchema, LevelSchema } from '../http/schemas.js'

export const SIGNAL_STATUSES = ['open', 'activated', 'dismissed'] as const

export const SignalSchema = z
  .strictObject({
    id: z.uuid(),
    code: z.string().openapi({ example: 'SIG-20261130-3F2A1B' }),
    rule: z.string(),
    ruleHash: z.string(),
    match: z.string(),
    title: z.string(),
    status: z.enum(SIGNAL_STATUSES),
    count: z.number().int(),
    raisedAt: z.string(),
    lastAt: z.string(),
    dedupUntil: z.string(),
    snoozedUntil: z.string().nullable(),
    suggested: z.strictObject({ playbook: z.string(), level: LevelSchema }),
    incidentId: z.string().nullable(),
    dismissReason: z.string().nullable(),
    exercise: z.boolean(),
    sampling: z
      .strictObject({
        incidentId: z.uuid(),
        incidentCode: z.string(),
        requestedAt: z.string(),
        districts: z.array(z.string()),
        tasks: z.array(
          z.strictObject({ id: z.uuid(), district: z.string(), status: z.string(), dueAt: z.string() }),
        ),
      })
      .nullable()
      .openapi({ description: 'The request for sampling made on this signal, with its district tasks' }),
    complaints: z.array(
      z.strictObject({
        id: z.uuid(),
        tracking: z.string(),
        kind: z.string(),
        district: z.string().nullable(),
        receivedAt: z.string(),
        product: z.string().nullable(),
        business: z.string().nullable(),
      }),
    ),
  })
  .openapi('Signal')

export const SignalPageSchema = pageSchema(SignalSchema).openapi('SignalPage')
export const SignalListQuery = z.strictObject({ ...PageQuery, status: z.enum(SIGNAL_STATUSES).optional() })
export type SignalListInput = z.output<typeof SignalListQuery>

export const ActivateSignalSchema = z
  .strictObject({
    playbook: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'Default: the suggested playbook' }),
    level: LevelSchema.optional().openapi({ description: 'Default: the suggested level' }),
    title: visibleText(200).optional(),
    districts: z
      .union([z.literal('all'), z.array(DistrictCodeSchema).min(1).max(200)])
      .optional()
      .openapi({ description: 'Default: the districts of its complaints (all when none is known)' }),
  })
  .openapi('ActivateSignal')
export type ActivateSignalInput = z.output<typeof ActivateSignalSchema>

export const DismissSignalSchema = z
  .strictObject({
    reason: visibleText(1000),
    snoozeDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .openapi({ description: 'Further matching complaints join this dismissed signal for so many days' }),
    note: trimmedText(1000).optional(),
  })
  .openapi('DismissSignal')
export type DismissSignalInput = z.output<typeof DismissSignalSchema>

export const ActivatedSchema = z
  .strictObject({ signal: SignalSchema, incident: z.strictObject({ id: z.uuid(), code: z.string() }) })
  .openapi('SignalActivation')

export const SamplingRequestSchema = z
  .strictObject({
    districts: z
      .array(DistrictCodeSchema)
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Default: the districts of its complaints' }),
  })
  .openapi('SignalSamplingRequest')
export type SamplingRequestInput = z.output<typeof SamplingRequestSchema>

export const SamplingRequestedSchema = z
  .strictObject({ signal: SignalSchema, incident: z.strictObject({ id: z.uuid(), code: z.string() }) })
  .openapi('SignalSamplingRequested')
