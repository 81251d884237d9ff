import { chinaIso } from '../calendar/working-days.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { appendEvents, type NewEvent } from '../events/events.repo.js'
import type { LoopJob } from '../jobs/job-registry.js'
import { rungAt } from './complaint-clock.js'
import { rulesPinnedAt } from './complaint-rules.js'
import { complaintColumns } from './complaints.repo.js'

const BATCH = 100

/**
 * The 12315 clocks' warnings and escalations: each open complaint carries the time of its next rung
 * (`next_alarm_at`), climbing the rules' ladder (duty officer before the deadline, district head at it,
 * command centre after it), in the rules version each complaint was received under. Due rows are claimed with FOR UPDATE SKIP LOCKED, so one instance fires each
 * rung once; a verb that decides or closes the complaint locks the same row and clears the alarm.
 */
export async function sweepComplaintDeadlines(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>) {
  const now = deps.clock.now()
  const ctx = systemContext('complaint-deadlines')
  return inTransaction(deps.db, async (trx) => {
    const rows = await trx
      .selectFrom('complaints')
      .select(complaintColumns)
      .where('next_alarm_at', '<=', now)
      .orderBy('next_alarm_at')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute()
    if (rows.length === 0) return { fired: 0 }
    const events: NewEvent[] = []
    for (const r of rows) {
      // The ladder and the clocks of the version the complaint was received under, not the current file's.
      const rules = await rulesPinnedAt(trx, deps.config, r.rules_hash)
      const rung = rules.ladder[r.alarm_rung]
      const open = r.status === 'open' || r.status === 'accepted'
      const clock = r.alarm_clock === 'close' ? 'close' : 'decide'
      const due = clock === 'close' ? (r.close_due_at ?? r.decide_due_at) : r.decide_due_at
      if (!rung || !open) {
        await trx.updateTable('complaints').set({ next_alarm_at: null }).where('id', '=', r.id).execute()
        continue
      }
      const days = rules.clocks[r.kind][clock]
      const origin =
        clock === 'close' && r.kind === 'complaint' && r.decided_at ? r.decided_at : r.received_at
      const next = rules.ladder[r.alarm_rung + 1]
      await trx
        .updateTable('complaints')
        .set({
          alarm_rung: r.alarm_rung + 1,
          next_alarm_at: next ? rungAt(new Date(origin), days, next.at) : null,
        })
        .where('id', '=', r.id)
        .execute()
      events.push({
        type: 'complaint.escalated',
        districtCode: r.district_code,
        subject: r.tracking,
        payload: {
          tracking: r.tracking,
          clock,
          rung: r.alarm_rung + 1,
          at: rung.at,
          notify: rung.notify,
          dueAt: chinaIso(new Date(due)),
          district: r.district_code,
        },
      })
    }
    await appendEvents(trx, ctx, now, events)
    return { fired: events.length }
  })
}

export const complaintDeadlineJob: LoopJob = {
  name: 'complaint-deadlines',
  kind: 'loop',
  everyMs: () => 5000,
  description:
    '12315 clocks: warn before and escalate after each deadline (complaint.escalated), once across instances',
  run: async (deps) => {
    const r = await sweepComplaintDeadlines(deps)
    return { worked: r.fired > 0, result: r }
  },
}
