import { sql } from 'kysely'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorColumns, systemContext } from '../domain/context.js'
import { type EscalationClock, OPEN_TASK_STATUSES } from '../domain/enums.js'
import { ladderPositions } from './escalation-ladder.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'playbooks' | 'metrics'>

/** A rung fired more than this after falling due is marked late (the service promises 5 s). */
export const ON_TIME_MS = 5_000
/** Said in a `task.escalated` event whose rung's target has no contact on file. */
export const NO_CONTACT_NOTE = {
  zh: '未登记该对象的联系人，请在通讯录中补充',
  en: 'No contact on file for this target; add one to the contacts',
}

export interface SweepResult {
  claimed: number
  fired: number
  late: number
}

/**
 * Fires every escalation rung that has fallen due, in batches, each one transaction and one statement over
 * the whole batch, whatever its size:
 *   - claim the due task rows of active incidents with FOR UPDATE SKIP LOCKED (another instance takes other
 *     rows, never the same; a closed incident's task is never claimed: the sweep's re-check of the root);
 *   - work out, from the state read under the lock and the pinned playbooks' ladders (`ladderPositions`, as a
 *     table passed in one JSON parameter), which positions have come since the task's cursor: every position
 *     whose time has come, each rung once, except that several missed repeats of the last rung fold into the
 *     latest one (paging someone five times in the same second tells them nothing more; after downtime only);
 *   - one UPDATE of the claimed tasks' timers to their next position, RETURNING them, and one INSERT … SELECT
 *     of a `task.escalated` event per rung fired for the rows it updated, naming the rung's target and the
 *     task's district (never the contact's name or phone: an SMS gateway's webhook gets them at delivery).
 * An acknowledgement that committed first turns the unacknowledged clock off; a transition that races the
 * sweep waits on the row lock and then overwrites the timer with its own.
 */
export async function sweepEscalations(deps: Deps, opts: { batch?: number } = {}): Promise<SweepResult> {
  const batch = opts.batch ?? SWEEP_BATCH
  const total: SweepResult = { claimed: 0, fired: 0, late: 0 }
  const ladders = new Ladders(deps)
  for (;;) {
    const r = await sweepBatch(deps, ladders, batch)
    // Counted once committed: a rolled-back batch fired nothing.
    for (const f of r.rungs) {
      deps.metrics.escalationsFired.inc({ clock: f.clock }, f.lateSeconds.length)
      const lateness = deps.metrics.escalationLateness.labels({ clock: f.clock })
      for (const s of f.lateSeconds) lateness.observe(s)
    }
    total.claimed += r.claimed
    total.fired += r.fired
    total.late += r.late
    if (r.claimed < batch) return total
  }
}

/**
 * Tasks per transaction: large enough that the fixed cost of a batch is small (10,000 rungs due at once: 1.4×
 * the raw writes of the same rows in one batch, 1.8× in two of 5,000), short enough to hold locks (an
 * acknowledgement of a claimed task waits for the batch's commit: about 0.4 s at this size on two cores).
 */
export const SWEEP_BATCH = 10_000

/** The rungs a batch fired on one clock: how late each was. */
interface Fired {
  clock: EscalationClock
  lateSeconds: number[]
}

/** One ladder position of one pinned playbook's clock, as the sweep statement reads it. */
interface LadderRow {
  hash: string
  clock: EscalationClock
  k: number
  rung: number
  rep: number
  notify: string
  off_ms: number
}

/**
 * The ladders of the playbooks pinned by active incidents, as rows. Read once per sweep, and again for a
 * playbook first seen in a later batch; a playbook whose ladder is not in the table is not claimed (its
 * tasks wait for the next sweep), so no timer is ever moved without its ladder.
 */
class Ladders {
  private readonly known = new Map<string, LadderRow[]>()
  constructor(private readonly deps: Deps) {}

