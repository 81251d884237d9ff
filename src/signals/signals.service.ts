import type { Kysely } from 'kysely'
import { chinaIso } from '../calendar/working-days.js'
import { lockRoot } from '../db/lock.js'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import { inTransaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { assertMay } from '../domain/access.js'
import { actorIdOf, callerOf, type RequestContext } from '../domain/context.js'
import { type Level, levelFromName, levelName } from '../domain/enums.js'
import { invalidState, notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { appendEvent } from '../events/events.repo.js'
import { activateIncident } from '../incidents/incidents.service.js'
import { type SignalSampling, samplingOfSignals } from './signal-sampling.service.js'
import type { ActivateSignalInput, DismissSignalInput, SignalListInput } from './signals.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>

const missing = () => notFound({ zh: '信号不存在', en: 'No such signal' })
const iso = (d: Date | string) => chinaIso(new Date(d))

function signalRows(db: Kysely<DB>) {
  return db.selectFrom('signals').selectAll()
}

async function membersOf(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return new Map<string, Member[]>()
  const rows = await db
    .selectFrom('signal_complaints as s')
    .innerJoin('complaints as c', 'c.id', 's.complaint_id')
    .select([
      's.signal_id',
      'c.id',
      'c.tracking',
      'c.kind',
      'c.district_code',
      'c.received_at',
      'c.product_name',
      'c.business_name',
    ])
    .where('s.signal_id', 'in', ids)
    .orderBy('c.received_at')
    .execute()
  const out = new Map<string, Member[]>()
  for (const r of rows) {
    const list = out.get(r.signal_id) ?? []
    list.push({
      id: r.id,
      tracking: r.tracking,
      kind: r.kind,
      district: r.district_code,
      receivedAt: iso(r.received_at),
      product: r.product_name,
      business: r.business_name,
    })
    out.set(r.signal_id, list)
  }
  return out
}
interface Member {
  id: string
  tracking: string
  kind: string
  district: string | null
  receivedAt: string
  product: string | null
  business: string | null
}

function dto(
  s: Awaited<ReturnType<ReturnType<typeof signalRows>['executeTakeFirstOrThrow']>>,
  members: Member[],
  sampling: SignalSampling | null,
) {
  return {
    id: s.id,
    code: s.code,
    rule: s.rule_id,
    ruleHash: s.rule_hash,
    match: s.match,
    title: s.title,
    status: s.status,
    count: s.complaint_count,
    raisedAt: iso(s.raised_at),
    lastAt: iso(s.last_at),
    dedupUntil: iso(s.dedup_until),
    snoozedUntil: s.snoozed_until ? iso(s.snoozed_until) : null,
    suggested: { playbook: s.suggested_playbook, level: levelName(s.suggested_level) },
    incidentId: s.incident_id,
    dismissReason: s.dismiss_reason,
    exercise: s.exercise,
    sampling,
    complaints: members,
  }
}

export async function findSignals(deps: Deps, ctx: RequestContext, q: SignalListInput) {
  assertMay(callerOf(ctx)!.role, 'readSignals')
  let query = signalRows(deps.db)
  if (q.status) query = query.where('status', '=', q.status)
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, 2)
    query = query.where(afterCursor(['raised_at', 'id'], [String(at), String(id)], 'desc'))
  }
  const rows = await query
    .orderBy('raised_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute()
  const page = pageOf(rows, q.limit, (r) => [new Date(r.raised_at).toISOString(), r.id])
  const ids = page.items.map((s) => s.id)
  const [members, sampling] = await Promise.all([membersOf(deps.db, ids), samplingOfSignals(deps.db, ids)])
  return {
    items: page.items.map((s) => dto(s, members.get(s.id) ?? [], sampling.get(s.id) ?? null)),
    next: page.next,
  }
}

export async function getSignal(deps: Pick<Deps, 'db'>, id: string) {
  const row = isUuid(id) ? await signalRows(deps.db).where('id', '=', id).executeTakeFirst() : undefined
  if (!row) throw missing()
  const [members, sampling] = await Promise.all([membersOf(deps.db, [id]), samplingOfSignals(deps.db, [id])])
  return dto(row, members.get(id) ?? [], sampling.get(id) ?? null)
}

/**
 * Starts the response a signal suggests, in one step: the suggested playbook and level unless overridden,
 * over the districts of its complaints. Idempotent: a signal activated already answers its incident. The
 * incident's note names the signal and its complaints; the signal and each complaint record the incident.
 */
export async function activateSignal(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: ActivateSignalInput,
) {
  assertMay(callerOf(ctx)!.role, 'activateSignal')
  if (!isUuid(id)) throw missing()
  const now = deps.clock.now()
  const result = await inTransaction(deps.db, async (trx) => {
    const s = await lockRoot(trx, 'signals', id)
    if (!s) throw missing()
    if (s.status === 'activated' && s.incident_id) {
      const inc = await trx
        .selectFrom('incidents')
        .select(['id', 'code'])
        .where('id', '=', s.incident_id)
        .executeTakeFirstOrThrow()
      return { incident: inc, created: false }
    }
    if (s.status === 'dismissed')
      throw invalidState({ zh: '信号已驳回，不能据此启动响应', en: 'The signal was dismissed' }, s.status)
    const members = (await membersOf(trx, [id])).get(id) ?? []
    const known = [...new Set(members.flatMap((m) => (m.district ? [m.district] : [])))].sort()
    const districts = input.districts ?? (known.length > 0 ? known : 'all')
    const products = productsOf(members, s)
    const level: Level = input.level ? levelFromName(input.level) : s.suggested_level
    const { incident } = await activateIncident({ ...deps, db: trx }, ctx, {
      playbook: input.playbook ?? s.suggested_playbook,
      level,
      title: input.title ?? s.title.slice(0, 200),
      ...(products.length > 0 && { products }),
      districts,
      exercise: s.exercise,
      note: `来自信号 ${s.code}（${members.length} 件投诉举报：${members.map((m) => m.tracking).join('、')}）`.slice(
        0,
        4000,
      ),
    })
    await trx
      .updateTable('signals')
      .set({ status: 'activated', incident_id: incident.id, decided_at: now, decided_by: actorIdOf(ctx) })
      .where('id', '=', id)
      .execute()
    if (members.length > 0)
      await trx
        .updateTable('complaints')
        .set({ incident_id: incident.id })
        .where(
          'id',
          'in',
          members.map((m) => m.id),
        )
        .execute()
    await appendEvent(trx, ctx, now, {
      type: 'signal.activated',
      incidentId: incident.id,
      subject: s.code,
      payload: {
        code: s.code,
        incidentId: incident.id,
        incidentCode: incident.code,
        playbook: incident.playbook_id,
        level: levelName(incident.level),
        complaints: members.map((m) => m.tracking),
      },
    })
    return { incident: { id: incident.id, code: incident.code }, created: true }
  })
  return { signal: await getSignal(deps, id), incident: result.incident, created: result.created }
}

function productsOf(members: Member[], s: { match: string }) {
  if (s.match !== 'product_batch' && s.match !== 'brand') return []
  const names = [...new Set(members.flatMap((m) => (m.product ? [m.product] : [])))]
  return names.slice(0, 20).map((name) => ({ name }))
}

/** Dismisses a signal with a reason; with `snoozeDays`, matching complaints join it silently meanwhile. */
export async function dismissSignal(deps: Deps, ctx: RequestContext, id: string, input: DismissSignalInput) {
  assertMay(callerOf(ctx)!.role, 'dismissSignal')
  if (!isUuid(id)) throw missing()
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const s = await lockRoot(trx, 'signals', id)
    if (!s) throw missing()
    if (s.status !== 'open')
      throw invalidState(
        { zh: '只有未处理的信号可以驳回', en: 'Only an open signal can be dismissed' },
        s.status,
      )
    const snoozedUntil = input.snoozeDays ? new Date(now.getTime() + input.snoozeDays * 86_400_000) : null
    await trx
      .updateTable('signals')
      .set({
        status: 'dismissed',
        dismiss_reason: input.reason,
        snoozed_until: snoozedUntil,
        // Dismissed: new complaints start a new count (unless snoozed).
        dedup_until: now,
        decided_at: now,
        decided_by: actorIdOf(ctx),
      })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'signal.dismissed',
      subject: s.code,
      payload: { code: s.code, reason: input.reason, snoozedUntil: snoozedUntil ? iso(snoozedUntil) : null },
    })
  })
  return getSignal(deps, id)
}
