import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Config } from '../config.js'
import type { DB } from '../db/types.js'
import { ESCALATION_TARGETS } from '../domain/enums.js'
import { loadVersionedYaml, parseVersionedYaml, type Versioned } from '../playbooks/versioned-file.js'

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

const KIND = 'complaints'
const cache = new WeakMap<object, Versioned<ComplaintRules> & { source: string }>()

/** The rules for this configuration, read and validated once (a bad file stops start-up, naming the field). */
export function complaintRules(
  config: Pick<Config, 'PLAYBOOKS_DIR'>,
): Versioned<ComplaintRules> & { source: string } {
  let r = cache.get(config)
  if (!r) {
    const path = rulesPathOf(config)
    const loaded = loadVersionedYaml(path, complaintRulesSchema)
    r = { ...loaded, source: readFileSync(path, 'utf8') }
    cache.set(config, r)
  }
  return r
}

/** Rules versions known to be stored, per database: recording one is a single insert per process. */
const recorded = new WeakMap<object, Set<string>>()

/**
 * Stores the current rules' text under its hash (`rule_versions`, kind `complaints`), so that a complaint's
 * clocks can be read back in the version it was received under after the file changes.
 */
export async function recordComplaintRules(db: Kysely<DB>, config: Pick<Config, 'PLAYBOOKS_DIR'>, now: Date) {
  const rules = complaintRules(config)
  const known = recorded.get(db) ?? new Set<string>()
  recorded.set(db, known)
  if (known.has(rules.hash)) return
  await db
    .insertInto('rule_versions')
    .values({ kind: KIND, hash: rules.hash, source: rules.source, loaded_at: now })
    .onConflict((oc) => oc.columns(['kind', 'hash']).doNothing())
    .execute()
  known.add(rules.hash)
}

/** Parsed stored versions by content hash: the text under a hash never changes. */
const pinned = new Map<string, ComplaintRules>()

/**
 * The rules a complaint was received under (its `rules_hash`): the current file when the hash is its own,
 * else the stored version. A complaint from before versions were stored keeps the current rules.
 */
export async function rulesPinnedAt(
  db: Kysely<DB>,
  config: Pick<Config, 'PLAYBOOKS_DIR'>,
  hash: string,
): Promise<ComplaintRules> {
  const current = complaintRules(config)
  if (hash === current.hash) return current.value
  const known = pinned.get(hash)
  if (known) return known
  const row = await db
    .selectFrom('rule_versions')
    .select('source')
    .where('kind', '=', KIND)
    .where('hash', '=', hash)
    .executeTakeFirst()
  if (!row) return current.value
  const parsed = parseVersionedYaml(
    `rule_versions/${hash}`,
    Buffer.from(row.source, 'utf8'),
    complaintRulesSchema,
  )
  pinned.set(hash, parsed.value)
  return parsed.value
}
