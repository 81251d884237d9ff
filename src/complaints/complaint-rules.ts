import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { Config } from '../config.js'
import { ESCALATION_TARGETS } from '../domain/enums.js'
import { loadVersionedYaml, type Versioned } from '../playbooks/versioned-file.js'

/** `PLAYBOOKS_DIR/complaints/rules.yaml`: the 12315 clocks, the escalation ladder, the decline reasons. */
export const rulesPathOf = (config: Pick<Config, 'PLAYBOOKS_DIR'>) =>
  join(resolve(config.PLAYBOOKS_DIR), 'complaints', 'rules.yaml')

const days = z.number().int().min(1).max(365)
const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) })

export const complaintRulesSchema = z.strictObject({
  version: z.literal(1),
  clocks: z.strictObject({
    complaint: z.strictObject({ decide: days, close: days }),
    report: z.strictObject({ decide: days, close: days }),
    enquiry: z.strictObject({ decide: days, close: days }),
  }),
  ladder: z
    .array(z.strictObject({ at: z.number().int().min(-30).max(60), notify: z.enum(ESCALATION_TARGETS) }))
    .min(1)
    .refine((l) => l.every((r, i) => i === 0 || r.at > l[i - 1]!.at), 'rungs in increasing `at` order'),
  duplicate_minutes: z.number().int().min(0).max(1440),
  decline_reasons: z
    .array(z.strictObject({ code: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/), text }))
    .min(1)
    .refine((r) => new Set(r.map((x) => x.code)).size === r.length, 'codes must be unique'),
})

export type ComplaintRules = z.output<typeof complaintRulesSchema>

const cache = new WeakMap<object, Versioned<ComplaintRules>>()

/** The rules for this configuration, read and validated once (a bad file stops start-up, naming the field). */
export function complaintRules(config: Pick<Config, 'PLAYBOOKS_DIR'>): Versioned<ComplaintRules> {
  let r = cache.get(config)
  if (!r) {
    r = loadVersionedYaml(rulesPathOf(config), complaintRulesSchema)
    cache.set(config, r)
  }
  return r
}
