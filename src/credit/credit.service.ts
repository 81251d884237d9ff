import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'
import { parseYaml } from '../rules/yaml-file.js'
import {
  complaintFacts,
  creditFacts,
  currentCredit,
  inspectionFacts,
  rectificationFacts,
} from './credit.repo.js'
import { classify } from './credit-classify.js'
import { type LoadedCreditRules, loadCreditRules } from './credit-rules.loader.js'
import { type CreditRules, creditRulesSchema } from './credit-rules.schema.js'

const KIND = 'credit'
const CHUNK = 5000

/**
 * Records the loaded credit rules as a version and makes it current. True when the current version changed
 * (a new or edited file): every business is then reclassified under it.
 */
export async function syncCreditRules(
  db: Kysely<DB>,
  loaded: LoadedCreditRules,
  now: Date,
): Promise<boolean> {
  await db
    .insertInto('rule_versions')
    .values({ kind: KIND, hash: loaded.hash, source: loaded.source, loaded_at: now })
    .onConflict((oc) => oc.columns(['kind', 'hash']).doNothing())
    .execute()
  const current = await db
    .selectFrom('rule_current')
    .select('hash')
    .where('kind', '=', KIND)
    .executeTakeFirst()
  if (current?.hash === loaded.hash) return false
  await db
    .insertInto('rule_current')
    .values({ kind: KIND, hash: loaded.hash, since: now })
    .onConflict((oc) => oc.column('kind').doUpdateSet({ hash: loaded.hash, since: now }))
    .execute()
  return true
}

/** The current credit rules as stored (parsed, not trusted): what every class is computed under. */
/**
 * Parsed rules by content hash. A version's text never changes under its hash, so the parse is kept: every
 * publication reclassifies, and parsing the YAML was most of the cost of reclassifying one business.
 */
const parsedRules = new Map<string, CreditRules>()

export async function currentCreditRules(
  db: Kysely<DB>,
): Promise<{ rules: CreditRules; hash: string } | undefined> {
  const current = await db
    .selectFrom('rule_current')
    .select('hash')
    .where('kind', '=', KIND)
    .executeTakeFirst()
  if (!current) return undefined
  const known = parsedRules.get(current.hash)
  if (known) return { rules: known, hash: current.hash }
  const row = await db
    .selectFrom('rule_versions')
    .select(['hash', 'source'])
    .where('kind', '=', KIND)
    .where('hash', '=', current.hash)
    .executeTakeFirstOrThrow()
  const parsed = parseYaml('rule_versions', Buffer.from(row.source, 'utf8'), creditRulesSchema)
  if (!parsed.value)
    throw new Error(`stored credit rules ${row.hash} do not parse: ${parsed.issues[0]?.message}`)
  parsedRules.set(row.hash, parsed.value)
  return { rules: parsed.value, hash: row.hash }
}

/** The first day of the rules' window, counted back from `now`. */
function windowStart(rules: CreditRules, now: Date): string {
  const d = new Date(now)
  d.setUTCMonth(d.getUTCMonth() - rules.window_months)
  return d.toISOString().slice(0, 10)
}

/**
 * Recomputes the class of the given businesses (or all standing ones) under the current rules, inside the
 * caller's transaction: writes only the classes that changed, and a history row for each change of class.
 * Returns how many classes changed.
 */
export async function reclassify(
  db: Kysely<DB>,
  which: readonly string[] | 'all',
  now: Date,
  reason: string,
): Promise<number> {
  const current = await currentCreditRules(db)
  if (!current) return 0
  const since = windowStart(current.rules, now)
  const ids =
    which === 'all'
      ? (await db.selectFrom('businesses').select('id').where('merged_into', 'is', null).execute()).map(
          (r) => r.id,
        )
      : [...new Set(which)]
  let changed = 0
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK)
    const [facts, before, cases, inspections, complaints] = await Promise.all([
      creditFacts(db, since, chunk),
      currentCredit(db, chunk),
      rectificationFacts(db, since, now, chunk),
      inspectionFacts(db, since, chunk),
      complaintFacts(db, since, chunk),
    ])
    const previous = new Map(before.map((b) => [b.business_id, b]))
    const rows: { id: string; class: string; score: number; lines: string; previous: string | null }[] = []
    for (const id of chunk) {
      const c = classify(
        current.rules,
        facts.get(id) ?? [],
        cases.get(id) ?? [],
        inspections.get(id) ?? [],
        complaints.get(id) ?? [],
      )
      const lines = JSON.stringify(c.lines)
      const was = previous.get(id)
      if (
        was &&
        was.class === c.class &&
        was.score === c.score &&
        was.rules_hash === current.hash &&
        JSON.stringify(was.lines) === lines
      )
        continue
      rows.push({ id, class: c.class, score: c.score, lines, previous: was?.class ?? null })
    }
    if (rows.length === 0) continue
    const json = JSON.stringify(rows)
    await sql`insert into business_credit (business_id, class, score, lines, rules_hash, computed_at)
      select r.id, r.class, r.score, r.lines::jsonb, ${current.hash}, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as r(id uuid, class text, score int, lines text)
      on conflict (business_id) do update set class = excluded.class, score = excluded.score,
        lines = excluded.lines, rules_hash = excluded.rules_hash, computed_at = excluded.computed_at`.execute(
      db,
    )
    const moved = rows.filter((r) => r.previous !== r.class)
    if (moved.length > 0)
      await sql`insert into business_credit_history (business_id, class, previous_class, score, rules_hash, reason, at)
        select r.id, r.class, r.previous, r.score, ${current.hash}, ${reason}, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(moved)}::jsonb) as r(id uuid, class text, previous text, score int)`.execute(
        db,
      )
    changed += moved.length
  }
  return changed
}

/** Businesses whose record a set of samples is part of (as seller or producer). */
export async function businessesOfSamples(db: Kysely<DB>, sampleIds: readonly string[]): Promise<string[]> {
  if (sampleIds.length === 0) return []
  const rows = await db
    .selectFrom('business_samples')
    .select('business_id')
    .distinct()
    .where('sample_id', 'in', [...sampleIds])
    .execute()
  return rows.map((r) => r.business_id)
}

/**
 * Loads `<playbooksDir>/rules/credit.yaml` (an invalid file stops start-up naming file, field and line),
 * makes it the current version and, when that changed, reclassifies every business under it.
 */
export async function prepareCreditRules(db: Kysely<DB>, playbooksDir: string, now: Date) {
  const loaded = await loadCreditRules(playbooksDir)
  const changed = await syncCreditRules(db, loaded, now)
  const reclassified = changed ? await reclassify(db, 'all', now, `credit rules ${loaded.rules.version}`) : 0
  return { version: loaded.rules.version, hash: loaded.hash, changed, reclassified }
}
