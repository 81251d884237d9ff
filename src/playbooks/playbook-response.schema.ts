import { z } from '@hono/zod-openapi'
import { levelName } from '../domain/enums.js'
import { LevelSchema, TextSchema } from '../http/schemas.js'
import {
  capCategory,
  capResponseType,
  escalationTarget,
  type Playbook,
  type Step,
} from './playbook.schema.js'

const duration = () => z.string().openapi({ description: 'ISO 8601 duration' })

const ReportFieldSchema = z
  .strictObject({
    name: z.string(),
    label: TextSchema,
    type: z.enum(['integer', 'number', 'text', 'boolean']),
    unit: TextSchema.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    maxLength: z.number().int().optional(),
    required: z.boolean(),
  })
  .openapi('ReportField')

export const StepSchema = z
  .strictObject({
    key: z.string(),
    title: TextSchema,
    instructions: TextSchema,
    level: LevelSchema.openapi({ description: 'The least severe level at which the step applies' }),
    ackWithin: duration(),
    dueWithin: duration(),
    reportEvery: duration().optional(),
    recurrence: z.strictObject({ dailyAt: z.string().openapi({ example: '17:00' }) }).optional(),
    reportFields: z.array(ReportFieldSchema),
  })
  .openapi('Step')

const ladder = z.array(z.strictObject({ after: duration(), notify: escalationTarget }))

export const PlaybookSchema = z
  .strictObject({
    id: z.string(),
    name: TextSchema,
    hazard: TextSchema,
    description: TextSchema,
    levels: z.array(LevelSchema),
    ackWithin: duration(),
    steps: z.array(StepSchema),
    closesWhenDone: z.literal(true).optional().openapi({
      description: 'The incident closes itself once none of its tasks is open (`closes_when_done`)',
    }),
    escalation: z.strictObject({
      unacknowledged: ladder,
      overdue: ladder,
      repeat: z.number().int(),
      repeatEvery: duration(),
    }),
    publicNotice: z.strictObject({
      title: TextSchema,
      description: TextSchema,
      instruction: TextSchema,
      cap: z.strictObject({
        category: z.array(capCategory),
        urgency: z.enum(['Immediate', 'Expected', 'Future', 'Past', 'Unknown']),
        severity: z.enum(['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']),
        certainty: z.enum(['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']),
        responseType: z.array(capResponseType),
      }),
    }),
  })
  .openapi('Playbook')

export const PlaybookVersionSchema = z
  .strictObject({
    hash: z.string().openapi({ description: 'SHA-256 of the file' }),
    playbook: PlaybookSchema,
  })
  .openapi('PlaybookVersion')

export const PlaybookSummarySchema = z
  .strictObject({
    id: z.string(),
    hash: z.string(),
    name: TextSchema,
    hazard: TextSchema,
    levels: z.array(LevelSchema),
    steps: z.number().int().openapi({ description: 'How many steps' }),
  })
  .openapi('PlaybookSummary')

/** A playbook step as the API shows it: the level by name, like everywhere else. */
export const stepDto = (step: Step) => ({ ...step, level: levelName(step.level) })

export const playbookDto = (p: Playbook) => ({
  ...p,
  levels: p.levels.map(levelName),
  steps: p.steps.map(stepDto),
})
