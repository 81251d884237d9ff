import { createHash, randomBytes } from 'node:crypto'
import { businessOfComplaint, linkComplaintToBusiness } from '../businesses/business-links.js'
import { chinaDay, chinaIso } from '../calendar/working-days.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { issue, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { detectSignals, signalKeysOf } from '../signals/signal-detector.js'
import { workingCalendar } from './complaint-clock.js'
import { lockAndNumber, writeIntake, yearBase } from './complaint-intake.repo.js'
import { placeAddress } from './complaint-routing.js'
import { complaintRules, recordComplaintRules } from './complaint-rules.js'
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
  const placed = input.business ? placeAddress(deps.districts, input.business.address) : null
  const issues = intakeIssues(deps, now, {
    purchasedOn: input.purchasedOn,
    address: input.business?.address,
    receivedAt: spec.receivedAt,
  })
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
  const code = newCode()
  const codeHash = hashCode(code)
  const submission =
    spec.channel === 'web'
      ? {
          hash: createHash('sha256')
            .update(JSON.stringify(canonical(input)))
            .digest('hex'),
          since: new Date(now.getTime() - rules.value.duplicate_minutes * 60_000),
          codeHash,
        }
      : null
  const year = Number(chinaDay(spec.receivedAt).slice(0, 4))
  const base = await yearBase(deps.db, year)
  const id = crypto.randomUUID()
  const matchable = {
    kind: input.kind,
    product: input.product ?? null,
    business: input.business ?? null,
    description: input.description,
    exercise: spec.exercise,
  }
  const keys = signalKeysOf(deps, matchable)
  const business = input.business
    ? businessOfComplaint({ name: input.business.name, address: input.business.address, district })
    : null
  const firstRung = rules.value.ladder[0]!

  return inTransaction(deps.db, async (trx) => {
    // An identical submission is looked for under its lock (repeats racing each other wait here), and the
    // signal keys' locks are taken with it, in one fixed order: the submission's, then the keys'.
    const locks = submission ? [`complaint-submission:${submission.hash}`, ...keys.locks] : keys.locks
    const number = await lockAndNumber(trx, locks, base)
    const tracking = `12315-${year}-${String(number).padStart(7, '0')}`
    const written = await writeIntake(trx, ctx, now, {
      submission,
      complaint: {
        id,
        tracking,
        code_hashes: [codeHash],
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
        purchased_on: input.purchasedOn ?? null,
        amount: input.amount ?? null,
        description: input.description,
        contact_name: contactName,
        contact_phone: contactPhone,
        anonymous: contactName === null && contactPhone === null,
        decide_due_at: decideDue,
        close_due_at: closeDue,
        rules_hash: rules.hash,
        exercise: spec.exercise,
        submission_hash: submission?.hash ?? null,
        alarm_clock: 'decide',
        alarm_rung: 0,
        next_alarm_at: calendar.deadline(spec.receivedAt, Math.max(0, clocks.decide + firstRung.at)),
        created_by: actorIdOf(ctx),
      },
      business,
      keys: keys.pairs,
      received: {
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
      },
    })
    // A repeat is answered with the first one's number; the number drawn above is left unused.
    if (written.repeat) return { tracking: written.tracking, code, id: written.id }
    if (business && written.businessId === null) await linkLate(trx, id, business, now)
    await detectSignals(
      trx,
      ctx,
      now,
      { ...matchable, id, tracking, receivedAt: spec.receivedAt, district },
      keys,
    )
    return { tracking, code, id }
  })
}

/**
 * The business when another intake added it while this statement ran (its snapshot predates that commit, and
 * the insert found the row taken): looked up again, now that it is visible. Rare; two statements.
 */
async function linkLate(
  trx: Transaction<DB>,
  id: string,
  b: NonNullable<ReturnType<typeof businessOfComplaint>>,
  now: Date,
) {
  const businessId = await linkComplaintToBusiness(
    trx,
    { name: b.name, address: b.address, district: b.district_code },
    now,
  )
  await trx.updateTable('complaints').set({ business_id: businessId }).where('id', '=', id).execute()
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
