import type { MiddlewareHandler } from 'hono'
import type { Kysely } from 'kysely'
import type { DB, Role } from '../db/types.js'
import { AppError } from '../domain/errors.js'
import type { ActorCache } from '../tokens/actor-cache.js'
import { hashTokenSecret, looksLikeToken } from '../tokens/token-secret.js'
import { findActiveTokenByHash } from '../tokens/tokens.repo.js'
import type { AppEnv } from './app-env.js'

const unauthorized = (en: string, zh: string) =>
  new AppError('unauthorized', { zh, en }, { headers: { 'www-authenticate': 'Bearer realm="redshield"' } })

/** Resolves the bearer token, if any. A token that is presented but not valid is refused outright. */
export function resolveActor(db: Kysely<DB>, cache: ActorCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', null)
    const header = c.req.header('authorization')
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      const secret = match?.[1]
      if (!secret || !looksLikeToken(secret))
        throw unauthorized('Authorization must be "Bearer <token>"', 'Authorization 须为 "Bearer <令牌>"')
      const hash = hashTokenSecret(secret)
      let actor = cache.get(hash)
      if (!actor) {
        const row = await findActiveTokenByHash(db, hash)
        if (!row) throw unauthorized('Token is unknown or revoked', '令牌无效或已吊销')
        actor = {
          type: 'token',
          id: row.id,
          name: row.name,
          role: row.role,
          districtCode: row.district_code,
          retailerId: row.retailer_id,
          personId: row.user_id,
        }
        cache.set(hash, actor)
      }
      c.set('actor', actor)
    }
    await next()
  }
}

export function requireRoles(roles: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor')
    if (!actor) throw unauthorized('This operation needs a bearer token', '此操作需要访问令牌')
    if (!roles.includes(actor.role))
      throw new AppError('forbidden', {
        zh: `角色 ${actor.role} 无权执行此操作（需要：${roles.join('、')}）`,
        en: `Role ${actor.role} may not do this (needs one of: ${roles.join(', ')})`,
      })
    await next()
  }
}
