import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { Config } from '../config.js'
import { ESCALATION_TARGETS } from '../domain/enums.js'
import { parseYaml, RulesValidationError, readFailure } from '../rules/yaml-file.js'

const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) })
const days = z.number().int().min(1).max(120)

/** `PLAYBOOKS_DIR/rules/rectification.yaml`: deadlines, required measures, the ladder, evidence limits. */
export const rectificationRulesSchema = z.strictObject({
  version: z.union([z.string(), z.number()]).transform(String),
  deadline_working_days: z.strictObject({ seller: days, producer: days }),
  measures_required: z.array(text).min(1),
  ladder: z
    .array(z.strictObject({ after: z.number().int().min(0).max(60), notify: z.enum(ESCALATION_TARGETS) }))
    .min(1)
    .refine(
      (l) => l.every((r, i) => i === 0 || r.after > (l[i - 1]?.after ?? -1)),
      'rungs in increasing `after` order',
    ),
  evidence: z.strictObject({
    max_bytes: z
      .number()
      .int()
      .min(1)
      .max(10 * 1024 * 1024),
    types: z.array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a media type such as image/png')).min(1),
  }),
})

export type RectificationRules = z.output<typeof rectificationRulesSchema>
export interface LoadedRectificationRules {
  rules: RectificationRules
  hash: string
}

export const rectificationRulesPath = (config: Pick<Config, 'PLAYBOOKS_DIR'>) =>
  join(resolve(config.PLAYBOOKS_DIR), 'rules', 'rectification.yaml')

/** Reads and validates the file (every problem with its path and line); throws `RulesValidationError`. */
export function loadRectificationRules(file: string): LoadedRectificationRules {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    throw new RulesValidationError([{ file, path: '', message: readFailure(e) }], 'rectification rules')
  }
  const parsed = parseYaml(file, bytes, rectificationRulesSchema)
  if (parsed.issues.length > 0 || parsed.value === undefined)
    throw new RulesValidationError(parsed.issues, 'rectification rules')
  return { rules: parsed.value, hash: parsed.hash }
}

const cache = new WeakMap<object, LoadedRectificationRules>()

/** The rules of this configuration, read once (reference data, like the complaint clocks). */
export function rectificationRules(config: Pick<Config, 'PLAYBOOKS_DIR'>): LoadedRectificationRules {
  let r = cache.get(config)
  if (!r) {
    r = loadRectificationRules(rectificationRulesPath(config))
    cache.set(config, r)
  }
  return r
}
