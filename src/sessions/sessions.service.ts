import { createHash, randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { Clock } from '../clock.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { RequestContext, UserActor } from '../domain/context.js'
import { appendEvent } from '../events/events.repo.js'
import { dummyHash, hashPassword, passwordProblems, verifyPassword } from '../users/password.js'
import { findPasswordHash, findUserForSignIn, loginKey } from '../users/users.repo.js'
import { findLock, findSessionWithUser, type SessionRow } from './sessions.repo.js'

export const LOCKOUT = { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const

export interface SessionDeps {
  db: Kysely<DB>
  clock: Clock
  config: { SESSION_IDLE_MINUTES: number; SESSION_MAX_HOURS: number }
}

/** The cookie carries 256 random bits; only their sha256 is stored, so the table cannot be replayed. */
export const hashSessionId = (secret: string) => createHash('sha256').update(secret).digest('hex')

export type SignInResult =
  | { kind: 'ok'; secret: string; mustChange: boolean; userId: string }
  | { kind: 'refused' }
  | { kind: 'disabled' }
  | { kind: 'locked'; retryAfterSeconds: number }

const lockedFor = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))

/**
 * Checks a login and password. Five failures for one login (known or not) within 15 minutes lock it for 15
 * minutes, recorded in the database so every instance agrees; during the lock even the right password is
 * refused. An unknown login costs the same scrypt as a wrong password.
 */
