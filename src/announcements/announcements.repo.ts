import type { Kysely } from 'kysely'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { Transaction } from '../db/transaction.js'
import type { AnnouncementStatus, DB } from '../db/types.js'

export type AnnouncementRow = Awaited<ReturnType<typeof findAnnouncement>> & {}

export function findAnnouncement(db: Kysely<DB>, id: string) {
  return db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function sampleIdsOf(db: Kysely<DB>, announcementId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('announcement_samples')
    .select('sample_id')
    .where('announcement_id', '=', announcementId)
    .orderBy('position')
    .execute()
  return rows.map((r) => r.sample_id)
}

/** Sample numbers → ids; numbers not recorded are missing from the map. */
export async function samplesByNumber(db: Kysely<DB>, nos: string[]) {
  if (nos.length === 0) return new Map<string, { id: string; verdict: string }>()
  const rows = await db.selectFrom('samples').select(['id', 'no', 'verdict']).where('no', 'in', nos).execute()
  return new Map(rows.map((r) => [r.no, { id: r.id, verdict: r.verdict }]))
}

/** The samples one file import wrote, by number (at most `limit`). */
export function samplesOfImport(db: Kysely<DB>, importId: string, limit: number) {
  return db
    .selectFrom('samples')
    .select(['id', 'no'])
    .where('import_id', '=', importId)
    .orderBy('no')
    .limit(limit)
    .execute()
}

/**
 * Samples another announcement holds (its `standing` rows: pending or published, not corrected or
 * retracted; a retraction holds nothing): a sample is announced once. The announcements in `except` (the
 * draft itself, the announcement a correction revises) do not count.
 */
export async function takenSamples(
  db: Kysely<DB>,
  sampleIds: string[],
  except: (string | null)[],
): Promise<Map<string, string>> {
  if (sampleIds.length === 0) return new Map()
  const skip = except.filter((e): e is string => e !== null)
  let q = db
    .selectFrom('announcement_samples as s')
    .innerJoin('announcements as a', 'a.id', 's.announcement_id')
    .select(['s.sample_id', 'a.number'])
    .where('s.sample_id', 'in', sampleIds)
    .where('s.standing', '=', true)
  if (skip.length > 0) q = q.where('a.id', 'not in', skip)
  const rows = await q.execute()
  return new Map(rows.map((r) => [r.sample_id, r.number]))
}

/**
 * Replaces the draft's sample list. Each row's `standing` says whether the draft holds the sample (the rule
 * is in the migration that added it): an original holds all of them, a retraction none, a correction those
 * the announcement it corrects does not hold already. The unique index on standing rows refuses a sample
 * another lineage holds, whatever raced.
 */
export async function linkSamples(
  trx: Transaction<DB>,
  a: Pick<AnnouncementRow, 'id' | 'kind' | 'refers_to'>,
  sampleIds: string[],
) {
  await trx.deleteFrom('announcement_samples').where('announcement_id', '=', a.id).execute()
  if (sampleIds.length === 0) return
  const heldByOriginal = new Set(
    a.kind === 'correction' && a.refers_to
      ? (
          await trx
            .selectFrom('announcement_samples')
            .select('sample_id')
            .where('announcement_id', '=', a.refers_to)
            .where('standing', '=', true)
            .execute()
        ).map((r) => r.sample_id)
      : [],
  )
  await trx
    .insertInto('announcement_samples')
    .values(
      sampleIds.map((sample_id, i) => ({
        announcement_id: a.id,
        sample_id,
        position: i + 1,
        standing: a.kind !== 'retraction' && !heldByOriginal.has(sample_id),
      })),
    )
    .execute()
}

/**
 * A correction or retraction published: the announcement it revises stops holding its samples, then a
 * correction holds all of its own (in this order, so the unique index never sees both).
 */
export async function handOverSamples(
  trx: Transaction<DB>,
  revision: Pick<AnnouncementRow, 'id' | 'kind'>,
  revised: string,
) {
  await trx
    .updateTable('announcement_samples')
    .set({ standing: false })
    .where('announcement_id', '=', revised)
    .where('standing', '=', true)
    .execute()
  if (revision.kind === 'correction')
    await trx
      .updateTable('announcement_samples')
      .set({ standing: true })
      .where('announcement_id', '=', revision.id)
      .where('standing', '=', false)
      .execute()
}

export async function sampleNosOf(db: Kysely<DB>, announcementIds: string[]) {
  const map = new Map<string, { nos: string[]; failing: number }>()
  if (announcementIds.length === 0) return map
  const rows = await db
    .selectFrom('announcement_samples as l')
    .innerJoin('samples as s', 's.id', 'l.sample_id')
    .select(['l.announcement_id', 's.no', 's.verdict'])
    .where('l.announcement_id', 'in', announcementIds)
    .orderBy('l.announcement_id')
    .orderBy('l.position')
    .execute()
  for (const r of rows) {
    const e = map.get(r.announcement_id) ?? { nos: [], failing: 0 }
    e.nos.push(r.no)
    if (r.verdict === 'fail') e.failing++
    map.set(r.announcement_id, e)
  }
  return map
}

export function listAnnouncements(
  db: Kysely<DB>,
  f: {
    status?: AnnouncementStatus | undefined
    publicOnly?: boolean
    after?: KeyValue[] | undefined
    limit: number
  },
) {
  let q = db.selectFrom('announcements').selectAll()
  if (f.status) q = q.where('status', '=', f.status)
  if (f.publicOnly) q = q.where('status', '=', 'published')
  if (f.after) q = q.where(afterCursor(['created_at', 'id'], f.after, 'desc'))
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}

/** The publication job's claim: one due row, skipping rows another instance holds. */
export function claimDueAnnouncement(trx: Transaction<DB>, now: Date) {
  return trx
    .selectFrom('announcements')
    .selectAll()
    .where('status', '=', 'approved')
    .where('publish_at', '<=', now)
    .orderBy('publish_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst()
}
