import { sql } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { levelName } from '../domain/enums.js'
import { appendEvent } from '../events/events.repo.js'
import { keysOf, type Matchable, signalRules } from './signal-rules.js'

const DAY = 86_400_000

export interface NewComplaint extends Matchable {
  id: string
  tracking: string
  receivedAt: Date
  exercise: boolean
  district: string | null
}

/**
 * Runs in the intake transaction, so a signal is raised at the commit of the complaint that crosses the
 * threshold, and once: the transactions holding the same (rule, key) are serialised by an advisory lock,
 * and each counts after taking it (READ COMMITTED: it sees the complaints committed before it). A complaint
 * matching a signal still inside its deduplication (or snooze) window joins that signal instead.
 */
export async function detectSignals(
  trx: Transaction<DB>,
  deps: Pick<AppDeps, 'config' | 'playbooks'>,
  ctx: RequestContext,
  now: Date,
  c: NewComplaint,
): Promise<void> {
  const rules = signalRules(deps)
  const keyed = rules.flatMap((rule) => keysOf(rule, c).map((k) => ({ rule, ...k })))
  if (keyed.length === 0) return
  const pairs = new Map(
    keyed.map((k) => [`${k.rule.match}\u0000${k.key}`, { match: k.rule.match, key: k.key }]),
  )
  await trx
    .insertInto('complaint_keys')
    .values(
      [...pairs.values()].map((p) => ({
        complaint_id: c.id,
        match: p.match,
        key: p.key,
        received_at: c.receivedAt,
        exercise: c.exercise,
      })),
    )
    .execute()
  // A fixed order of locks, so two intakes sharing two keys cannot wait on each other in a cycle.
  keyed.sort((a, b) => `${a.rule.id}|${a.key}`.localeCompare(`${b.rule.id}|${b.key}`))
  for (const k of keyed) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`signal:${k.rule.id}:${k.key}:${c.exercise}`}, 17))`.execute(
      trx,
    )
    const open = await trx
      .selectFrom('signals')
      .select(['id', 'code', 'status', 'complaint_count', 'incident_id'])
      .where('rule_id', '=', k.rule.id)
      .where('key', '=', k.key)
      .where('exercise', '=', c.exercise)
      .where((eb) => eb.or([eb('dedup_until', '>', now), eb('snoozed_until', '>', now)]))
      .orderBy('raised_at', 'desc')
      .forUpdate()
      .executeTakeFirst()
    if (open) {
      await trx.insertInto('signal_complaints').values({ signal_id: open.id, complaint_id: c.id }).execute()
      const count = open.complaint_count + 1
      await trx
        .updateTable('signals')
        .set({ complaint_count: count, last_at: now })
        .where('id', '=', open.id)
        .execute()
      if (open.incident_id)
        await trx
          .updateTable('complaints')
          .set({ incident_id: open.incident_id })
          .where('id', '=', c.id)
          .execute()
      await appendEvent(trx, ctx, now, {
        type: 'signal.updated',
        subject: open.code,
        payload: { code: open.code, tracking: c.tracking, count },
      })
      continue
    }
    const since = new Date(now.getTime() - k.rule.window_days * DAY)
    const members = await trx
      .selectFrom('complaint_keys as k')
      .innerJoin('complaints as c', 'c.id', 'k.complaint_id')
      .select(['c.id', 'c.tracking'])
      .where('k.match', '=', k.rule.match)
      .where('k.key', '=', k.key)
      .where('k.exercise', '=', c.exercise)
      .where('k.received_at', '>', since)
      .where('c.kind', 'in', k.rule.kinds)
      .orderBy('k.received_at')
      .execute()
    if (members.length < k.rule.threshold) continue
    const suggest = k.rule.hazards.find((h) => h.term === k.term)?.suggest ?? k.rule.suggest
    const id = crypto.randomUUID()
    const code = `SIG-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${id.slice(0, 6).toUpperCase()}`
    const title = `${k.rule.name.zh}：${k.label}`
    await trx
      .insertInto('signals')
      .values({
        id,
        code,
        rule_id: k.rule.id,
        rule_hash: k.rule.hash,
        match: k.rule.match,
        key: k.key,
        title,
        status: 'open',
        complaint_count: members.length,
        first_at: now,
        last_at: now,
        dedup_until: new Date(now.getTime() + k.rule.dedup_days * DAY),
        suggested_playbook: suggest.playbook,
        suggested_level: suggest.level,
        exercise: c.exercise,
        raised_at: now,
      })
      .execute()
    await trx
      .insertInto('signal_complaints')
      .values(members.map((m) => ({ signal_id: id, complaint_id: m.id })))
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'signal.raised',
      subject: code,
      payload: {
        code,
        rule: k.rule.id,
        ruleHash: k.rule.hash,
        title,
        match: k.rule.match,
        count: members.length,
        complaints: members.map((m) => m.tracking),
        suggestedPlaybook: suggest.playbook,
        suggestedLevel: levelName(suggest.level),
        exercise: c.exercise,
      },
    })
  }
}
