import { z } from 'zod'
import {
  ESCALATION_TARGETS,
  type EscalationTarget,
  LEVEL_NAMES,
  type Level,
  type LevelName,
  levelFromName,
} from '../domain/enums.js'
import type { Text } from '../domain/errors.js'
import { parseDuration } from './duration.js'
import { isHhmm } from './recurrence.js'

export type { EscalationTarget, Level, LevelName, Text }
export { LEVEL_NAMES, levelFromName }
export type FieldType = 'integer' | 'number' | 'text' | 'boolean'
export interface ReportField {
  name: string
  label: Text
  type: FieldType
  unit?: Text
  min?: number
  max?: number
  maxLength?: number
  required: boolean
}
export interface Step {
  key: string
  title: Text
  instructions: Text
  /** The least severe level at which the step applies: 3 (III) applies at III, II and I. */
  level: Level
  ackWithin: string
  dueWithin: string
  reportEvery?: string
  recurrence?: { dailyAt: string }
  reportFields: ReportField[]
}
export interface EscalationRung {
  after: string
  notify: EscalationTarget
}
export type CapCategory = z.infer<typeof capCategory>
export type CapResponseType = z.infer<typeof capResponseType>
export interface Playbook {
  id: string
  name: Text
  hazard: Text
  description: Text
  levels: Level[]
  ackWithin: string
  steps: Step[]
  /**
   * The incident closes itself once none of its tasks is open (each completed, declined or cancelled): for a
   * playbook whose work is a fixed list of district tasks. Present only when set, so stored versions of the
   * other playbooks keep their shape.
   */
  closesWhenDone?: true
  escalation: {
    unacknowledged: EscalationRung[]
    overdue: EscalationRung[]
    repeat: number
    repeatEvery: string
  }
  publicNotice: {
    title: Text
    description: Text
    instruction: Text
    cap: {
      category: CapCategory[]
      urgency: 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown'
      severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown'
      certainty: 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown'
      responseType: CapResponseType[]
    }
  }
}

export { levelName } from '../domain/enums.js'

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/
// Cross-field checks must run even when a sibling field is already wrong, so that one pass lists
// every problem (一次性告知); zod skips refinements after such issues unless told otherwise.
const always = { when: () => true }

const nonEmpty = z.string().trim().min(1, 'must not be empty')
const text = z.strictObject({ zh: nonEmpty, en: nonEmpty })
const level = z.enum(LEVEL_NAMES)

const durationOf = (minMs: number) =>
  z.string().superRefine((s, ctx) => {
    try {
      if (parseDuration(s) < minMs)
        ctx.addIssue({ code: 'custom', message: `"${s}" must be longer than zero` })
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message })
    }
  })
/** Escalation rungs may fire the moment a clock starts; every other window must be non-zero. */
const duration = durationOf(0)
const positiveDuration = durationOf(1)

const reportField = z
  .strictObject({
    name: z.string().regex(SNAKE, 'must be a snake_case identifier such as outlets_inspected'),
    label: text,
    type: z.enum(['integer', 'number', 'text', 'boolean']),
    unit: text.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    max_length: z.int().positive().optional(),
    required: z.boolean().default(false),
  })
  .superRefine((f, ctx) => {
    if (!isRecord(f)) return
    const numeric = f.type === 'integer' || f.type === 'number'
    for (const key of ['min', 'max', 'unit'] as const) {
      if (f[key] !== undefined && !numeric) issue(ctx, [key], `only integer and number fields take ${key}`)
      if (key !== 'unit' && f.type === 'integer' && typeof f[key] === 'number' && !Number.isInteger(f[key]))
        issue(ctx, [key], 'must be a whole number for an integer field')
    }
    if (f.max_length !== undefined && f.type !== 'text')
      issue(ctx, ['max_length'], 'only text fields take max_length')
    if (typeof f.min === 'number' && typeof f.max === 'number' && f.min > f.max)
      issue(ctx, ['min'], `min (${f.min}) is greater than max (${f.max})`)
  }, always)

const step = z
  .strictObject({
    key: z.string().regex(KEBAB, 'must be a kebab-case identifier such as seal-stock'),
    title: text,
    instructions: text,
    level,
    ack_within: positiveDuration.optional(),
    due_within: positiveDuration,
    report_every: positiveDuration.optional(),
    recurrence: z
      .strictObject({ daily_at: z.string().refine(isHhmm, 'must be a time of day HH:MM, e.g. 17:00') })
      .optional(),
    report_fields: z.array(reportField).default([]),
  })
  .superRefine((s, ctx) => {
    if (!isRecord(s)) return
    duplicates(ctx, s.report_fields, 'name', 'report_fields', 'report field')
  }, always)

export const escalationTarget = z.enum(ESCALATION_TARGETS)
const ladder = z
  .array(z.strictObject({ after: duration, notify: escalationTarget }))
  .default([])
  .superRefine((rungs, ctx) => {
    if (!Array.isArray(rungs)) return
    let previous = -1
    rungs.forEach((rung: unknown, i) => {
      const ms = isRecord(rung) ? msOrUndefined(rung.after) : undefined
      if (ms === undefined) return
      if (ms <= previous) issue(ctx, [i, 'after'], 'must be later than the rung before it')
      previous = ms
    })
  }, always)

export const capCategory = z.enum([
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
])
export const capResponseType = z.enum([
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
])

