import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'

/** The session and its account in one read: a disabled account or a changed role shows at once. */
export function findSessionWithUser(db: Kysely<DB>, idHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id_hash',
      'sessions.csrf_token',
      'sessions.created_at',
      'sessions.last_seen_at',
      'users.id as user_id',
      'users.login',
      'users.display_name',
      'users.role',
      'users.district_code',
      'users.retailer_id',
      'users.must_change_password',
      'users.disabled_at',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst()
}

export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSessionWithUser>>>

export function findLock(db: Kysely<DB>, key: string) {
  return db.selectFrom('login_locks').select('locked_until').where('login_key', '=', key).executeTakeFirst()
}
