import { chinaIso, workingCalendar } from '../calendar/working-days.js'
import { reclassify } from '../credit/credit.service.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { appendEvents, type NewEvent } from '../events/events.repo.js'
import type { LoopJob } from '../jobs/job-registry.js'
import { rectificationRules } from './rectification-rules.js'

const BATCH = 100

/**
 * Overdue rectifications climb the rules' ladder (`after`: working days past the deadline), each rung once:
 * due rows are claimed with FOR UPDATE SKIP LOCKED, and a verb that closes the case locks the same row and
 * clears the alarm. The first rung (the case turns overdue) also reclassifies the business.
 */
export async function sweepRectificationDeadlines(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>) {
  const now = deps.clock.now()
  const { rules } = rectificationRules(deps.config)
  const ctx = systemContext('rectification-deadlines')
  return inTransaction(deps.db, async (trx) => {
    const rows = await trx
      .selectFrom('rectifications')
      .select(['id', 'business_id', 'district_code', 'status', 'due_at', 'alarm_rung'])
      .where('next_alarm_at', '<=', now)
      .orderBy('next_alarm_at')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute()
    if (rows.length === 0) return { fired: 0 }
    const events: NewEvent[] = []
    const turnedOverdue: string[] = []
    for (const r of rows) {
      const rung = rules.ladder[r.alarm_rung]
      if (!rung || r.status !== 'open') {
        await trx.updateTable('rectifications').set({ next_alarm_at: null }).where('id', '=', r.id).execute()
        continue
      }
      const next = rules.ladder[r.alarm_rung + 1]
      const due = new Date(r.due_at)
      await trx
        .updateTable('rectifications')
        .set({
          alarm_rung: r.alarm_rung + 1,
          next_alarm_at: next ? workingCalendar().deadline(due, next.after) : null,
        })
        .where('id', '=', r.id)
        .execute()
      if (r.alarm_rung === 0) turnedOverdue.push(r.business_id)
      events.push({
        type: 'rectification.escalated',
        districtCode: r.district_code,
        subject: r.id,
        payload: {
          rectificationId: r.id,
          businessId: r.business_id,
          rung: r.alarm_rung + 1,
          notify: rung.notify,
          dueAt: chinaIso(due),
          district: r.district_code,
        },
      })
    }
    await appendEvents(trx, ctx, now, events)
    if (turnedOverdue.length > 0) await reclassify(trx, turnedOverdue, now, 'rectification overdue')
    return { fired: events.length }
  })
}

export const rectificationDeadlineJob: LoopJob = {
  name: 'rectification-deadlines',
  kind: 'loop',
  everyMs: () => 5000,
  description:
    'Rectification deadlines: escalate overdue cases up the ladder (rectification.escalated), once',
  run: async (deps) => {
    const r = await sweepRectificationDeadlines(deps)
    return { worked: r.fired > 0, result: r }
  },
}
