import { createHash, randomBytes } from 'node:crypto'
import { linkComplaintToBusiness } from '../businesses/business-links.js'
import { chinaDay, chinaIso } from '../calendar/working-days.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { issue, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { detectSignals } from '../signals/signal-detector.js'
import { workingCalendar } from './complaint-clock.js'
import { placeAddress } from './complaint-routing.js'
import { complaintRules, recordComplaintRules } from './complaint-rules.js'
import { lockKey, nextTrackingNumber, recentDuplicate } from './complaints.repo.js'
import type { PublicComplaintInput, StaffComplaintInput } from './complaints.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'districts' | 'playbooks'>

export const hashCode = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex')

/** A check code a person can read out on the phone: 8 characters without look-alikes (0/O, 1/I/L). */
function newCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(8)
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('')
}

interface Intake {
  input: PublicComplaintInput
  channel: 'web' | 'phone' | 'letter' | 'visit'
  receivedAt: Date
  exercise: boolean
}

/**
 * The checks that need the clock or the district list, on whatever parts of the input are readable: the
 * intake runs them, and the form runs them beside the schema's so that every problem shows at once.
 */
export function intakeIssues(
  deps: Pick<AppDeps, 'districts'>,
  now: Date,
  v: { purchasedOn?: string | undefined; address?: string | undefined; receivedAt?: Date | undefined },
): ProblemIssue[] {
  const issues: ProblemIssue[] = []
  if (v.purchasedOn && /^\d{4}-\d{2}-\d{2}$/.test(v.purchasedOn) && v.purchasedOn > chinaDay(now))
    issues.push(
      issue(
        'body.purchasedOn',
        { zh: '购买日期不能晚于今天', en: 'must not be in the future' },
        'future_date',
      ),
    )
  if (v.receivedAt && v.receivedAt.getTime() > now.getTime())
    issues.push(
      issue(
        'body.receivedAt',
        { zh: '接收时间不能晚于现在', en: 'must not be in the future' },
        'future_time',
      ),
    )
  if (v.address && placeAddress(deps.districts, v.address) === 'outside')
    issues.push(
      issue(
        'body.business.address',
        {
          zh: '经营者地址不在本市：请向其所在地的市场监管部门投诉（全国 12315 平台）',
          en: 'the business is outside the city: complain to the regulator where it is (national 12315 platform)',
        },
        'outside_city',
      ),
    )
  return issues
}

/** A consumer's own submission (public, no account). An identical one within minutes answers the first. */
export function submitComplaint(deps: Deps, ctx: RequestContext, input: PublicComplaintInput) {
  return intake(deps, ctx, { input, channel: 'web', receivedAt: deps.clock.now(), exercise: false })
}

/** A call, letter or visit recorded by staff, with the channel and the time it was received. */
export function recordComplaint(deps: Deps, ctx: RequestContext, input: StaffComplaintInput) {
  const { channel, receivedAt, exercise, ...rest } = input
  return intake(deps, ctx, {
    input: rest,
    channel,
    receivedAt: new Date(receivedAt),
    exercise: exercise ?? false,
  })
}

