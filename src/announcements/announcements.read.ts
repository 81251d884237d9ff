import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AnnouncementStatus } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { itemsOf, listSamples, type SampleFilter, selectSample } from '../samples/samples.repo.js'
import { sampleDto } from '../samples/samples.schema.js'
import { districtNameOf } from '../samples/samples.service.js'
import {
  type AnnouncementRow,
  findAnnouncement,
  listAnnouncements,
  sampleNosOf,
  samplesOfImport,
  takenSamples as takenIds,
} from './announcements.repo.js'
import { announcementDto } from './announcements.schema.js'

type Deps = Pick<AppDeps, 'db' | 'districts'>

const missing = () => notFound({ zh: '公告不存在', en: 'No such announcement' })

/** The announcement, or 404; `publicOnly` hides everything not yet published. */
export async function readAnnouncement(
  deps: Deps,
  id: string,
  publicOnly: boolean,
): Promise<AnnouncementRow> {
  const a = isUuid(id) ? await findAnnouncement(deps.db, id) : undefined
  if (!a || (publicOnly && a.status !== 'published')) throw missing()
  return a
}

export async function announcementSamples(deps: Deps, id: string) {
  const rows = await selectSample(deps.db)
    .innerJoin('announcement_samples as l', 'l.sample_id', 'samples.id')
    .where('l.announcement_id', '=', id)
    .orderBy('l.position')
    .execute()
  const items = await itemsOf(
    deps.db,
    rows.map((r) => r.id),
  )
  return { rows, items }
}

export async function announcementDetail(deps: Deps, id: string, publicOnly: boolean) {
  const a = await readAnnouncement(deps, id, publicOnly)
  const { rows, items } = await announcementSamples(deps, a.id)
  const name = districtNameOf(deps.districts)
  const samples = rows.map((r) => sampleDto(r, items.get(r.id) ?? [], name))
  return {
    ...announcementDto(a, {
      nos: rows.map((r) => r.no),
      failing: rows.filter((r) => r.verdict === 'fail').length,
    }),
    samples,
  }
}

export async function announcementById(deps: Deps, id: string) {
  const a = await readAnnouncement(deps, id, false)
  const counts = await sampleNosOf(deps.db, [a.id])
  return announcementDto(a, counts.get(a.id) ?? { nos: [], failing: 0 })
}

export async function announcementPage(
  deps: Deps,
  q: { status?: AnnouncementStatus | undefined; cursor?: string | undefined; limit: number },
  publicOnly: boolean,
) {
  const after = q.cursor ? decodeCursor(q.cursor, 2) : undefined
  const rows = await listAnnouncements(deps.db, { status: q.status, publicOnly, after, limit: q.limit })
  const counts = await sampleNosOf(
    deps.db,
    rows.slice(0, q.limit).map((r) => r.id),
  )
  return pageOf(
    rows,
    q.limit,
    (r) => [r.created_at.toISOString(), r.id],
    (r) => announcementDto(r, counts.get(r.id) ?? { nos: [], failing: 0 }),
  )
}

/** Samples already in a standing announcement: what a draft may not take. */
export { takenSamples } from './announcements.repo.js'

/** The most samples one draft takes (as many as `sampleNos` may list). */
export const DRAFT_MAX_SAMPLES = 10_000

/**
 * The samples a sample-list filter matches (the list's own query, read in pages), split into those a draft
 * may take and those another announcement holds. Reads at most one past `DRAFT_MAX_SAMPLES`, so `total`
 * above the cap says "too many" without reading them all.
 */
export async function samplesMatching(
  db: AppDeps['db'],
  filter: Omit<SampleFilter, 'after' | 'limit'> | { importId: string },
  except: (string | null)[] = [],
): Promise<{ total: number; free: { id: string; no: string }[]; taken: number }> {
  const found: { id: string; no: string }[] =
    'importId' in filter ? await samplesOfImport(db, filter.importId, DRAFT_MAX_SAMPLES + 1) : []
  let after: string[] | undefined
  while (!('importId' in filter) && found.length <= DRAFT_MAX_SAMPLES) {
    const rows = await listSamples(db, { ...filter, after, limit: 1000 })
    found.push(...rows.slice(0, 1000).map((r) => ({ id: r.id, no: r.no })))
    if (rows.length <= 1000) break
    after = [rows[999]!.no]
  }
  const total = found.length
  if (total > DRAFT_MAX_SAMPLES) return { total, free: [], taken: 0 }
  const held = await takenIds(
    db,
    found.map((s) => s.id),
    except,
  )
  return { total, free: found.filter((s) => !held.has(s.id)), taken: held.size }
}
