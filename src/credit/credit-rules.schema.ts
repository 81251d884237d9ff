import { z } from 'zod'

const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) })
const key = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
const hazardClass = z.strictObject({
  key,
  name: text,
  points: z.number().int().min(0).max(1000),
  words: z.array(z.string().min(1)).min(1).optional(),
})
const band = z.strictObject({ min: z.number().int().min(0), name: text })

export const CREDIT_CLASSES = ['A', 'B', 'C', 'D'] as const
export type CreditClass = (typeof CREDIT_CLASSES)[number]

/**
 * The credit rules file (`playbooks/rules/credit.yaml`). An input the code does not compute is an unknown
 * key (refused with its path), so the file cannot promise what the classification does not do.
 */
export const creditRulesSchema = z
  .strictObject({
    version: z.union([z.string(), z.number()]).transform(String),
    window_months: z.number().int().min(1).max(120),
    hazard_classes: z.array(hazardClass.required({ words: true })).min(1),
    default_class: hazardClass.omit({ words: true }),
    inputs: z.strictObject({
      failing_samples: z.strictObject({ enabled: z.boolean() }),
      passed_resamples: z.strictObject({ points: z.number().int().min(-1000).max(0) }).optional(),
      rectifications_overdue: z.strictObject({ points: z.number().int().min(0).max(1000) }).optional(),
      rectifications_refused: z.strictObject({ points: z.number().int().min(0).max(1000) }).optional(),
      clean_inspections: z.strictObject({ points: z.number().int().min(-1000).max(0) }).optional(),
      upheld_complaints: z.strictObject({ points: z.number().int().min(0).max(1000) }).optional(),
    }),
    classes: z.strictObject({ A: band, B: band, C: band, D: band }),
  })
  .superRefine((rules, ctx) => {
    if (rules.classes.A.min !== 0)
      ctx.addIssue({ code: 'custom', path: ['classes', 'A', 'min'], message: 'class A starts at 0 points' })
    for (const [lower, upper] of [
      ['A', 'B'],
      ['B', 'C'],
      ['C', 'D'],
    ] as const)
      if (rules.classes[upper].min <= rules.classes[lower].min)
        ctx.addIssue({
          code: 'custom',
          path: ['classes', upper, 'min'],
          message: `overlaps class ${lower}: ${upper} must start above ${rules.classes[lower].min} points`,
        })
    const seen = new Set<string>()
    rules.hazard_classes.forEach((h, i) => {
      if (seen.has(h.key) || h.key === rules.default_class.key)
        ctx.addIssue({
          code: 'custom',
          path: ['hazard_classes', i, 'key'],
          message: `"${h.key}" is used twice`,
        })
      seen.add(h.key)
    })
  })

export type CreditRules = z.output<typeof creditRulesSchema>
