import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'

export function listDistricts(db: Kysely<DB>) {
  return db
    .selectFrom('districts')
    .select(['code', 'name_zh', 'name_en', 'kind', 'since'])
    .orderBy('code')
    .execute()
}

export async function existingDistrictCodes(db: Kysely<DB>, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set()
  const rows = await db.selectFrom('districts').select('code').where('code', 'in', codes).execute()
  return new Set(rows.map((r) => r.code))
}

export async function allDistrictCodes(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('districts').select('code').orderBy('code').execute()
  return rows.map((r) => r.code)
}
