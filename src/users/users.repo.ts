import type { Kysely } from 'kysely'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { DB } from '../db/types.js'

export const userColumns = [
  'id',
  'login',
  'display_name',
  'role',
  'district_code',
  'retailer_id',
  'phone',
  'must_change_password',
  'password_changed_at',
  'disabled_at',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
] as const

export const loginKey = (login: string) => login.trim().normalize('NFC').toLowerCase()

export function findUser(db: Kysely<DB>, id: string) {
  return db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst()
}

export function findUserForSignIn(db: Kysely<DB>, key: string) {
  return db
    .selectFrom('users')
    .select([...userColumns, 'password_hash'])
    .where('login_key', '=', key)
    .executeTakeFirst()
}

export function findPasswordHash(db: Kysely<DB>, id: string) {
  return db.selectFrom('users').select(['password_hash', 'login']).where('id', '=', id).executeTakeFirst()
}

/** Ordered by login (unique, lower-cased), which is also the cursor. */
export function listUsers(
  db: Kysely<DB>,
  opts: { limit: number; after?: KeyValue[]; disabled?: boolean; role?: string },
) {
  let q = db
    .selectFrom('users')
    .select([...userColumns, 'login_key'])
    .orderBy('login_key')
    .limit(opts.limit + 1)
  if (opts.after) q = q.where(afterCursor(['login_key'], opts.after))
  if (opts.disabled !== undefined) q = q.where('disabled_at', opts.disabled ? 'is not' : 'is', null)
  if (opts.role) q = q.where('role', '=', opts.role as never)
  return q.execute()
}

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUser>>>
