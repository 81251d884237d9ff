import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { inTransaction } from '../db/transaction.js'
import type { DB, Role } from '../db/types.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { ROLES } from '../domain/enums.js'
import { AppError, conflict, issue, notFound, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { hasBidiControl, isInvisible } from '../domain/text.js'
import { appendEvent } from '../events/events.repo.js'
import { bindingProblems } from './role-binding.js'
import { generateTokenSecret, hashTokenSecret } from './token-secret.js'
import { findToken, lockActiveAdmins } from './tokens.repo.js'

export interface CreateTokenInput {
  name: string
  role: Role
  districtCode?: string | undefined
  retailerId?: string | undefined
  /** The person the token belongs to (a user id); absent: the token is its own person. */
  userId?: string | undefined
}

/** Creates a token and returns its secret, which is never stored and never shown again. */
export async function createToken(
  db: Kysely<DB>,
  clock: Clock,
  ctx: RequestContext,
  input: CreateTokenInput,
) {
  const issues: ProblemIssue[] = []
  // The CLI and the API both come here: the service checks what either may pass.
  if (!(ROLES as readonly string[]).includes(input.role))
    issues.push(
      issue(
        'role',
        {
          zh: `未知的角色「${input.role}」，可选：${ROLES.join('、')}`,
          en: `unknown role "${input.role}"; one of ${ROLES.join(', ')}`,
        },
        'invalid_value',
      ),
    )
  if (isInvisible(input.name) || input.name.length > 100 || hasBidiControl(input.name))
    issues.push(
      issue(
        'name',
        {
          zh: '名称须含可见字符、不超过 100 字、不含双向控制字符',
          en: 'a name needs a visible character, at most 100 characters, no bidi controls',
        },
        'invalid_name',
      ),
    )
  issues.push(...(await bindingProblems(db, 'token', input.role, input.districtCode, input.retailerId)))
  if (input.userId !== undefined && !(await userExists(db, input.userId)))
    issues.push(issue('user', { zh: '没有这个用户', en: 'no such user' }, 'unknown_user'))
  if (issues.length > 0) throw validationFailed(issues)

  const secret = generateTokenSecret()
  const id = randomUUID()
  const now = clock.now()
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        name: input.name,
        role: input.role,
        district_code: input.districtCode ?? null,
        retailer_id: input.retailerId ?? null,
        token_hash: hashTokenSecret(secret),
        token_prefix: secret.slice(0, 8),
        created_at: now,
        created_by: actorIdOf(ctx),
        user_id: input.userId ?? null,
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'token.created',
      subject: id,
      districtCode: input.districtCode ?? null,
      payload: {
        name: input.name,
        role: input.role,
        retailerId: input.retailerId ?? null,
        userId: input.userId ?? null,
      },
    })
  })
  const token = await findToken(db, id)
  if (!token) throw new AppError('internal_error')
  return { ...token, token: secret }
}

const userExists = async (db: Kysely<DB>, id: string) =>
  isUuid(id) &&
  (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined

export async function revokeToken(db: Kysely<DB>, clock: Clock, ctx: RequestContext, id: string) {
  const now = clock.now()
  return inTransaction(db, async (trx) => {
    const existing = await findToken(trx, id)
    if (!existing) throw notFound({ zh: '令牌不存在', en: 'No such token' })
    if (existing.revoked_at) return existing // revoking twice changes nothing
    if (existing.role === 'admin') {
      // Lock every active admin token: two admins revoking each other at once serialise here, and the
      // second sees the first's revocation (PostgreSQL re-reads locked rows), so one admin always remains.
      const admins = await lockActiveAdmins(trx)
      if (!admins.some((a) => a.id !== id))
        throw conflict({
          zh: '不能吊销最后一个有效的管理员令牌：否则将无人能管理令牌。请先创建另一个管理员令牌。',
          en: 'Cannot revoke the last active admin token: nobody could manage tokens any more. Create another admin token first.',
        })
    }
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now, revoked_by: actorIdOf(ctx) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'token.revoked',
      subject: id,
      payload: { name: existing.name, role: existing.role },
    })
    return { ...existing, revoked_at: now, revoked_by: actorIdOf(ctx) }
  })
}
