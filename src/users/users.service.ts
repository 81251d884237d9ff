import { randomUUID } from 'node:crypto'
import type { Kysely, Updateable } from 'kysely'
import type { Clock } from '../clock.js'
import { lockRoot } from '../db/lock.js'
import { inTransaction } from '../db/transaction.js'
import type { DB, UsersTable } from '../db/types.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import type { Role } from '../domain/enums.js'
import {
  AppError,
  duplicateKeyOf,
  issue,
  notFound,
  type ProblemIssue,
  validationFailed,
} from '../domain/errors.js'
import { checkIfMatch, versionTag } from '../domain/etag.js'
import { isUuid } from '../domain/ids.js'
import { type TextRule, textProblem } from '../domain/text.js'
import { appendEvent, appendEvents, type NewEvent } from '../events/events.repo.js'
import { bindingProblems } from '../tokens/role-binding.js'
import { generateOneTimePassword, hashPassword, passwordProblems } from './password.js'
import { userChanges } from './users.events.js'
import { findUser, loginKey, type UserRow } from './users.repo.js'

export const LOGIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/

/** The display name: what events and pages call the person. */
const NAME_RULE: TextRule = { max: 100, name: true }

export interface CreateUserInput {
  login: string
  name: string
  role: Role
  districtCode?: string | undefined
  retailerId?: string | undefined
  phone?: string | undefined
  /** Set by a provisioning script: no forced change. Without it a one-time password is made and returned. */
  password?: string | undefined
}

/** Names the field in its text, which the CLI prints as its one line. */
const taken = (login: string) =>
  new AppError('conflict', {
    zh: `登录名「${login}」已被使用`,
    en: `Login name "${login}" is already taken`,
  })

export async function createUser(
  db: Kysely<DB>,
  clock: Clock,
  ctx: RequestContext,
  input: CreateUserInput,
): Promise<{ user: UserRow; oneTimePassword: string | null }> {
  const issues: ProblemIssue[] = []
  if (!LOGIN_PATTERN.test(input.login))
    issues.push(
      issue('login', {
        zh: '2–64 个字符：字母、数字及 . _ @ -，以字母或数字开头',
        en: '2–64 characters: letters, digits and . _ @ -, starting with a letter or digit',
      }),
    )
  const nameProblem = textProblem(input.name, NAME_RULE)
  if (nameProblem) issues.push(issue('name', nameProblem, 'invalid_text'))
  if (input.password !== undefined)
    for (const text of await passwordProblems(input.password, input.login))
      issues.push({ path: 'password', message: text.en, code: 'weak_password', text })
  issues.push(...(await bindingProblems(db, 'account', input.role, input.districtCode, input.retailerId)))
  if (issues.length > 0) throw validationFailed(issues)

  const key = loginKey(input.login)
  if (await db.selectFrom('users').select('id').where('login_key', '=', key).executeTakeFirst())
    throw taken(input.login)
  const oneTimePassword = input.password === undefined ? generateOneTimePassword() : null
  const passwordHash = await hashPassword(input.password ?? oneTimePassword!)
  const id = randomUUID()
  const now = clock.now()
  try {
    await inTransaction(db, async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id,
          login: input.login,
          login_key: key,
          display_name: input.name.trim(),
          role: input.role,
          district_code: input.districtCode ?? null,
          retailer_id: input.retailerId ?? null,
          phone: input.phone ?? null,
          password_hash: passwordHash,
          must_change_password: oneTimePassword !== null,
          password_changed_at: now,
          created_at: now,
          created_by: actorIdOf(ctx),
          updated_at: now,
          updated_by: actorIdOf(ctx),
        })
        .execute()
      await appendEvent(trx, ctx, now, {
        type: 'user.created',
        subject: id,
        districtCode: input.districtCode ?? null,
        payload: {
          role: input.role,
          retailerId: input.retailerId ?? null,
          mustChange: oneTimePassword !== null,
        },
      })
    })
  } catch (err) {
    // Two admins creating the same login at once: the unique index decides, and the transaction helper
    // maps it to a 409 naming the column (login_key); this verb words it for the field the caller sent.
    if (duplicateKeyOf(err, 'users')) throw taken(input.login)
    throw err
  }
  const user = await findUser(db, id)
  if (!user) throw new AppError('internal_error')
  return { user, oneTimePassword }
}

export interface UpdateUserInput {
  name?: string | undefined
  phone?: string | null | undefined
  role?: Role | undefined
  districtCode?: string | null | undefined
  retailerId?: string | null | undefined
  disabled?: boolean | undefined
  resetPassword?: boolean | undefined
  unlock?: boolean | undefined
  /** The `If-Match` header: refused with 412 when the account changed since the client read this tag. */
  ifMatch?: string | undefined
}

