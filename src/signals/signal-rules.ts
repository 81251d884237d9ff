import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { Config } from '../config.js'
import { LEVEL_NAMES, type Level, levelFromName } from '../domain/enums.js'
import { loadVersionedYaml, RulesFileError } from '../playbooks/versioned-file.js'

/**
 * Signal rules (`PLAYBOOKS_DIR/signals/*.yaml`, like playbooks: validated at start, versioned by content
 * hash): what complaints to group (the same product and batch, brand or business; hazard words with their
 * variant spellings), how many within what window raise a signal, what playbook and level it suggests,
 * and the deduplication window in which further complaints join the open signal.
 */
export const MATCHES = ['product_batch', 'brand', 'business', 'hazard'] as const
export type Match = (typeof MATCHES)[number]

const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) })
const suggest = z.strictObject({ playbook: z.string().min(1), level: z.enum(LEVEL_NAMES) })

export const signalRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
    name: text,
    match: z.enum(MATCHES),
    kinds: z
      .array(z.enum(['complaint', 'report', 'enquiry']))
      .min(1)
      .default(['complaint', 'report']),
    threshold: z.number().int().min(1).max(10_000),
    window_days: z.number().int().min(1).max(365),
    dedup_days: z.number().int().min(1).max(365),
    suggest,
    hazards: z
      .array(
        z.strictObject({
          term: z.string().min(1),
          variants: z.array(z.string().min(1)).min(1),
          suggest: suggest.optional(),
        }),
      )
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.match === 'hazard' && !r.hazards?.length)
      ctx.addIssue({ code: 'custom', path: ['hazards'], message: 'a hazard rule lists its hazard words' })
    if (r.match !== 'hazard' && r.hazards)
      ctx.addIssue({ code: 'custom', path: ['hazards'], message: 'hazards belong to a `match: hazard` rule' })
  })

export type SignalRuleFile = z.output<typeof signalRuleSchema>

export interface SignalRule extends Omit<SignalRuleFile, 'suggest' | 'hazards'> {
  hash: string
  suggest: { playbook: string; level: Level }
  hazards: {
    term: string
    variants: string[]
    /** The variants as matched (`matchText`), normalised once when the rules are read, not per complaint. */
    needles: string[]
    suggest: { playbook: string; level: Level }
  }[]
}

export const signalsDirOf = (config: Pick<Config, 'PLAYBOOKS_DIR'>) =>
  join(resolve(config.PLAYBOOKS_DIR), 'signals')

/** Every rule in the folder, or one error listing every problem in every file. */
export function loadSignalRules(dir: string, knownPlaybook?: (id: string) => boolean): SignalRule[] {
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/i.test(n))
      .sort()
  } catch {
    return []
  }
  const problems: string[] = []
  const rules: SignalRule[] = []
  const seen = new Map<string, string>()
  for (const name of names) {
    const path = join(dir, name)
    try {
      const { value, hash } = loadVersionedYaml(path, signalRuleSchema)
      const first = seen.get(value.id)
      if (first) problems.push(`${path}: id: "${value.id}" is also used by ${first}`)
      seen.set(value.id, path)
      const toLevel = (s: { playbook: string; level: (typeof LEVEL_NAMES)[number] }) => ({
        playbook: s.playbook,
        level: levelFromName(s.level),
      })
      const rule: SignalRule = {
        ...value,
        hash,
        suggest: toLevel(value.suggest),
        hazards: (value.hazards ?? []).map((h) => ({
          term: h.term,
          variants: h.variants,
          needles: h.variants.map(matchText),
          suggest: toLevel(h.suggest ?? value.suggest),
        })),
      }
      for (const s of [rule.suggest, ...rule.hazards.map((h) => h.suggest)])
        if (knownPlaybook && !knownPlaybook(s.playbook))
          problems.push(`${path}: suggest.playbook: no playbook "${s.playbook}"`)
      rules.push(rule)
    } catch (e) {
      if (e instanceof RulesFileError) problems.push(...e.problems)
      else throw e
    }
  }
  if (problems.length > 0) throw new RulesFileError(problems)
  return rules
}

const cache = new WeakMap<object, SignalRule[]>()

export function signalRules(deps: {
  config: Pick<Config, 'PLAYBOOKS_DIR'>
  playbooks: { get(id: string): unknown }
}) {
  let r = cache.get(deps.config)
  if (!r) {
    // The suggested playbook is checked when a signal is activated (an unknown one is a 422 then), not
    // here: a deployment may load fewer playbooks than the shipped rules name.
    r = loadSignalRules(signalsDirOf(deps.config))
    cache.set(deps.config, r)
  }
  return r
}

/** For matching: NFKC, no spaces or punctuation, lower case. */
export function matchText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]+/gu, '')
    .toLowerCase()
}

export interface Matchable {
  kind: string
  product: { name: string; brand?: string | undefined; batch?: string | undefined } | null
  business: { name: string; address: string } | null
  description: string
}

/** The key a complaint has under a rule, with its readable form; several for hazard rules. */
export function keysOf(rule: SignalRule, c: Matchable): { key: string; label: string; term?: string }[] {
  if (!rule.kinds.includes(c.kind as never)) return []
  switch (rule.match) {
    case 'product_batch':
      return c.product?.batch
        ? [
            {
              key: `${matchText(c.product.name)}|${matchText(c.product.batch)}`,
              label: `${c.product.name} ${c.product.batch}`,
            },
          ]
        : []
    case 'brand':
      return c.product?.brand ? [{ key: matchText(c.product.brand), label: c.product.brand }] : []
    case 'business':
      return c.business ? [{ key: matchText(c.business.name), label: c.business.name }] : []
    case 'hazard': {
      const hay = matchText(`${c.description} ${c.product?.name ?? ''}`)
      return rule.hazards
        .filter((h) => h.needles.some((v) => hay.includes(v)))
        .map((h) => ({ key: h.term, label: h.term, term: h.term }))
    }
  }
}
