import { randomUUID } from 'node:crypto'
import { chinaIso } from '../calendar/working-days.js'
import { lockRoot } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import { inTransaction } from '../db/transaction.js'
import type { DB, IncidentProduct, SamplingTarget } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { assertMay } from '../domain/access.js'
import { actorIdOf, callerOf, type RequestContext } from '../domain/context.js'
import { invalidState, issue, notFound, validationFailed } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { appendEvent } from '../events/events.repo.js'
import { openIncident } from '../incidents/incidents.service.js'
import type { SamplingRequestInput } from './signals.schema.js'

/** The built-in playbook whose district tasks carry a signal's request for sampling. */
export const SAMPLING_PLAYBOOK = 'signal-sampling'
const LEVEL = 4

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>

const missing = () => notFound({ zh: '信号不存在', en: 'No such signal' })

/** The signal's complaints as sampling targets: product and business, never the complainant. */
async function targetsOf(trx: Transaction<DB>, signalId: string): Promise<SamplingTarget[]> {
  const rows = await trx
    .selectFrom('signal_complaints as s')
    .innerJoin('complaints as c', 'c.id', 's.complaint_id')
    .select([
      'c.tracking',
      'c.district_code',
      'c.product_name',
      'c.product_brand',
      'c.product_batch',
      'c.product_spec',
      'c.business_id',
      'c.business_name',
      'c.business_address',
    ])
    .where('s.signal_id', '=', signalId)
    .orderBy('c.received_at')
    .orderBy('c.tracking')
    .execute()
  return rows.map((r) => ({
    district: r.district_code ?? '',
    tracking: r.tracking,
    product: { name: r.product_name, brand: r.product_brand, batch: r.product_batch, spec: r.product_spec },
    business: { id: r.business_id, name: r.business_name, address: r.business_address },
  }))
}

/** The incident's affected products: each named product, brand and batch once (at most 20). */
function productsOf(targets: SamplingTarget[]): IncidentProduct[] {
  const seen = new Set<string>()
  const out: IncidentProduct[] = []
  for (const t of targets) {
    if (!t.product.name) continue
    const key = JSON.stringify([t.product.name, t.product.brand, t.product.batch])
    if (seen.has(key)) continue
    seen.add(key)
    out.push({
      name: t.product.name,
      ...(t.product.brand && { brand: t.product.brand }),
      ...(t.product.batch && { batch: t.product.batch }),
    })
  }
  return out.slice(0, 20)
}

/**
 * A signal's request for sampling (command centre): the districts concerned — those of its complaints, or
 * the given list — each get a sampling task of a level-IV `signal-sampling` incident (the task machinery:
 * acknowledgement, due date, escalation), as a drawn inspection plan opens its `random-inspection` incident.
 * Not announced to the public: complaints are not findings. One request per signal: asking again answers
 * the first. The task shows the signal and the products and businesses to sample; the signal shows the
 * request and its tasks.
 */
export async function requestSignalSampling(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: SamplingRequestInput,
): Promise<{ incident: { id: string; code: string }; created: boolean }> {
  assertMay(callerOf(ctx)!.role, 'requestSignalSampling')
  if (!isUuid(id)) throw missing()
  const unknown = (input.districts ?? []).flatMap((code, i) =>
    deps.districts.has(code)
      ? []
      : [
          issue(
            `body.districts[${i}]`,
            { zh: `未知的区县代码 ${code}`, en: `unknown district code ${code}` },
            'unknown_district',
          ),
        ],
  )
  if (unknown.length > 0) throw validationFailed(unknown)
  const loaded = deps.playbooks.get(SAMPLING_PLAYBOOK)
  if (!loaded) throw new Error(`the built-in playbook ${SAMPLING_PLAYBOOK} is not loaded`)
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const s = await lockRoot(trx, 'signals', id)
    if (!s) throw missing()
    const before = await trx
      .selectFrom('signal_sampling_requests as r')
      .innerJoin('incidents as i', 'i.id', 'r.incident_id')
      .select(['i.id', 'i.code'])
      .where('r.signal_id', '=', id)
      .executeTakeFirst()
    if (before) return { incident: before, created: false }
    if (s.status === 'dismissed')
      throw invalidState({ zh: '信号已驳回，不能据此请求抽检', en: 'The signal was dismissed' }, s.status)
    const targets = await targetsOf(trx, id)
    const known = [...new Set(targets.flatMap((t) => (t.district ? [t.district] : [])))].sort()
    const districts = input.districts ? [...new Set(input.districts)].sort() : known
    if (districts.length === 0)
      throw validationFailed([
        issue(
          'body.districts',
          {
            zh: '信号的投诉举报均未定位到区县，请指定抽检的区县',
            en: 'none of the signal’s complaints is placed in a district: name the districts to sample',
          },
          'required',
        ),
      ])
    const incidentId = randomUUID()
    const trackings = targets.map((t) => t.tracking)
    const { incident, tasks } = await openIncident(trx, deps, ctx, {
      id: incidentId,
      now,
      loaded,
      districts,
      input: {
        playbook: SAMPLING_PLAYBOOK,
        level: LEVEL,
        title: `信号抽检：${s.title}`.slice(0, 200),
        hazard: s.title.slice(0, 500),
        products: productsOf(targets),
        districts,
        exercise: s.exercise,
        note: `来自信号 ${s.code}（${trackings.length} 件投诉举报：${trackings.join('、')}）`.slice(0, 4000),
      },
    })
    await trx
      .insertInto('signal_sampling_requests')
      .values({
        signal_id: id,
        incident_id: incidentId,
        districts,
        targets: JSON.stringify(targets),
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'signal.sampling_requested',
      incidentId,
      subject: s.code,
      payload: {
        code: s.code,
        incidentId,
        incidentCode: incident.code,
        districts,
        taskCount: tasks.length,
        complaints: trackings,
      },
    })
    return { incident: { id: incidentId, code: incident.code }, created: true }
  })
}

/** Each signal's request for sampling, with its incident and tasks (for the signal's own view). */
export async function samplingOfSignals(db: Deps['db'], ids: readonly string[]) {
  const out = new Map<string, SignalSampling>()
  if (ids.length === 0) return out
  const rows = await db
    .selectFrom('signal_sampling_requests as r')
    .innerJoin('incidents as i', 'i.id', 'r.incident_id')
    .select(['r.signal_id', 'r.districts', 'r.created_at', 'i.id', 'i.code'])
    .where('r.signal_id', 'in', [...ids])
    .execute()
  if (rows.length === 0) return out
  const tasks = await db
    .selectFrom('tasks')
    .select(['id', 'incident_id', 'district_code', 'status', 'due_at'])
    .where(
      'incident_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('district_code')
    .orderBy('id')
    .execute()
  for (const r of rows)
    out.set(r.signal_id, {
      incidentId: r.id,
      incidentCode: r.code,
      requestedAt: chinaIso(new Date(r.created_at)),
      districts: r.districts,
      tasks: tasks
        .filter((t) => t.incident_id === r.id)
        .map((t) => ({
          id: t.id,
          district: t.district_code,
          status: t.status,
          dueAt: chinaIso(new Date(t.due_at)),
        })),
    })
  return out
}

export interface SignalSampling {
  incidentId: string
  incidentCode: string
  requestedAt: string
  districts: string[]
  tasks: { id: string; district: string; status: string; dueAt: string }[]
}