  async table(trx: Transaction<DB>): Promise<{ json: string; hashes: string[] }> {
    const active = await trx
      .selectFrom('incidents')
      .select('playbook_hash')
      .distinct()
      .where('status', '=', 'active')
      .execute()
    for (const { playbook_hash: hash } of active) {
      if (this.known.has(hash)) continue
      const playbook = await this.deps.playbooks.pinned(trx, hash)
      const rows: LadderRow[] = []
      for (const clock of ['unacknowledged', 'overdue'] as const)
        ladderPositions(playbook, clock).forEach((p, k) => {
          rows.push({ hash, clock, k, rung: p.rung, rep: p.repeat, notify: p.notify, off_ms: p.offset })
        })
      this.known.set(hash, rows)
    }
    return { json: JSON.stringify([...this.known.values()].flat()), hashes: [...this.known.keys()] }
  }
}

async function sweepBatch(
  deps: Deps,
  ladders: Ladders,
  batch: number,
): Promise<SweepResult & { rungs: Fired[] }> {
  const now = deps.clock.now().toISOString()
  const ctx = systemContext('escalation-sweep')
  const actor = actorColumns(ctx)
  return inTransaction(deps.db, async (trx) => {
    // The events of a batch are sorted with their payloads (about 7 MB at 10,000): in memory, not in temporary
    // files, which the default 4 MB did not allow. For this transaction only.
    await sql`select set_config('work_mem', '32MB', true)`.execute(trx)
    const ladder = await ladders.table(trx)
    const { rows } = await sql<{ claimed: number; clock: EscalationClock | null; late_s: number[] | null }>`
      with lad as (
        select * from jsonb_to_recordset(${ladder.json}::jsonb)
          as l(hash text, clock text, k int, rung int, rep int, notify text, off_ms bigint)
      ),
      -- The clock follows the state read under the lock: a pending task can only be unacknowledged. A
      -- transition resets the cursor (clock null): the clock then starts at the timer it set.
      st as materialized (
        select t.ctid, t.id, t.incident_id, t.district_code, t.step_key, t.next_escalation_at,
               i.playbook_hash, i.exercise, x.clock,
               case when x.fresh then t.next_escalation_at else t.clock_started_at end as started_at,
               case when x.fresh then 0 else t.escalation_position end as from_k
        from tasks t
        -- Each due task's incident looked up by its key (OFFSET 0 keeps the subquery from being joined the other
        -- way round): with hundreds of active incidents, a plan that starts from them scanned the whole due
        -- range of the escalation index once per incident.
        cross join lateral (
          select i.playbook_hash, i.exercise from incidents i
          where i.id = t.incident_id and i.status = 'active' and i.playbook_hash = any(${ladder.hashes}::text[])
          offset 0
        ) i
        cross join lateral (
          select c.clock, (t.escalation_clock is distinct from c.clock or t.clock_started_at is null) as fresh
          from (select case when t.status = 'pending' then 'unacknowledged' else 'overdue' end as clock) c
        ) x
        where t.next_escalation_at <= ${now}::timestamptz
          and t.status in (${sql.join(OPEN_TASK_STATUSES)})
        -- No ORDER BY: every due row is fired in this sweep, and sorting all of them for each batch cost more
        -- than the batch's writes; the escalation index yields the oldest first anyway.
        limit ${batch}
        for update of t skip locked
      ),
      -- Every position from the cursor whose time has come (a ladder's offsets only grow).
      due as (
        select st.id, l.k, l.rung, l.rep, l.notify,
               st.started_at + l.off_ms * interval '1 millisecond' as due_at,
               count(*) over w as n_due,
               count(*) filter (where l.rep > 0) over w as repeats_due,
               count(*) filter (where l.rep = 0) over w as rungs_due,
               max(l.k) over w as last_k
        from st
        join lad l on l.hash = st.playbook_hash and l.clock = st.clock and l.k >= st.from_k
        where st.started_at + l.off_ms * interval '1 millisecond' <= ${now}::timestamptz
        window w as (partition by st.id)
      ),
      -- Each rung fires; missed repeats of the last rung fold into the latest one.
      fire as (
        select due.*, case when rep > 0 then repeats_due - 1 else 0 end as skipped
        from due where rep = 0 or k = last_k
      ),
      -- Per task, from its last position due: how many positions it passed, how many rungs fired (each rung,
      -- plus the latest repeat if any), and the last one fired.
      per_task as (
        select id, n_due, rungs_due + (rep > 0)::int as fired, rung as last_rung, notify as last_notify
        from due where k = last_k
      ),
      moved as (
        update tasks set
          escalation_clock = st.clock,
          clock_started_at = st.started_at,
          escalation_position = st.from_k + coalesce(p.n_due, 0),
          next_escalation_at = nx.at,
          escalation_count = tasks.escalation_count + coalesce(p.fired, 0),
          last_escalated_at = case when p.fired > 0 then ${now}::timestamptz else tasks.last_escalated_at end,
          last_escalation_rung = coalesce(p.last_rung, tasks.last_escalation_rung),
          last_escalation_notify = coalesce(p.last_notify, tasks.last_escalation_notify)
        from st
        left join per_task p on p.id = st.id
        left join lateral (
          select st.started_at + l.off_ms * interval '1 millisecond' as at
          from lad l
          where l.hash = st.playbook_hash and l.clock = st.clock and l.k = st.from_k + coalesce(p.n_due, 0)
        ) nx on true
        -- The row as claimed: locked by this transaction, so it has not moved; no index lookup.
        where tasks.ctid = st.ctid
        returning tasks.id
      ),
      written as (
        insert into events (type, actor_id, actor_name, actor_role, request_id, created_at,
                            incident_id, task_id, district_code, payload)
        select 'task.escalated', ${actor.actor_id}::uuid, ${actor.actor_name}::text, ${actor.actor_role}::text,
               ${ctx.requestId}::text, ${now}::timestamptz, st.incident_id, st.id, st.district_code,
               jsonb_build_object(
                 'step', st.step_key, 'clock', st.clock, 'rung', f.rung, 'repeat', f.rep, 'notify', f.notify,
                 'dueAt', to_char(f.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'late', ${now}::timestamptz - f.due_at > ${ON_TIME_MS}::int * interval '1 millisecond',
                 'lateBySeconds', floor(extract(epoch from ${now}::timestamptz - f.due_at))::int,
                 'skippedRepeats', f.skipped,
                 'district', st.district_code,
                 'exercise', st.exercise
               ) || case when has.contact then '{}'::jsonb else ${JSON.stringify({ note: NO_CONTACT_NOTE })}::jsonb end
        from fire f
        join st on st.id = f.id
        join moved m on m.id = f.id
        left join district_contacts dc on dc.district_code = st.district_code
        left join city_contacts cc on cc.target = case f.notify
          when 'command_centre' then 'command_centre' when 'city_leadership' then 'city_leadership' end
        cross join lateral (
          select case f.notify
            when 'district_duty_officer' then dc.duty_officer_name is not null and dc.duty_officer_phone is not null
            when 'district_head' then dc.head_name is not null and dc.head_phone is not null
            else cc.target is not null
          end as contact
        ) has
        order by st.next_escalation_at, st.id, f.k
      ),
      -- The rungs fired, per clock, for the metrics: the rows the insert above writes (a data-modifying CTE runs
      -- to completion whether or not it is read), read from their source rather than returned one by one.
      lateness as (
        select st.clock, array_agg(extract(epoch from ${now}::timestamptz - f.due_at)::float8) as late_s
        from fire f
        join st on st.id = f.id
        join moved m on m.id = f.id
        group by st.clock
      )
      select (select count(*) from moved)::int as claimed, l.clock, l.late_s
      from (select 1) one left join lateness l on true`.execute(trx)
    const claimed = rows[0]?.claimed ?? 0
    const rungs: Fired[] = []
    let fired = 0
    let late = 0
    for (const r of rows) {
      if (r.clock === null || r.late_s === null) continue
      const lateSeconds = r.late_s.map(Number)
      fired += lateSeconds.length
      for (const s of lateSeconds) if (s * 1000 > ON_TIME_MS) late++
      rungs.push({ clock: r.clock, lateSeconds: lateSeconds.map((s) => Math.max(0, s)) })
    }
    return { claimed, fired, late, rungs }
  })
}
