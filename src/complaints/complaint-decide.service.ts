import { chinaIso } from '../calendar/working-days.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { assertMay } from '../domain/access.js'
import { callerOf, type RequestContext } from '../domain/context.js'
import { invalidState, issue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { assertHandler, assertOpen, lockComplaint } from './complaint-access.js'
import { rungAt, workingCalendar } from './complaint-clock.js'
import { complaintRules, rulesPinnedAt } from './complaint-rules.js'
import { complaintDto } from './complaint-view.js'
import { reread } from './complaints.repo.js'
import type { DecideInput } from './complaints.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config'>

/**
 * Accept or decline (受理 / 不予受理) within the decision clock. Declining names every reason from the rules'
 * list at once (一次性告知), in the words the complainant reads on the status page. Accepting a complaint
 * starts the mediation clock (45 working days from acceptance); a report keeps its 15 from receipt.
 */
export async function decideComplaint(deps: Deps, ctx: RequestContext, id: string, input: DecideInput) {
  assertMay(callerOf(ctx)!.role, 'decideComplaint')
  const rules = complaintRules(deps.config).value
  if (input.decision === 'decline') {
    const known = new Set(rules.decline_reasons.map((r) => r.code))
    const bad = input.reasons.flatMap((r, i) =>
      known.has(r)
        ? []
        : [
            issue(
              `body.reasons[${i}]`,
              {
                zh: `未知的不予受理理由「${r}」`,
                en: `unknown reason "${r}" (one of: ${[...known].join(', ')})`,
              },
              'unknown_reason',
            ),
          ],
    )
    if (bad.length > 0) throw validationFailed(bad)
  }
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const row = await lockComplaint(trx, ctx, id)
    assertOpen(row)
    assertHandler(ctx, row)
    if (row.kind === 'enquiry')
      throw invalidState(
        { zh: '咨询无需受理决定，答复后直接办结', en: 'An enquiry is answered and closed, not accepted' },
        row.status,
      )
    if (row.status !== 'open') throw invalidState({ zh: '已作出受理决定', en: 'Already decided' }, row.status)
    // The mediation clock and its ladder come from the version the complaint was received under.
    const pinned = await rulesPinnedAt(trx, deps.config, row.rules_hash)
    const onTime = now.getTime() <= new Date(row.decide_due_at).getTime()
    const reasons = input.decision === 'decline' ? [...new Set(input.reasons)] : []
    let closeDue: Date | null = row.close_due_at === null ? null : new Date(row.close_due_at)
    if (input.decision === 'accept') {
      const clock = pinned.clocks[row.kind]
      if (row.kind === 'complaint') closeDue = workingCalendar().deadline(now, clock.close)
      const origin = row.kind === 'complaint' ? now : new Date(row.received_at)
      await trx
        .updateTable('complaints')
        .set({
          status: 'accepted',
          decided_at: now,
          decision: 'accept',
          close_due_at: closeDue,
          alarm_clock: 'close',
          alarm_rung: 0,
          next_alarm_at: rungAt(origin, clock.close, pinned.ladder[0]!.at),
        })
        .where('id', '=', id)
        .execute()
    } else {
      await trx
        .updateTable('complaints')
        .set({
          status: 'declined',
          decided_at: now,
          decision: 'decline',
          decline_reasons: reasons,
          closed_at: now,
          alarm_clock: null,
          next_alarm_at: null,
        })
        .where('id', '=', id)
        .execute()
    }
    await appendEvent(trx, ctx, now, {
      type: 'complaint.decided',
      districtCode: row.district_code,
      subject: row.tracking,
      payload: {
        tracking: row.tracking,
        decision: input.decision,
        reasons,
        closeBy: input.decision === 'accept' && closeDue ? chinaIso(closeDue) : null,
        onTime,
      },
    })
    return complaintDto(await reread(trx, id), 'full')
  })
}