async function intake(
  deps: Deps,
  ctx: RequestContext,
  spec: Intake,
): Promise<{ tracking: string; code: string; id: string }> {
  const { input } = spec
  const now = deps.clock.now()
  const issues = intakeIssues(deps, now, {
    purchasedOn: input.purchasedOn,
    address: input.business?.address,
    receivedAt: spec.receivedAt,
  })
  const placed = input.business ? placeAddress(deps.districts, input.business.address) : null
  const district = placed === 'outside' ? null : placed
  if (issues.length > 0) throw validationFailed(issues)

  const rules = complaintRules(deps.config)
  // The version is kept so the complaint's clocks follow it to the end, whatever the file becomes.
  await recordComplaintRules(deps.db, deps.config, now)
  const calendar = workingCalendar()
  const clocks = rules.value.clocks[input.kind]
  const decideDue = calendar.deadline(spec.receivedAt, clocks.decide)
  // Reports and enquiries have one clock: the decision (or answer) closes them.
  const closeDue = input.kind === 'complaint' ? null : decideDue
  const contactName = input.contact?.name || null
  const contactPhone = input.contact?.phone ?? null
  const anonymous = contactName === null && contactPhone === null
  const submission =
    spec.channel === 'web'
      ? createHash('sha256')
          .update(JSON.stringify(canonical(input)))
          .digest('hex')
      : null
  const code = newCode()

  const since = new Date(now.getTime() - rules.value.duplicate_minutes * 60_000)
  const addCode = (trx: Transaction<DB>, id: string) =>
    trx
      .updateTable('complaints')
      .set((eb) => ({ code_hashes: eb.fn('array_append', [eb.ref('code_hashes'), eb.val(hashCode(code))]) }))
      .where('id', '=', id)
      .execute()
  // A repeat is answered without a number; checked again under the lock below, for repeats that race.
  const seen = submission === null ? undefined : await recentDuplicate(deps.db, submission, since)
  if (seen) {
    await inTransaction(deps.db, (trx) => addCode(trx, seen.id))
    return { tracking: seen.tracking, code, id: seen.id }
  }
  // The number in a short transaction of its own: the counter row is locked for that only, not for the whole
  // intake (it would serialise every intake of the year). A failed intake leaves a gap in the numbers.
  const year = Number(chinaDay(spec.receivedAt).slice(0, 4))
  const number = await inTransaction(deps.db, (trx) => nextTrackingNumber(trx, year))
  return inTransaction(deps.db, async (trx) => {
    if (submission !== null) {
      await lockKey(trx, `complaint-submission:${submission}`)
      const dup = await recentDuplicate(trx, submission, since)
      if (dup) {
        await addCode(trx, dup.id)
        return { tracking: dup.tracking, code, id: dup.id }
      }
    }
    const tracking = `12315-${year}-${String(number).padStart(7, '0')}`
    const id = crypto.randomUUID()
    const firstRung = rules.value.ladder[0]!
    const businessId = await linkComplaintToBusiness(
      trx,
      input.business ? { name: input.business.name, address: input.business.address, district } : null,
      now,
    )
    await trx
      .insertInto('complaints')
      .values({
        id,
        tracking,
        code_hashes: [hashCode(code)],
        kind: input.kind,
        channel: spec.channel,
        status: 'open',
        received_at: spec.receivedAt,
        district_code: district,
        product_name: input.product?.name ?? null,
        product_brand: input.product?.brand || null,
        product_batch: input.product?.batch || null,
        product_spec: input.product?.spec || null,
        business_name: input.business?.name ?? null,
        business_address: input.business?.address ?? null,
        business_id: businessId,
        purchased_on: input.purchasedOn ?? null,
        amount: input.amount ?? null,
        description: input.description,
        contact_name: contactName,
        contact_phone: contactPhone,
        anonymous,
        decide_due_at: decideDue,
        close_due_at: closeDue,
        rules_hash: rules.hash,
        exercise: spec.exercise,
        submission_hash: submission,
        alarm_clock: 'decide',
        alarm_rung: 0,
        next_alarm_at: calendar.deadline(spec.receivedAt, Math.max(0, clocks.decide + firstRung.at)),
        created_by: actorIdOf(ctx),
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'complaint.received',
      districtCode: district,
      subject: tracking,
      payload: {
        tracking,
        kind: input.kind,
        channel: spec.channel,
        district,
        decideBy: chinaIso(decideDue),
        exercise: spec.exercise,
      },
    })
    await detectSignals(trx, deps, ctx, now, {
      id,
      tracking,
      kind: input.kind,
      receivedAt: spec.receivedAt,
      exercise: spec.exercise,
      district,
      product: input.product ?? null,
      business: input.business ?? null,
      description: input.description,
    })
    return { tracking, code, id }
  })
}

/** The submission as compared for duplicates: what was said, not how it was spelled around it. */
function canonical(input: PublicComplaintInput) {
  return {
    kind: input.kind,
    product: input.product
      ? [input.product.name, input.product.brand ?? '', input.product.batch ?? '', input.product.spec ?? '']
      : null,
    business: input.business ? [input.business.name, input.business.address] : null,
    purchasedOn: input.purchasedOn ?? null,
    amount: input.amount ?? null,
    description: input.description,
    contact: [input.contact?.name ?? '', input.contact?.phone ?? ''],
  }
}
