import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AnnouncementStatus } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { itemsOf, selectSample } from '../samples/samples.repo.js'
import { sampleDto } from '../samples/samples.schema.js'
import { districtNameOf } from '../samples/samples.service.js'
import {
  type AnnouncementRow,
  findAnnouncement,
  listAnnouncements,
  sampleNosOf,
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
