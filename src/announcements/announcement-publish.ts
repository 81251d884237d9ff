import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { consumerAlerts } from '../alerts/publication-alerts.js'
import { businessesOfSamples, reclassify } from '../credit/credit.service.js'
import { lockRoot, lockRows } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { AnnouncementKind, DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { OPEN_TASK_STATUSES } from '../domain/enums.js'
import { appendEvents } from '../events/events.repo.js'
import { openIncident } from '../incidents/incidents.service.js'
import { closeRetractedCases } from '../rectifications/rectification-close.service.js'
import { openRectifications } from '../rectifications/rectification-open.js'
import { taskCancelledEvent } from '../tasks/tasks.events.js'
import { type AnnouncementRow, handOverSamples } from './announcements.repo.js'

export const DISPOSAL_PLAYBOOK = 'unqualified-product-disposal'
const DISPOSAL_LEVEL = 4 // IV 一般

export interface PublishedAnnouncement {
  id: string
  number: string
  title: string
  kind: AnnouncementKind
  refersTo: string | null
  sampleIds: string[]
  failingSampleIds: string[]
  incidentId: string | null
  cancelledTaskIds: string[]
  exercise: boolean
  publishedAt: Date
}

/**
 * What else happens in the publishing transaction. The default is the consumer alerts (one per failing
 * product, src/alerts/publication-alerts.ts); a later module (the board) may add to it.
 */
export interface PublicationHooks {
  onPublished(trx: Transaction<DB>, ctx: RequestContext, published: PublishedAnnouncement): Promise<void>
}

type Deps = Pick<AppDeps, 'config' | 'playbooks' | 'districts'>

interface SampleFacts {
  id: string
  no: string
  district_code: string
  food_name: string
  brand: string | null
  batch: string | null
  producer_name: string | null
  verdict: string
}

async function samplesOf(trx: Kysely<DB>, announcementId: string): Promise<SampleFacts[]> {
  return trx
    .selectFrom('announcement_samples as l')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .select([
      's.id',
      's.no',
      's.district_code',
      's.food_name',
      's.brand',
      's.batch',
      's.producer_name',
      's.verdict',
    ])
    .where('l.announcement_id', '=', announcementId)
    .orderBy('l.position')
    .execute()
}

/**
 * Opens the level-IV disposal incident for failing samples: tasks only in the districts where they were
 * taken, each task linked to its district's samples.
 */
async function openDisposal(
  trx: Transaction<DB>,
  deps: Deps,
  ctx: RequestContext,
  a: AnnouncementRow,
  failing: SampleFacts[],
  now: Date,
): Promise<string | null> {
  if (failing.length === 0) return null
  const loaded = deps.playbooks.get(DISPOSAL_PLAYBOOK)
  if (!loaded) throw new Error(`the built-in playbook ${DISPOSAL_PLAYBOOK} is not loaded`)
  const districts = [...new Set(failing.map((s) => s.district_code))].sort()
  const id = randomUUID()
  const { tasks } = await openIncident(trx, deps, ctx, {
    id,
    now,
    loaded,
    districts,
    input: {
      playbook: DISPOSAL_PLAYBOOK,
      level: DISPOSAL_LEVEL,
      title: `不合格食品核查处置：${a.number}`,
      hazard: `${a.title}（${failing.length} 批次不合格）`,
      products: failing.map((s) => ({
        name: s.food_name,
        ...(s.brand ? { brand: s.brand } : {}),
        ...(s.batch ? { batch: s.batch } : {}),
        ...(s.producer_name ? { maker: s.producer_name } : {}),
      })),
      districts,
      exercise: a.exercise,
      note: `公告 ${a.number} / announcement ${a.id}`,
    },
    announcement: { id: a.id, number: a.number },
  })
  const links = tasks.flatMap((t) =>
    failing
      .filter((s) => s.district_code === t.district_code)
      .map((s) => ({ task_id: t.id, sample_id: s.id, announcement_id: a.id })),
  )
  for (let i = 0; i < links.length; i += 5000)
    await trx
      .insertInto('disposal_task_samples')
      .values(links.slice(i, i + 5000))
      .execute()
  return id
}

/**
 * Cancels the open disposal tasks about `samples` that none of `justified` still supports: after a
 * retraction nothing does; after a correction, the correction's failing samples do.
 */
async function cancelUnjustified(
  trx: Transaction<DB>,
  ctx: RequestContext,
  samples: string[],
  justified: string[],
  reason: string,
  now: Date,
): Promise<string[]> {
  if (samples.length === 0) return []
  let candidates = trx
    .selectFrom('disposal_task_samples as d')
    .innerJoin('tasks as t', 't.id', 'd.task_id')
    .select(['t.id', 't.incident_id'])
    .distinct()
    .where('d.sample_id', 'in', samples)
    .where('t.status', 'in', [...OPEN_TASK_STATUSES, 'declined'])
  if (justified.length > 0)
    candidates = candidates.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('disposal_task_samples as j')
            .select('j.task_id')
            .whereRef('j.task_id', '=', 't.id')
            .where('j.sample_id', 'in', justified),
        ),
      ),
    )
  const found = await candidates.execute()
  if (found.length === 0) return []
  const ids = found.map((r) => r.id)
  // Changing an incident's tasks takes the incident's lock first (db/lock.ts), as closing it does.
  const incidents = await lockRows(trx, 'incidents', [...new Set(found.map((r) => r.incident_id))])
  const exercise = new Map(incidents.map((i) => [i.id, i.exercise]))
  const cancelled = await trx
    .updateTable('tasks')
    .set({
      status: 'cancelled',
      cancelled_at: now,
      cancel_reason: reason,
      next_escalation_at: null,
      updated_at: now,
    })
    .where('id', 'in', ids)
    .where('status', 'in', [...OPEN_TASK_STATUSES, 'declined'])
    .returning(['id', 'incident_id', 'district_code', 'step_key'])
    .execute()
  await appendEvents(
    trx,
    ctx,
    now,
    cancelled.map((t) => taskCancelledEvent(t.incident_id, t, reason, exercise.get(t.incident_id) ?? false)),
  )
  return cancelled.map((t) => t.id)
}