export async function signIn(
  deps: SessionDeps,
  ctx: RequestContext,
  input: { login: string; password: string; userAgent?: string | undefined },
): Promise<SignInResult> {
  const { db, clock } = deps
  const key = loginKey(input.login)
  const lock = await findLock(db, key)
  if (lock && lock.locked_until > clock.now())
    return { kind: 'locked', retryAfterSeconds: lockedFor(lock.locked_until, clock.now()) }

  const user = await findUserForSignIn(db, key)
  const matches = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash()))
  const now = clock.now()
  if (!user || !matches) return recordFailure(db, ctx, key, now, user?.id ?? null)
  if (user.disabled_at) return { kind: 'disabled' }

  const secret = randomBytes(32).toString('base64url')
  const actor: UserActor = {
    type: 'user',
    id: user.id,
    name: user.display_name,
    role: user.role,
    districtCode: user.district_code,
    retailerId: user.retailer_id,
  }
  const locked = await inTransaction(db, async (trx) => {
    // The right password checked before a lock that wrong guesses racing it recorded since: look again, under
    // the same per-login lock the failures are counted under, so no success slips past a recorded lockout.
    await lockLogin(trx, key)
    const lock = await findLock(trx, key)
    if (lock && lock.locked_until > now) return lockedFor(lock.locked_until, now)
    await trx.deleteFrom('login_failures').where('login_key', '=', key).execute()
    await trx
      .insertInto('sessions')
      .values({
        id_hash: hashSessionId(secret),
        user_id: user.id,
        csrf_token: randomBytes(32).toString('base64url'),
        created_at: now,
        last_seen_at: now,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute()
    await appendEvent(trx, { ...ctx, actor }, now, {
      type: 'session.signed_in',
      subject: user.id,
      districtCode: user.district_code,
      payload: { userId: user.id },
    })
    return null
  })
  if (locked !== null) return { kind: 'locked', retryAfterSeconds: locked }
  return { kind: 'ok', secret, mustChange: user.must_change_password, userId: user.id }
}

/**
 * The per-login lock (a transaction-scoped advisory lock, so logins that have no row are covered too): the
 * lockout check and the failure count happen under it, and so does a success's re-check.
 */
async function lockLogin(trx: Transaction<DB>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`login:${key}`}))`.execute(trx)
}

async function recordFailure(
  db: Kysely<DB>,
  ctx: RequestContext,
  key: string,
  now: Date,
  userId: string | null,
): Promise<SignInResult> {
  const since = new Date(now.getTime() - LOCKOUT.windowMs)
  return inTransaction(db, async (trx) => {
    // One failure at a time per login, across instances; a guess that raced past the lock check finds the
    // lock here. Without this, simultaneous guesses could all count four and slip by.
    await lockLogin(trx, key)
    const lock = await findLock(trx, key)
    if (lock && lock.locked_until > now)
      return { kind: 'locked', retryAfterSeconds: lockedFor(lock.locked_until, now) } as const
    await trx
      .deleteFrom('login_failures')
      .where('login_key', '=', key)
      .where('failed_at', '<=', since)
      .execute()
    await trx.insertInto('login_failures').values({ login_key: key, failed_at: now }).execute()
    const row = await trx
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('login_key', '=', key)
      .executeTakeFirstOrThrow()
    if (Number(row.n) < LOCKOUT.failures) return { kind: 'refused' } as const
    const until = new Date(now.getTime() + LOCKOUT.lockMs)
    await trx
      .insertInto('login_locks')
      .values({ login_key: key, locked_until: until })
      .onConflict((oc) => oc.column('login_key').doUpdateSet({ locked_until: until }))
      .execute()
    // The lock starts a new count: the next window begins when it ends.
    await trx.deleteFrom('login_failures').where('login_key', '=', key).execute()
    await appendEvent(trx, ctx, now, {
      type: 'user.locked_out',
      subject: userId,
      payload: { until: until.toISOString() },
    })
    return { kind: 'locked', retryAfterSeconds: lockedFor(until, now) } as const
  })
}

export interface Session {
  idHash: string
  csrfToken: string
  actor: UserActor
  login: string
  mustChangePassword: boolean
}

const SLIDE_GRANULARITY_MS = 60_000

/**
 * The live session for a cookie secret, or null. Idle expiry slides with use (the last-seen time is written
 * at most once a minute, not on every request); the absolute limit counts from sign-in.
 */
export async function resolveSession(deps: SessionDeps, secret: string): Promise<Session | null> {
  const { db, clock, config } = deps
  const idHash = hashSessionId(secret)
  const row = await findSessionWithUser(db, idHash)
  if (!row) return null
  const now = clock.now().getTime()
  const idleExpired = row.last_seen_at.getTime() + config.SESSION_IDLE_MINUTES * 60_000 <= now
  const tooOld = row.created_at.getTime() + config.SESSION_MAX_HOURS * 3_600_000 <= now
  if (row.disabled_at || idleExpired || tooOld) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
    return null
  }
  if (now - row.last_seen_at.getTime() >= SLIDE_GRANULARITY_MS)
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now) })
      .where('id_hash', '=', idHash)
      .execute()
  return toSession(row)
}

const toSession = (row: SessionRow): Session => ({
  idHash: row.id_hash,
  csrfToken: row.csrf_token,
  login: row.login,
  mustChangePassword: row.must_change_password,
  actor: {
    type: 'user',
    id: row.user_id,
    name: row.display_name,
    role: row.role,
    districtCode: row.district_code,
    retailerId: row.retailer_id,
  },
})

/** Ends this session, or with `everywhere` every session of the person. */
export async function signOut(
  deps: SessionDeps,
  ctx: RequestContext,
  session: Session,
  everywhere: boolean,
): Promise<void> {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const q = everywhere
      ? trx.deleteFrom('sessions').where('user_id', '=', session.actor.id)
      : trx.deleteFrom('sessions').where('id_hash', '=', session.idHash)
    const result = await q.executeTakeFirst()
    await appendEvent(trx, ctx, now, {
      type: 'session.signed_out',
      subject: session.actor.id,
      districtCode: session.actor.districtCode,
      payload: { everywhere, sessions: Number(result.numDeletedRows) },
    })
  })
}

export type ChangePasswordResult =
  | { ok: true }
  | { ok: false; problems: { field: string; message: string }[] }

/**
 * The person sets a new password, proving the current one. Every other session of theirs ends; this one goes
 * on. All problems are reported together.
 */
export async function changePassword(
  deps: SessionDeps,
  ctx: RequestContext,
  session: Session,
  input: { current: string; password: string; confirm: string },
): Promise<ChangePasswordResult> {
  const { db, clock } = deps
  const stored = await findPasswordHash(db, session.actor.id)
  if (!stored) return { ok: false, problems: [{ field: 'current', message: 'account not found' }] }
  const problems: { field: string; message: string }[] = []
  if (!(await verifyPassword(input.current, stored.password_hash)))
    problems.push({ field: 'current', message: 'the current password is not right' })
  // Shown on the page in both languages, as the sign-in form's refusals are.
  for (const text of await passwordProblems(input.password, stored.login))
    problems.push({ field: 'password', message: `${text.zh} ${text.en}` })
  if (input.password !== input.confirm)
    problems.push({ field: 'confirm', message: 'the two new passwords differ' })
  if (input.password && input.password === input.current)
    problems.push({ field: 'password', message: 'must differ from the current password' })
  if (problems.length > 0) return { ok: false, problems }

  const hash = await hashPassword(input.password)
  const now = clock.now()
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('users')
      .set({
        password_hash: hash,
        must_change_password: false,
        password_changed_at: now,
        updated_at: now,
        updated_by: session.actor.id,
      })
      .where('id', '=', session.actor.id)
      .execute()
    await trx
      .deleteFrom('sessions')
      .where('user_id', '=', session.actor.id)
      .where('id_hash', '!=', session.idHash)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'user.password_changed',
      subject: session.actor.id,
      districtCode: session.actor.districtCode,
      payload: { userId: session.actor.id },
    })
  })
  return { ok: true }
}
