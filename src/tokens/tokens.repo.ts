import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'

export const tokenColumns = [
  'id',
  'name',
  'role',
  'district_code',
  'retailer_id',
  'token_prefix',
  'created_at',
  'created_by',
  'revoked_at',
  'revoked_by',
] as const

export function findActiveTokenByHash(db: Kysely<DB>, hash: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'district_code', 'retailer_id'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export function listTokens(db: Kysely<DB>, opts: { includeRevoked: boolean }) {
  let q = db.selectFrom('api_tokens').select(tokenColumns).orderBy('created_at').orderBy('id')
  if (!opts.includeRevoked) q = q.where('revoked_at', 'is', null)
  return q.execute()
}

export function findToken(db: Kysely<DB>, id: string) {
  return db.selectFrom('api_tokens').select(tokenColumns).where('id', '=', id).executeTakeFirst()
}

export async function countTokens(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
