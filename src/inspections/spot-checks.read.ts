import type { Kysely, Selectable } from 'kysely'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import type { DB, SpotChecksTable } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import type { SpotCheckQuery } from './spot-checks.schema.js'

type Directory = AppDeps['districts']

function dto(districts: Directory, r: Selectable<SpotChecksTable>) {
  const nameOf = (code: string) => districts.items.find((d) => d.code === code)?.nameZh ?? code
  return {
    id: r.id,
    quarter: r.quarter,
    seed: r.seed,
    count: r.count,
    population: r.population,
    districts: r.districts.map((code, i) => ({ position: i + 1, code, name: nameOf(code) })),
    createdAt: new Date(r.created_at).toISOString(),
  }
}
export type SpotCheckView = ReturnType<typeof dto>

/** Spot checks, latest quarter first (public: the seed and the districts drawn). */
export async function listSpotChecks(db: Kysely<DB>, districts: Directory, f: SpotCheckQuery) {
  let q = db
    .selectFrom('spot_checks')
    .selectAll()
    .orderBy('quarter', 'desc')
    .limit(f.limit + 1)
  if (f.cursor) {
    const [quarter] = decodeCursor(f.cursor, 1)
    q = q.where(afterCursor(['quarter'], [quarter ?? null], 'desc'))
  }
  return pageOf(
    await q.execute(),
    f.limit,
    (r) => [r.quarter],
    (r) => dto(districts, r),
  )
}

export async function readSpotCheck(db: Kysely<DB>, districts: Directory, id: string) {
  const row = await db.selectFrom('spot_checks').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound({ zh: `没有编号为 ${id} 的季度抽查`, en: `No spot check ${id}` })
  return dto(districts, row)
}
