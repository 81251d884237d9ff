import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { DB, Role } from '../db/types.js'
import { appendEvent } from '../events/events.repo.js'
import type { RequestContext } from '../http/app-env.js'
import { AppError, notFound, validationFailed } from '../http/problem.js'
import { generateTokenSecret, hashTokenSecret } from './token-secret.js'
import { findToken } from './tokens.repo.js'

export interface CreateTokenInput {
  name: string
  role: Role
  districtCode?: string | undefined
  retailerId?: string | undefined
}

/** Creates a token and returns its secret, which is never stored and never shown again. */
export async function createToken(
  db: Kysely<DB>,
  clock: Clock,
  ctx: RequestContext,
  input: CreateTokenInput,
) {
  const issues = []
  if (input.role === 'district' && !input.districtCode)
    issues.push({ path: 'district', message: 'a district token needs a district code' })
  if (input.role !== 'district' && input.districtCode)
    issues.push({ path: 'district', message: 'only a district token is bound to a district' })
  if (input.role === 'retailer' && !input.retailerId)
    issues.push({ path: 'retailer', message: 'a retailer token needs a retailer id' })
  if (input.role !== 'retailer' && input.retailerId)
    issues.push({ path: 'retailer', message: 'only a retailer token is bound to a retailer' })
  if (input.districtCode) {
    const d = await db
      .selectFrom('districts')
      .select('code')
      .where('code', '=', input.districtCode)
      .executeTakeFirst()
    if (!d) issues.push({ path: 'district', message: `unknown district code ${input.districtCode}` })
  }
  if (input.retailerId) {
    const r = await db
      .selectFrom('retailers')
      .select('id')
      .where('id', '=', input.retailerId)
      .executeTakeFirst()
    if (!r) issues.push({ path: 'retailer', message: `unknown retailer ${input.retailerId}` })
  }
  if (issues.length > 0) throw validationFailed(issues)

  const secret = generateTokenSecret()
  const id = randomUUID()
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
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
        created_by: ctx.actor?.id ?? null,
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'token.created',
      subject: id,
      districtCode: input.districtCode ?? null,
      payload: { name: input.name, role: input.role, retailerId: input.retailerId ?? null },
    })
  })
  const token = await findToken(db, id)
  if (!token) throw new AppError('internal_error')
  return { ...token, token: secret }
}

export async function revokeToken(db: Kysely<DB>, clock: Clock, ctx: RequestContext, id: string) {
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const existing = await findToken(trx, id)
    if (!existing) throw notFound({ zh: '令牌不存在', en: 'No such token' })
    if (existing.revoked_at) return existing // revoking twice changes nothing
    if (existing.role === 'admin') {
      // Lock every active admin token: two admins revoking each other at once serialise here, and the
      // second sees the first's revocation (PostgreSQL re-reads locked rows), so one admin always remains.
      const admins = await trx
        .selectFrom('api_tokens')
        .select('id')
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .forUpdate()
        .execute()
      if (!admins.some((a) => a.id !== id))
        throw new AppError('conflict', {
          zh: '不能吊销最后一个有效的管理员令牌：否则将无人能管理令牌。请先创建另一个管理员令牌。',
          en: 'Cannot revoke the last active admin token: nobody could manage tokens any more. Create another admin token first.',
        })
    }
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now, revoked_by: ctx.actor?.id ?? null })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute()
    await appendEvent(trx, ctx, now, { type: 'token.revoked', subject: id })
    return { ...existing, revoked_at: now, revoked_by: ctx.actor?.id ?? null }
  })
}