const playbookObject = z
  .strictObject({
    id: z.string().regex(KEBAB, 'must be a kebab-case identifier such as sudan-red'),
    name: text,
    hazard: text,
    description: text,
    levels: z.array(level).min(1, 'list at least one'),
    ack_within: positiveDuration,
    steps: z.array(step).min(1, 'a playbook needs at least one step'),
    closes_when_done: z.boolean().default(false),
    escalation: z.strictObject({
      unacknowledged: ladder,
      overdue: ladder,
      repeat: z.int().min(0).max(10).default(0),
      repeat_every: positiveDuration.default('PT1H'),
    }),
    public_notice: z.strictObject({
      title: text,
      description: text,
      instruction: text,
      cap: z.strictObject({
        category: z.array(capCategory).min(1, 'list at least one'),
        urgency: z.enum(['Immediate', 'Expected', 'Future', 'Past', 'Unknown']),
        severity: z.enum(['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']),
        certainty: z.enum(['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']),
        response_type: z.array(capResponseType).min(1, 'list at least one'),
      }),
    }),
  })
  .superRefine((p, ctx) => checkPlaybook(p, ctx), always)

export const playbookFileSchema = playbookObject.transform(
  (p): Playbook => ({
    id: p.id,
    name: p.name,
    hazard: p.hazard,
    description: p.description,
    levels: p.levels.map(levelFromName).sort((a, b) => a - b),
    ackWithin: p.ack_within,
    steps: p.steps.map((s) => ({
      key: s.key,
      title: s.title,
      instructions: s.instructions,
      level: levelFromName(s.level),
      ackWithin: s.ack_within ?? p.ack_within,
      dueWithin: s.due_within,
      ...(s.report_every !== undefined && { reportEvery: s.report_every }),
      ...(s.recurrence && { recurrence: { dailyAt: s.recurrence.daily_at } }),
      reportFields: s.report_fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        ...(f.unit && { unit: f.unit }),
        ...(f.min !== undefined && { min: f.min }),
        ...(f.max !== undefined && { max: f.max }),
        ...(f.max_length !== undefined && { maxLength: f.max_length }),
        required: f.required,
      })),
    })),
    ...(p.closes_when_done && { closesWhenDone: true as const }),
    escalation: {
      unacknowledged: p.escalation.unacknowledged,
      overdue: p.escalation.overdue,
      repeat: p.escalation.repeat,
      repeatEvery: p.escalation.repeat_every,
    },
    publicNotice: {
      title: p.public_notice.title,
      description: p.public_notice.description,
      instruction: p.public_notice.instruction,
      cap: {
        category: p.public_notice.cap.category,
        urgency: p.public_notice.cap.urgency,
        severity: p.public_notice.cap.severity,
        certainty: p.public_notice.cap.certainty,
        responseType: p.public_notice.cap.response_type,
      },
    },
  }),
)

/** Checks across fields of the whole playbook; `p` may be partly invalid, so nothing is assumed. */
function checkPlaybook(p: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(p)) return
  const steps: unknown[] = Array.isArray(p.steps) ? p.steps : []
  const listed: unknown[] = Array.isArray(p.levels) ? p.levels : []
  const levels = [...new Set(listed.filter(isLevelName))]
  duplicates(ctx, steps, 'key', 'steps', 'step key')
  listed.forEach((l, i) => {
    if (listed.indexOf(l) !== i) issue(ctx, ['levels', i], `level ${String(l)} is listed twice`)
  })
  const defaultAck = msOrUndefined(p.ack_within)
  steps.forEach((s, i) => {
    if (!isRecord(s)) return
    // An unknown level name is already reported by the enum; only a known one can be out of place.
    if (isLevelName(s.level) && levels.length > 0 && !levels.includes(s.level))
      issue(
        ctx,
        ['steps', i, 'level'],
        `${s.level} is not one of the playbook's levels (${levels.join(', ')})`,
      )
    const ack = s.ack_within === undefined ? defaultAck : msOrUndefined(s.ack_within)
    const due = msOrUndefined(s.due_within)
    const at = s.ack_within === undefined ? 'due_within' : 'ack_within'
    if (ack !== undefined && due !== undefined && ack > due)
      issue(ctx, ['steps', i, at], 'ack_within exceeds due_within')
  })
  // The least severe activation level only gets the steps declared at exactly that level.
  const weakest = LEVEL_NAMES.filter((l) => levels.includes(l)).at(-1)
  if (weakest && steps.length > 0 && !steps.some((s) => isRecord(s) && s.level === weakest))
    issue(ctx, ['levels'], `no step has level ${weakest}, so activating at ${weakest} would create no tasks`)
}

function isLevelName(x: unknown): x is LevelName {
  return LEVEL_NAMES.includes(x as LevelName)
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function msOrUndefined(x: unknown): number | undefined {
  try {
    return typeof x === 'string' ? parseDuration(x) : undefined
  } catch {
    return undefined
  }
}

function issue(ctx: z.RefinementCtx, path: PropertyKey[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message })
}

function duplicates(ctx: z.RefinementCtx, items: unknown, prop: string, at: string, what: string): void {
  if (!Array.isArray(items)) return
  const seen = new Map<unknown, number>()
  items.forEach((item: unknown, i) => {
    const value = isRecord(item) ? item[prop] : undefined
    if (typeof value !== 'string') return
    const first = seen.get(value)
    if (first === undefined) seen.set(value, i)
    else issue(ctx, [at, i, prop], `duplicate ${what} "${value}" (first at ${at}[${first}])`)
  })
}
