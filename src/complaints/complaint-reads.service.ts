import { timingSafeEqual } from 'node:crypto'
import { chinaIso } from '../calendar/working-days.js'
import type { AppDeps } from '../deps.js'
import { districtScopeOf, type RequestContext } from '../domain/context.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { complaintMissing } from './complaint-access.js'
import { hashCode } from './complaint-intake.service.js'
import { complaintRules } from './complaint-rules.js'
import { complaintDto, TIMELINE_TEXT } from './complaint-view.js'
import { complaintEvents, findByTracking, findComplaint, listComplaints } from './complaints.repo.js'
import type { ComplaintListInput, Outcome } from './complaints.schema.js'

type Deps = Pick<AppDeps, 'db' | 'config' | 'districts'>

const wrongCode = () =>
  notFound({ zh: '没有与此查询码相符的投诉举报', en: 'No complaint with this tracking number and code' })

function codeMatches(hashes: string[], code: string): boolean {
  const h = Buffer.from(hashCode(code.trim().toUpperCase()), 'hex')
  let ok = false
  for (const x of hashes) if (timingSafeEqual(Buffer.from(x, 'hex'), h)) ok = true
  return ok
}

/**
 * What the consumer sees with the tracking number and the check code: status, deadlines, the timeline and
 * the outcome; no personal data, no officer names. A wrong code is the same 404 as an unknown number.
 */
export async function publicStatus(deps: Deps, tracking: string, code: string) {
  const row = /^12315-\d{4}-\d{7}$/.test(tracking) ? await findByTracking(deps.db, tracking) : undefined
  if (!row || !codeMatches(row.code_hashes, code)) throw wrongCode()
  const names = new Map(deps.districts.items.map((d) => [d.code, d.nameZh]))
  const reasons = new Map(complaintRules(deps.config).value.decline_reasons.map((r) => [r.code, r.text]))
  const events = await complaintEvents(deps.db, tracking)
  return {
    tracking: row.tracking,
    kind: row.kind,
    status: row.status,
    receivedAt: chinaIso(new Date(row.received_at)),
    district: row.district_code ? (names.get(row.district_code) ?? row.district_code) : null,
    deadlines: {
      decideBy: chinaIso(new Date(row.decide_due_at)),
      closeBy: row.close_due_at ? chinaIso(new Date(row.close_due_at)) : null,
    },
    timeline: events.flatMap((e) => {
      const text = TIMELINE_TEXT[e.type]
      return text ? [{ type: e.type, at: chinaIso(new Date(e.created_at)), text }] : []
    }),
    decision: row.decision,
    declineReasons: (row.decline_reasons ?? []).map((c) => ({
      code: c,
      text: reasons.get(c) ?? { zh: c, en: c },
    })),
    outcome: row.outcome as Outcome | null,
    recovered: row.recovered,
  }
}
export type PublicStatus = Awaited<ReturnType<typeof publicStatus>>

/** One complaint for staff: its district and the command centre, with the contact in full. */
export async function getComplaint(deps: Deps, ctx: RequestContext, id: string) {
  const row = isUuid(id) ? await findComplaint(deps.db, id) : undefined
  const scope = districtScopeOf(ctx)
  if (!row || (scope !== undefined && row.district_code !== scope)) throw complaintMissing()
  return complaintDto(row, 'full')
}

/** A district's complaints (the command centre: all, or a district, or the city queue); contacts masked. */
export async function findComplaints(deps: Deps, ctx: RequestContext, q: ComplaintListInput) {
  const scope = districtScopeOf(ctx)
  const actorId = ctx.actor && 'id' in ctx.actor ? ctx.actor.id : undefined
  const page = await listComplaints(deps.db, {
    limit: q.limit,
    cursor: q.cursor,
    status: q.status,
    kind: q.kind,
    district: scope ?? q.district,
    cityQueue: scope === undefined && q.queue === 'city',
    owner: q.mine === 'true' ? actorId : undefined,
  })
  return { items: page.items.map((r) => complaintDto(r, 'masked')), next: page.next }
}
