import { sql } from 'kysely'
import type { AppDeps } from '../deps.js'
import type { EventPayload } from '../events/event-types.js'
import type { ReadEvent } from '../events/events.read.js'
import type { LoopJob } from '../jobs/job-registry.js'
import { BOARD_MAX_PRODUCTS } from './board-content.js'
import { type RefreshResult, refreshBoards } from './board-refresh.js'

/** What a batch of committed events asks of the boards: whole districts, single retailers, or all. */
interface Touched {
  all: boolean
  districts: Set<string>
  retailers: Set<string>
  announcements: Set<string>
  alerts: Set<string>
  /** A failing product came or went: boards that fill up with the city's products may show it. */
  cityList: boolean
}

const empty = (): Touched => ({
  all: false,
  districts: new Set(),
  retailers: new Set(),
  announcements: new Set(),
  alerts: new Set(),
  cityList: false,
})

/** Adds what `from` touches to `into` (work handed back after a failed run). */
function merge(into: Touched, from: Touched) {
  into.all ||= from.all
  into.cityList ||= from.cityList
  for (const k of ['districts', 'retailers', 'announcements', 'alerts'] as const)
    for (const v of from[k]) into[k].add(v)
}

/** How often the job polls: how long a failed run (the database away) waits before it tries its work again. */
const RETRY_MS = 1000

function collect(t: Touched, batch: ReadEvent[]) {
  for (const { event: e } of batch) {
    if (e.type === 'announcement.published') {
      const p = e.payload as EventPayload<'announcement.published'>
      if (p.exercise) continue
      t.announcements.add(p.announcementId)
      if (p.refersTo) t.announcements.add(p.refersTo)
    } else if (e.type === 'alert.issued' || e.type === 'alert.updated' || e.type === 'alert.cancelled') {
      const p = e.payload as EventPayload<'alert.issued'>
      if (!p.exercise) t.alerts.add(p.alertId)
    } else if (e.type === 'retailer.registered' || e.type === 'retailer.updated') {
      t.retailers.add((e.payload as EventPayload<'retailer.updated'>).retailerId)
    }
  }
}

/**
 * Resolves what the events touch into boards: a publication (or the correction or retraction of one) touches
 * the districts its samples were taken in, the retailers they were taken at, and the boards that show the
 * city's products because their own and their district's do not fill them; an alert touches the districts
 * it covers (none listed: the whole city). The city-wide pass rate on every other board follows on the
 * scheduled refresh, so one publication does not rewrite every board in the city within seconds.
 */
async function resolve(deps: Pick<AppDeps, 'db'>, t: Touched) {
  if (t.announcements.size > 0) {
    const ids = [...t.announcements]
    const rows = await deps.db
      .selectFrom('announcement_samples as l')
      .innerJoin('samples as s', 's.id', 'l.sample_id')
      .leftJoin('retailer_samples as r', 'r.sample_id', 's.id')
      .select(['s.district_code', 'r.retailer_id', 's.verdict'])
      .where('l.announcement_id', 'in', ids)
      .execute()
    for (const r of rows) {
      t.districts.add(r.district_code)
      if (r.retailer_id) t.retailers.add(r.retailer_id)
      if (r.verdict === 'fail') t.cityList = true
    }
  }
  if (t.alerts.size > 0) {
    const rows = await deps.db
      .selectFrom('alerts')
      .select('districts')
      .where('id', 'in', [...t.alerts])
      .execute()
    for (const r of rows) {
      if (r.districts.length === 0) t.all = true
      for (const d of r.districts) t.districts.add(d)
    }
  }
  if (t.cityList && !t.all) {
    const rows = await deps.db
      .selectFrom('boards')
      .select('retailer_id')
      .where(
        sql<boolean>`jsonb_array_length(content->'failingProducts') < ${BOARD_MAX_PRODUCTS}
          or content->'failingProducts' @> '[{"scope":"city"}]'::jsonb`,
      )
      .execute()
    for (const r of rows) t.retailers.add(r.retailer_id)
  }
}

/** Work handed over by the bus and not yet done, per bus (one per process; tests make one per app). */
const pendingOf = new WeakMap<object, Touched>()
function pending(deps: Pick<AppDeps, 'events'>): Touched {
  let t = pendingOf.get(deps.events)
  if (!t) {
    t = empty()
    pendingOf.set(deps.events, t)
  }
  return t
}

export const BOARD_EVENTS_JOB = 'board-events'

/**
 * The event consumer, a loop job like every other: within moments of a publication, retraction, alert or
 * retailer change, recomputes only the boards it touches. The scheduler hands it each batch of committed
 * events (`onEvents`) and polls it at once; a run that refreshed something is recorded in `job_runs` and
 * listed by `GET /api/v1/jobs`. Every instance runs one (the bus delivers every event to every instance);
 * board writes are serialised and skip a board already at the same inputs, so each change makes one version.
 * A run the database cut off keeps its work (the events will not come again) and fails; the next poll, a
 * second later, does it.
 */
export const boardEventsJob: LoopJob = {
  name: BOARD_EVENTS_JOB,
  kind: 'loop',
  everyMs: () => RETRY_MS,
  wakeOnEvents: true,
  description:
    'Recompute the retailer boards that committed events touch (publications, alerts, retailer changes), within moments',
  onEvents: (deps, batch) => collect(pending(deps), batch),
  run: async (deps) => {
    const t = pending(deps)
    if (t.announcements.size + t.alerts.size + t.retailers.size === 0) return { worked: false }
    pendingOf.set(deps.events, empty())
    try {
      await resolve(deps, t)
      const results: RefreshResult[] = []
      if (t.all) results.push(await refreshBoards(deps, { all: true }))
      else {
        if (t.districts.size > 0) results.push(await refreshBoards(deps, { districts: [...t.districts] }))
        const rest = [...t.retailers]
        if (rest.length > 0) results.push(await refreshBoards(deps, { retailers: rest }))
      }
      return {
        worked: true,
        result: {
          boards: results.reduce((n, r) => n + r.boards, 0),
          changed: results.reduce((n, r) => n + r.changed, 0),
        },
      }
    } catch (err) {
      // The events were read once and will not come again: keep their work for the next poll.
      merge(pending(deps), t)
      throw err
    }
  },
}