/** The account's entity tag (`ETag`): over every field an administrator sees or changes. */
export function userTag(
  u: Omit<UserRow, 'created_at' | 'created_by' | 'updated_by' | 'password_changed_at'>,
) {
  return versionTag([
    u.id,
    u.login,
    u.display_name,
    u.role,
    u.district_code,
    u.retailer_id,
    u.phone,
    u.must_change_password,
    u.disabled_at,
    u.updated_at,
  ])
}

const noUser = () => notFound({ zh: '用户不存在', en: 'No such user' })

/**
 * Applies an admin's changes. The account is read under its lock inside the transaction (db/lock.ts) and
 * only the columns that change are written, so two admins editing different fields at once both keep their
 * edit, and the checks (binding, not disabling oneself) hold for the row as it is at commit. A reset
 * password or a disabled account ends the person's sessions in the same transaction; role and district
 * changes need no such step, since sessions read the account on every request.
 */
export async function updateUser(
  db: Kysely<DB>,
  clock: Clock,
  ctx: RequestContext,
  id: string,
  input: UpdateUserInput,
): Promise<{ user: UserRow; oneTimePassword: string | null }> {
  if (!isUuid(id)) throw noUser()
  // Hashing is slow and needs nothing from the row: done before the lock is taken.
  const oneTimePassword = input.resetPassword ? generateOneTimePassword() : null
  const passwordHash = oneTimePassword ? await hashPassword(oneTimePassword) : null
  const now = clock.now()
  await inTransaction(db, async (trx) => {
    const current = await lockRoot(trx, 'users', id)
    if (!current) throw noUser()
    checkIfMatch(input.ifMatch, userTag(current), { zh: '该账户', en: 'The account' })
    const role = input.role ?? current.role
    const roleChanged = role !== current.role
    // A new role drops the old binding unless a new one is given.
    const districtCode =
      input.districtCode !== undefined ? input.districtCode : roleChanged ? null : current.district_code
    const retailerId =
      input.retailerId !== undefined ? input.retailerId : roleChanged ? null : current.retailer_id
    const issues: ProblemIssue[] = []
    const nameProblem = input.name === undefined ? null : textProblem(input.name, NAME_RULE)
    if (nameProblem) issues.push(issue('name', nameProblem, 'invalid_text'))
    issues.push(...(await bindingProblems(trx, 'account', role, districtCode, retailerId)))
    if (input.disabled === true && actorIdOf(ctx) === id)
      issues.push(
        issue('disabled', {
          zh: '管理员不能停用自己的账户',
          en: 'an administrator cannot disable their own account',
        }),
      )
    if (issues.length > 0) throw validationFailed(issues)

    const changes: Record<string, string | boolean | null> = {}
    const set: Updateable<UsersTable> = {}
    const name = input.name?.trim()
    if (name !== undefined && name !== current.display_name) set.display_name = changes.name = name
    if (input.phone !== undefined && input.phone !== current.phone) set.phone = changes.phone = input.phone
    if (roleChanged) set.role = changes.role = role
    if (districtCode !== current.district_code) set.district_code = changes.district = districtCode
    if (retailerId !== current.retailer_id) set.retailer_id = changes.retailer = retailerId
    const disable = input.disabled === true && current.disabled_at === null
    const enable = input.disabled === false && current.disabled_at !== null
    if (disable) Object.assign(set, { disabled_at: now, disabled_by: actorIdOf(ctx) })
    if (enable) Object.assign(set, { disabled_at: null, disabled_by: null })
    if (passwordHash)
      Object.assign(set, {
        password_hash: passwordHash,
        must_change_password: true,
        password_changed_at: now,
      })

    const events: NewEvent[] = []
    const subject = { subject: id, districtCode: districtCode ?? current.district_code }
    if (Object.keys(changes).length > 0)
      events.push({ type: 'user.updated', ...subject, payload: userChanges(changes) })
    if (disable) events.push({ type: 'user.disabled', ...subject, payload: { userId: id } })
    if (enable) events.push({ type: 'user.enabled', ...subject, payload: { userId: id } })
    if (passwordHash) events.push({ type: 'user.password_reset', ...subject, payload: { userId: id } })
    if (input.unlock) {
      const key = loginKey(current.login)
      await trx.deleteFrom('login_locks').where('login_key', '=', key).execute()
      await trx.deleteFrom('login_failures').where('login_key', '=', key).execute()
      events.push({ type: 'user.unlocked', ...subject, payload: { userId: id } })
    }
    if (events.length === 0) return
    await trx
      .updateTable('users')
      .set({ ...set, updated_at: now, updated_by: actorIdOf(ctx) })
      .where('id', '=', id)
      .execute()
    if (disable || passwordHash) await trx.deleteFrom('sessions').where('user_id', '=', id).execute()
    await appendEvents(trx, ctx, now, events)
  })
  const user = await findUser(db, id)
  if (!user) throw noUser()
  return { user, oneTimePassword }
}
