import type { Kysely } from 'kysely'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { Transaction } from '../db/transaction.js'
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
  'user_id',
] as const

export function findActiveTokenByHash(db: Kysely<DB>, hash: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'district_code', 'retailer_id', 'user_id'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

/** Oldest first. With `limit`, one more than it (so the caller knows whether another page follows). */
export function listTokens(
  db: Kysely<DB>,
  opts: { includeRevoked: boolean; limit?: number; after?: KeyValue[] | undefined },
) {
  let q = db.selectFrom('api_tokens').select(tokenColumns).orderBy('created_at').orderBy('id')
  if (!opts.includeRevoked) q = q.where('revoked_at', 'is', null)
  if (opts.after) q = q.where(afterCursor(['created_at', 'id'], opts.after))
  if (opts.limit !== undefined) q = q.limit(opts.limit + 1)
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

/** Locks every active admin token row (the last-admin rule reads them under the lock). */
export function lockActiveAdmins(trx: Transaction<DB>) {
  return trx
    .selectFrom('api_tokens')
    .select('id')
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .forUpdate()
    .execute()
}
