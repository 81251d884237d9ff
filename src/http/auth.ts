import type { MiddlewareHandler } from 'hono'
import type { Role } from '../db/types.js'
import type { Actor } from '../domain/context.js'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from './app-env.js'

const unauthorized = (en: string, zh: string) =>
  new AppError('unauthorized', { zh, en }, { headers: { 'www-authenticate': 'Bearer realm="redshield"' } })

/** What a bearer secret stands for: `malformed` when it is not shaped like a token, null when unknown or revoked. */
export type ActorLookup = (secret: string) => Promise<Actor | 'malformed' | null>

/** Resolves the bearer token, if any. A token that is presented but not valid is refused outright. */
export function resolveActor(lookup: ActorLookup): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', null)
    const header = c.req.header('authorization')
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      const secret = match?.[1]
      const actor = secret ? await lookup(secret) : 'malformed'
      if (actor === 'malformed')
        throw unauthorized('Authorization must be "Bearer <token>"', 'Authorization 须为 "Bearer <令牌>"')
      if (!actor) throw unauthorized('Token is unknown or revoked', '令牌无效或已吊销')
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
