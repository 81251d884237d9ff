import { sql } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorColumns, type RequestContext } from '../domain/context.js'
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
  /** The open signal this complaint joined (by this statement), if any. */
  id: string | null
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
 * window joins that signal instead. One statement whatever the number of keys, and a second only when a
 * signal is raised: the first locks every key's open signal, joins it (count, link, event, the incident's
 * link on the complaint) and counts the members of the keys without one.
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
  const actor = actorColumns(ctx)
  // Members are counted only where no signal is open, and listed only when they reach the threshold. The
  // open signal is locked (FOR UPDATE rechecks its window against the newest version) before it is joined.
  const states = await sql<KeyState>`
    with k as (
      select * from unnest(${list((k) => k.rule.id)}::text[], ${list((k) => k.rule.match)}::text[],
                ${list((k) => k.key)}::text[], ${list((k) => k.rule.kinds.join(','))}::text[],
                ${list((k) => new Date(now.getTime() - k.rule.window_days * DAY).toISOString())}::timestamptz[],
                ${list((k) => k.rule.threshold)}::int[])
        with ordinality as k(rule_id, match, key, kinds, since, threshold, i)
    ), open_signal as (
      select k.i, s.id, s.incident_id from k
      join lateral (
        select id, incident_id from signals
        where rule_id = k.rule_id and key = k.key and exercise = ${c.exercise}
          and (dedup_until > ${now} or snoozed_until > ${now})
        order by raised_at desc limit 1
        for update
      ) s on true
    ), joined as (
      update signals set complaint_count = complaint_count + 1, last_at = ${now}
      where id in (select id from open_signal)
      returning id, code, complaint_count
    ), links as (
      insert into signal_complaints (signal_id, complaint_id) select id, ${c.id}::uuid from joined
    ), incident as (
      update complaints set incident_id = (select incident_id from open_signal where incident_id is not null order by i desc limit 1)
      where id = ${c.id} and exists (select from open_signal where incident_id is not null)
    ), recorded as (
      insert into events (type, subject, actor_id, actor_name, actor_role, request_id, payload, created_at)
      select 'signal.updated', j.code, ${actor.actor_id}::uuid, ${actor.actor_name}::text, ${actor.actor_role}::text,
        ${ctx.requestId}::text, jsonb_build_object('code', j.code, 'tracking', ${c.tracking}::text, 'count', j.complaint_count),
        ${now.toISOString()}::timestamptz
      from joined j join open_signal o using (id) order by o.i
    )
    select k.i::int as i, o.id, m.members, m.ids, m.trackings
    from k
    left join open_signal o on o.i = k.i
    left join lateral (
      select count(*)::int as members,
        case when count(*) >= k.threshold then array_agg(c.id order by ck.received_at) end as ids,
        case when count(*) >= k.threshold then array_agg(c.tracking order by ck.received_at) end as trackings
      from complaint_keys ck join complaints c on c.id = ck.complaint_id
      where o.id is null and ck.match = k.match and ck.key = k.key and ck.exercise = ${c.exercise}
        and ck.received_at > k.since and c.kind = any(string_to_array(k.kinds, ','))
    ) m on true
    order by k.i`.execute(trx)

  const links: [string, string][] = []
  const raised: Record<string, unknown>[] = []
  const events: NewEvent[] = []
  for (const s of states.rows) {
    const k = keyed[s.i - 1]!
    if (s.id !== null) continue
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
