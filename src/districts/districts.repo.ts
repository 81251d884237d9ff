import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'

export function listDistricts(db: Kysely<DB>) {
  return db
    .selectFrom('districts')
    .select(['code', 'name_zh', 'name_en', 'kind', 'since'])
    .orderBy('code')
    .execute()
}
