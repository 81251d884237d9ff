import { capTime, publicItem } from '../alerts/alert-content.js'
import { publicStats } from '../announcements/announcement-stats.js'
import {
  announcementPage,
  announcementSamples,
  readAnnouncement,
} from '../announcements/announcements.read.js'
import { cityYear, yearOf } from '../complaints/complaint-figures.js'
import type { AppDeps } from '../deps.js'
import { AppError } from '../domain/errors.js'
import { districtNameOf } from '../samples/samples.service.js'
import type {
  AnnouncementDetail,
  AnnouncementPagesSource,
  AnnouncementSummary,
} from './announcement-pages.js'
import {
  datesIn,
  type IncidentWords,
  rankOf,
  type SearchEntry,
  type SearchHit,
  type SearchSource,
  searchText,
} from './search.js'

type Deps = Pick<AppDeps, 'db' | 'districts' | 'clock'>

/**
 * Published samples (passed and failed) for search, each under the announcement that currently stands for
 * it: a retracted announcement's samples are no longer public, a correction's replace its original's.
 * Failed first, then newest; exercise announcements' samples are marked, like drill alerts.
 */
export function publishedSampleSearch(deps: Pick<AppDeps, 'db'>): SearchSource {
  return {
    async entries(): Promise<SearchEntry[]> {
      const rows = await deps.db
        .selectFrom('samples as s')
        .innerJoin('announcement_samples as l', 'l.sample_id', 's.id')
        .innerJoin('announcements as a', 'a.id', 'l.announcement_id')
        .select([
          's.id',
          's.food_name',
          's.brand',
          's.batch',
          's.producer_name',
          's.unit_name',
          's.category',
          's.verdict',
          'a.id as announcement_id',
          'a.number',
          'a.exercise',
          'a.published_at',
        ])
        .where('s.public', '=', true)
        .where('a.status', '=', 'published')
        .where('a.superseded', 'is', null)
        .where('a.kind', '!=', 'retraction')
        .execute()
      const failed = rows.filter((r) => r.verdict === 'fail').map((r) => r.id)
      const items = new Map<string, ReturnType<typeof publicItem>[]>()
      if (failed.length > 0) {
        const found = await deps.db
          .selectFrom('sample_items')
          .select(['sample_id', 'name', 'result', 'limit_value', 'unit'])
          .where('sample_id', 'in', failed)
          .where('verdict', '=', 'fail')
          .orderBy('sample_id')
          .orderBy('position')
          .execute()
        for (const i of found) items.set(i.sample_id, [...(items.get(i.sample_id) ?? []), publicItem(i)])
      }
      return rows.map((r) => {
        const at = r.published_at ?? new Date(0)
        const failing = items.get(r.id) ?? []
        const hit: SearchHit = {
          kind: 'sample',
          verdict: r.verdict === 'fail' ? 'failed' : 'passed',
          exercise: r.exercise,
          ended: false,
          productName: r.food_name,
          brand: r.brand,
          batch: r.batch,
          producer: r.producer_name,
          unitName: r.unit_name,
          category: r.category,
          items: failing,
          reason: null,
          date: capTime(at),
          reference: r.number,
          alertId: null,
          url: `/announcements/${r.announcement_id}`,
        }
        return {
          text: searchText(
            r.food_name,
            r.brand,
            r.batch,
            r.producer_name,
            r.unit_name,
            r.category,
            ...failing.map((i) => i.name),
            ...datesIn(r.batch),
          ),
          rank: rankOf(hit),
          time: at.getTime(),
          sampleId: r.id,
          hit,
        }
      })
    },
  }
}

/**
 * The words an incident adds to its alert's search hits: its title and hazard, and its playbook's hazard
 * and name (苏丹红 finds the Sudan Red incident's products and notice).
 */
export async function incidentWords(deps: Pick<AppDeps, 'db' | 'playbooks'>): Promise<IncidentWords> {
  const rows = await deps.db
    .selectFrom('incidents')
    .select(['id', 'title', 'hazard', 'playbook_id'])
    .execute()
  return new Map(
    rows.map((r) => {
      const pb = deps.playbooks.get(r.playbook_id)?.playbook
      return [r.id, [r.title, r.hazard, pb?.hazard.zh, pb?.hazard.en, pb?.name.zh, pb?.name.en]]
    }),
  )
}

const summary = (a: {
  id: string
  number: string
  title: string
  kind: AnnouncementSummary['kind']
  publishedAt: string | null
  sampleNos: string[]
  failingCount: number
}): AnnouncementSummary => ({
  id: a.id,
  number: a.number,
  title: a.title,
  kind: a.kind,
  publishedAt: a.publishedAt ?? '',
  sampleCount: a.sampleNos.length,
  failedCount: a.failingCount,
})

/** How many announcements the public list shows (newest first). */
const LIST_SIZE = 100

/** The announcement and statistics pages over the published announcements (public reads). */
export function announcementPagesSource(deps: Deps): AnnouncementPagesSource {
  return {
    async list() {
      const page = await announcementPage(deps, { limit: LIST_SIZE }, true)
      return page.items.map(summary)
    },
    async get(id) {
      let a: Awaited<ReturnType<typeof readAnnouncement>>
      try {
        a = await readAnnouncement(deps, id, true)
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return undefined
        throw err
      }
      const { rows, items } = await announcementSamples(deps, a.id)
      const detail: AnnouncementDetail = {
        ...summary({
          id: a.id,
          number: a.number,
          title: a.title,
          kind: a.kind,
          publishedAt: a.published_at?.toISOString() ?? null,
          sampleNos: rows.map((r) => r.no),
          failingCount: rows.filter((r) => r.verdict === 'fail').length,
        }),
        csvUrl: `/api/v1/public/announcements/${a.id}.csv`,
        rows: rows.map((r) => ({
          sampleId: r.id,
          producer: r.producer_name ?? '',
          producerAddress: r.producer_address ?? '',
          unitName: r.unit_name,
          unitAddress: r.unit_address,
          foodName: r.food_name,
          spec: r.spec ?? '',
          brand: r.brand ?? '',
          batch: r.batch ?? '',
          failingItems: (items.get(r.id) ?? []).filter((i) => i.verdict === 'fail').map(publicItem),
          category: r.category,
          lab: r.lab ?? '',
          note: r.remarks ?? '',
        })),
      }
      return detail
    },
    async stats() {
      const s = await publicStats(deps.db, districtNameOf(deps.districts))
      const complaints = await cityYear(deps.db, yearOf(deps.clock.now()))
      const rate = (label: string, f: { samples: number; failed: number }) => ({
        label,
        tested: f.samples,
        passed: f.samples - f.failed,
      })
      return {
        periods: s.byPeriod.map((p) => rate(p.period, p)),
        byCategory: s.byCategory.map((c) => rate(c.category, c)),
        byDistrict: s.byDistrict.map((d) => rate(d.name, d)),
        complaints,
      }
    },
  }
}
