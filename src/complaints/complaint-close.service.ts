import { reclassify } from '../credit/credit.service.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { assertMay } from '../domain/access.js'
import { callerOf, type RequestContext } from '../domain/context.js'
import { invalidState, issue, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { isUpheld } from '../domain/upheld.js'
import { appendEvent } from '../events/events.repo.js'
import { assertHandler, assertOpen, lockComplaint } from './complaint-access.js'
import { complaintDto } from './complaint-view.js'
import { reread } from './complaints.repo.js'
import type { CloseInput, ComplaintKind, Outcome } from './complaints.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock'>

/** Which outcomes close which kind: mediation for complaints, a case decision for reports, an answer. */
const OUTCOMES_OF: Record<ComplaintKind, Outcome[]> = {
  complaint: ['agreed', 'not_agreed'],
  report: ['case_opened', 'no_case'],
  enquiry: ['answered'],
}

/**
 * Records the outcome: a mediation agreed (with the amount recovered for the consumer) or not, a report's
 * case opened or not, an enquiry answered. A complaint must have been accepted first. An upheld one (agreed,
 * case opened) reclassifies the business it names, in the same transaction.
 */
export async function closeComplaint(deps: Deps, ctx: RequestContext, id: string, input: CloseInput) {
  assertMay(callerOf(ctx)!.role, 'closeComplaint')
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const row = await lockComplaint(trx, ctx, id)
    assertOpen(row)
    assertHandler(ctx, row)
    const issues: ProblemIssue[] = []
    const allowed = OUTCOMES_OF[row.kind]
    if (!allowed.includes(input.outcome))
      issues.push(
        issue(
          'body.outcome',
          {
            zh: `此类（${row.kind}）只能以 ${allowed.join('、')} 办结`,
            en: `a ${row.kind} closes as ${allowed.join(' or ')}`,
          },
          'outcome_not_for_kind',
        ),
      )
    if (input.outcome === 'agreed' && input.recovered === undefined)
      issues.push(
        issue(
          'body.recovered',
          {
            zh: '调解达成须填写挽回金额（可为 0）',
            en: 'an agreed mediation states the amount recovered (may be 0)',
          },
          'required',
        ),
      )
    if (input.outcome !== 'agreed' && input.recovered !== undefined)
      issues.push(
        issue(
          'body.recovered',
          { zh: '只有调解达成才填写挽回金额', en: 'only an agreed mediation recovers an amount' },
          'not_allowed',
        ),
      )
    if (issues.length > 0) throw validationFailed(issues)
    if (row.kind === 'complaint' && row.status !== 'accepted')
      throw invalidState(
        { zh: '投诉须先受理才能办结调解', en: 'Accept the complaint before closing its mediation' },
        row.status,
      )
    const due = row.close_due_at ?? row.decide_due_at
    const onTime = now.getTime() <= new Date(due).getTime()
    await trx
      .updateTable('complaints')
      .set({
        status: 'closed',
        closed_at: now,
        outcome: input.outcome,
        recovered: input.recovered ?? null,
        close_note: input.note || null,
        // A report's case decision and an enquiry's answer are also their decision.
        ...(row.decided_at === null && { decided_at: now, decision: 'accept' as const }),
        alarm_clock: null,
        next_alarm_at: null,
      })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'complaint.closed',
      districtCode: row.district_code,
      subject: row.tracking,
      payload: { tracking: row.tracking, outcome: input.outcome, recovered: input.recovered ?? null, onTime },
    })
    // An upheld complaint is an input of the business's credit class: reclassified in this transaction.
    if (isUpheld(input.outcome) && row.business_id && !row.exercise)
      await reclassify(trx, [row.business_id], now, `complaint ${row.tracking} ${input.outcome}`)
    return complaintDto(await reread(trx, id), 'full')
  })
}