/** Who publishes: the caller, or the approver the publication job acts for. */
const publisherOf = (ctx: RequestContext, a: AnnouncementRow) => actorIdOf(ctx) ?? a.approved_by

/**
 * Publishes an approved announcement inside the caller's transaction (the row is locked by the caller):
 * the announcement and its samples become public, the disposal incident opens, a correction or retraction
 * supersedes its original and cancels the disposal tasks it no longer justifies, and the
 * `announcement.published` event is written — all or nothing.
 */
export async function publishAnnouncement(
  trx: Transaction<DB>,
  deps: Deps,
  ctx: RequestContext,
  a: AnnouncementRow,
  now: Date,
  hooks: PublicationHooks = consumerAlerts(deps.districts),
): Promise<PublishedAnnouncement> {
  const samples = await samplesOf(trx, a.id)
  const sampleIds = samples.map((s) => s.id)
  const failing = a.kind === 'retraction' ? [] : samples.filter((s) => s.verdict === 'fail')
  let incidentId: string | null = null
  let cancelledTaskIds: string[] = []
  // Samples whose standing changes here: their businesses' credit classes are recomputed below.
  let affected = sampleIds
  // The samples of the announcement a correction or retraction revises.
  let revisedIds: string[] = []

  if (a.kind === 'original') {
    // Its samples next, in id order as drafting takes them (db/lock.ts), before they are made public.
    await lockRows(trx, 'samples', sampleIds)
    incidentId = await openDisposal(trx, deps, ctx, a, failing, now)
    if (sampleIds.length > 0)
      await trx.updateTable('samples').set({ public: true }).where('id', 'in', sampleIds).execute()
  } else if (a.refers_to) {
    // The revision is locked by the caller; the announcement it revises next, before its samples.
    await lockRoot(trx, 'announcements', a.refers_to)
    const original = await samplesOf(trx, a.refers_to)
    const originalIds = original.map((s) => s.id)
    revisedIds = originalIds
    affected = [...sampleIds, ...originalIds]
    await lockRows(trx, 'samples', [...new Set([...sampleIds, ...originalIds])])
    await handOverSamples(trx, a, a.refers_to)
    const keep = new Set(a.kind === 'correction' ? sampleIds : [])
    const dropped = originalIds.filter((id) => !keep.has(id))
    if (dropped.length > 0)
      await trx.updateTable('samples').set({ public: false }).where('id', 'in', dropped).execute()
    if (a.kind === 'correction' && sampleIds.length > 0)
      await trx.updateTable('samples').set({ public: true }).where('id', 'in', sampleIds).execute()
    await trx
      .updateTable('announcements')
      .set({
        superseded: a.kind === 'correction' ? 'corrected' : 'retracted',
        superseded_by: a.id,
        updated_at: now,
      })
      .where('id', '=', a.refers_to)
      .execute()
    const reason =
      a.kind === 'correction'
        ? `更正公告 ${a.number} / corrected by ${a.number}`
        : `撤回公告 ${a.number} / retracted by ${a.number}`
    cancelledTaskIds = await cancelUnjustified(
      trx,
      ctx,
      originalIds,
      failing.map((s) => s.id),
      reason,
      now,
    )
    // Failures the original did not announce get their own disposal.
    const known = new Set(original.filter((s) => s.verdict === 'fail').map((s) => s.id))
    incidentId = await openDisposal(
      trx,
      deps,
      ctx,
      a,
      failing.filter((s) => !known.has(s.id)),
      now,
    )
  }

  await trx
    .updateTable('announcements')
    .set({
      status: 'published',
      published_at: now,
      // The publication job acts for the approver who scheduled it.
      published_by: publisherOf(ctx, a),
      incident_id: incidentId,
      updated_at: now,
    })
    .where('id', '=', a.id)
    .execute()
  const published: PublishedAnnouncement = {
    id: a.id,
    number: a.number,
    title: a.title,
    kind: a.kind,
    refersTo: a.refers_to,
    sampleIds,
    failingSampleIds: failing.map((s) => s.id),
    incidentId,
    cancelledTaskIds,
    exercise: a.exercise,
    publishedAt: now,
  }
  await appendEvents(trx, ctx, now, [
    {
      type: 'announcement.published',
      incidentId,
      subject: a.number,
      payload: {
        announcementId: a.id,
        number: a.number,
        kind: a.kind,
        refersTo: a.refers_to,
        sampleIds,
        failingSampleIds: published.failingSampleIds,
        incidentId,
        cancelledTaskIds,
        exercise: a.exercise,
      },
    },
  ])
  await hooks.onPublished(trx, ctx, published)
  // 撤回: the cases the retracted announcement's publication opened close (公告已撤回), before the classes
  // of the businesses concerned are recomputed.
  const closedFor =
    a.kind === 'retraction' && a.refers_to
      ? await closeRetractedCases(
          trx,
          ctx,
          { announcementId: a.refers_to, sampleIds: revisedIds, number: a.number, by: publisherOf(ctx, a) },
          now,
        )
      : []
  const businesses = [...new Set([...(await businessesOfSamples(trx, affected)), ...closedFor])]
  await reclassify(trx, businesses, now, `announcement ${a.number}`)
  // 整改: one case per failing sample's seller (and producer in the city); a drill opens none.
  if (!a.exercise) await openRectifications(trx, deps, ctx, a.id, published.failingSampleIds, now)
  return published
}
