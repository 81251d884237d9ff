import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/types.js'
import { CREDIT_CLASSES } from './credit-rules.schema.js'

const linesSchema = z.array(z.strictObject({ zh: z.string(), en: z.string() }))

/** A business's class, its explanation (parsed from storage) and its history of class changes, newest first. */
export async function creditOf(db: Kysely<DB>, businessId: string) {
  const [now, history] = await Promise.all([
    db
      .selectFrom('business_credit')
      .select(['class', 'score', 'lines', 'rules_hash', 'computed_at'])
      .where('business_id', '=', businessId)
      .executeTakeFirst(),
    db
      .selectFrom('business_credit_history')
      .select(['class', 'previous_class', 'score', 'rules_hash', 'reason', 'at'])
      .where('business_id', '=', businessId)
      .orderBy('id', 'desc')
      .limit(50)
      .execute(),
  ])
  return {
    creditClass: now ? z.enum(CREDIT_CLASSES).parse(now.class) : null,
    creditScore: now?.score ?? null,
    creditExplanation: now ? linesSchema.parse(now.lines) : [],
    creditRules: now?.rules_hash ?? null,
    creditHistory: history.map((h) => ({
      class: z.enum(CREDIT_CLASSES).parse(h.class),
      from: h.previous_class === null ? null : z.enum(CREDIT_CLASSES).parse(h.previous_class),
      score: h.score,
      rules: h.rules_hash,
      reason: h.reason,
      at: new Date(h.at).toISOString(),
    })),
  }
}
