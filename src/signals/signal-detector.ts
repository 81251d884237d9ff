import { sql } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { levelName } from '../domain/enums.js'
import { eventsInsert, type NewEvent } from '../events/events.repo.js'
import { keysOf, type Matchable, type SignalRule, signalRules } from './signal-rules.js'

const DAY = 86_400_000

export interface NewComplaint extends Matchable {
  id: string
  tracking: string
  receivedAt: Date
  exercise: boolean
  district: string | null
}

interface Keyed {
  rule: SignalRule
  key: string
  label: string
  term?: string | undefined
}

/** What a complaint is counted under: its keys per rule, in lock order, and the advisory locks to take. */
export interface SignalKeys {
  keyed: Keyed[]
  /** The (match, key) pairs stored in `complaint_keys`, once each. */
  pairs: { match: string; key: string }[]
  /** Advisory lock names, in the order they must be taken. */
  locks: string[]
}

/** Pure: computed before the transaction opens, so the intake can take these locks in its first statement. */
export function signalKeysOf(
  deps: Pick<AppDeps, 'config' | 'playbooks'>,
  c: Matchable & { exercise: boolean },
): SignalKeys {
  const keyed: Keyed[] = signalRules(deps).flatMap((rule) => keysOf(rule, c).map((k) => ({ rule, ...k })))
  // A fixed order of locks, so two intakes sharing two keys cannot wait on each other in a cycle.
  keyed.sort((a, b) => `${a.rule.id}|${a.key}`.localeCompare(`${b.rule.id}|${b.key}`))
  const pairs = new Map(
    keyed.map((k) => [`${k.rule.match}\u0000${k.key}`, { match: k.rule.match, key: k.key }]),
  )
  return {
    keyed,
    pairs: [...pairs.values()],
    locks: keyed.map((k) => `signal:${k.rule.id}:${k.key}:${c.exercise}`),
  }
}

interface KeyState {
  i: number
  id: string | null
  code: string | null
  complaint_count: number | null
  incident_id: string | null
  members: number | null
  ids: string[] | null
  trackings: string[] | null
}

/**
 * Runs in the intake transaction after its complaint and keys are written, with the locks of `keys.locks`
 * already held (taken by the intake's first statement): a signal is raised at the commit of the complaint
 * that crosses the threshold, and once, because the transactions holding the same (rule, key) are
 * serialised by that lock and each counts after taking it (READ COMMITTED: this statement sees the
 * complaints committed before it). A complaint matching a signal still inside its deduplication (or snooze)
 * window joins that signal instead. Two statements whatever the number of keys: one reads every key's open
 * signal (locked) and count, one writes the joins, the new signals and their events.
 */
export async function detectSignals(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  c: NewComplaint,
  keys: SignalKeys,
): Promise<void> {
  const { keyed } = keys
  if (keyed.length === 0) return
  const list = (f: (k: Keyed) => string | number) => keyed.map(f)
  // Members are counted only where no signal is open, and listed only when they reach the threshold.
  const states = await sql<KeyState>`
    select k.i::int as i, s.id, s.code, s.complaint_count, s.incident_id, m.members, m.ids, m.trackings
    from unnest(${list((k) => k.rule.id)}::text[], ${list((k) => k.rule.match)}::text[],
                ${list((k) => k.key)}::text[], ${list((k) => k.rule.kinds.join(','))}::text[],
                ${list((k) => new Date(now.getTime() - k.rule.window_days * DAY).toISOString())}::timestamptz[],
                ${list((k) => k.rule.threshold)}::int[])
      with ordinality as k(rule_id, match, key, kinds, since, threshold, i)
    left join lateral (
      select id, code, complaint_count, incident_id from signals
      where rule_id = k.rule_id and key = k.key and exercise = ${c.exercise}
        and (dedup_until > ${now} or snoozed_until > ${now})
      order by raised_at desc limit 1
      for update
    ) s on true
    left join lateral (
      select count(*)::int as members,
        case when count(*) >= k.threshold then array_agg(c.id order by ck.received_at) end as ids,
        case when count(*) >= k.threshold then array_agg(c.tracking order by ck.received_at) end as trackings
      from complaint_keys ck join complaints c on c.id = ck.complaint_id
      where s.id is null and ck.match = k.match and ck.key = k.key and ck.exercise = ${c.exercise}
        and ck.received_at > k.since and c.kind = any(string_to_array(k.kinds, ','))
    ) m on true
    order by k.i`.execute(trx)

  const links: [string, string][] = []
  const joined: string[] = []
  const raised: Record<string, unknown>[] = []
  const events: NewEvent[] = []
  let incident: string | null = null
  for (const s of states.rows) {
    const k = keyed[s.i - 1]!
    if (s.id !== null && s.code !== null) {
      links.push([s.id, c.id])
      joined.push(s.id)
      if (s.incident_id) incident = s.incident_id
      events.push({
        type: 'signal.updated',
        subject: s.code,
        payload: { code: s.code, tracking: c.tracking, count: (s.complaint_count ?? 0) + 1 },
      })
      continue
    }
    if (!s.ids || !s.trackings || s.ids.length < k.rule.threshold) continue
    const suggest = k.rule.hazards.find((h) => h.term === k.term)?.suggest ?? k.rule.suggest
    const id = crypto.randomUUID()
    const code = `SIG-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${id.slice(0, 6).toUpperCase()}`
    const title = `${k.rule.name.zh}：${k.label}`
    raised.push({
      id,
      code,
      rule_id: k.rule.id,
      rule_hash: k.rule.hash,
      match: k.rule.match,
      key: k.key,
      title,
      status: 'open',
      complaint_count: s.ids.length,
      first_at: now,
      last_at: now,
      dedup_until: new Date(now.getTime() + k.rule.dedup_days * DAY),
      suggested_playbook: suggest.playbook,
      suggested_level: suggest.level,
      exercise: c.exercise,
      raised_at: now,
    })
    for (const member of s.ids) links.push([id, member])
    events.push({
      type: 'signal.raised',
      subject: code,
      payload: {
        code,
        rule: k.rule.id,
        ruleHash: k.rule.hash,
        title,
        match: k.rule.match,
        count: s.ids.length,
        complaints: s.trackings,
        suggestedPlaybook: suggest.playbook,
        suggestedLevel: levelName(suggest.level),
        exercise: c.exercise,
      },
    })
  }
  if (events.length === 0) return
  // One statement; the links' foreign keys to the signals raised beside them are checked at its end.
  await sql`
    with raised as (
      insert into signals (${SIGNAL_NAMES})
      select ${SIGNAL_NAMES} from jsonb_populate_recordset(null::signals, ${JSON.stringify(raised)}::jsonb)
    ), links as (
      insert into signal_complaints (signal_id, complaint_id)
      select * from unnest(${links.map((l) => l[0])}::uuid[], ${links.map((l) => l[1])}::uuid[])
    ), joined as (
      update signals set complaint_count = complaint_count + 1, last_at = ${now}
      where id = any(${joined}::uuid[])
    ), incident as (
      update complaints set incident_id = ${incident}::uuid where id = ${c.id} and ${incident}::uuid is not null
    ), recorded as (${eventsInsert(ctx, now, events)})
    select 1`.execute(trx)
}

const SIGNAL_NAMES = sql.raw(
  [
    'id',
    'code',
    'rule_id',
    'rule_hash',
    'match',
    'key',
    'title',
    'status',
    'complaint_count',
    'first_at',
    'last_at',
    'dedup_until',
    'suggested_playbook',
    'suggested_level',
    'exercise',
    'raised_at',
  ].join(', '),
)
