import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'
import type { TokenActor } from '../domain/context.js'
import type { ActorCache } from './actor-cache.js'
import { hashTokenSecret, looksLikeToken } from './token-secret.js'
import { findActiveTokenByHash } from './tokens.repo.js'

/** What a presented bearer secret is: not shaped like a token, unknown or revoked, or the token's actor. */
export type TokenLookup = (secret: string) => Promise<TokenActor | 'malformed' | null>

/**
 * Resolves bearer secrets to actors, through the cache (see ActorCache). Handed to the HTTP layer by the app,
 * so `http/` depends on no module: it asks, this module answers.
 */
export function tokenLookup(db: Kysely<DB>, cache: ActorCache): TokenLookup {
  return async (secret) => {
    if (!looksLikeToken(secret)) return 'malformed'
    const hash = hashTokenSecret(secret)
    const cached = cache.get(hash)
    if (cached?.type === 'token') return cached
    const row = await findActiveTokenByHash(db, hash)
    if (!row) return null
    const actor: TokenActor = {
      type: 'token',
      id: row.id,
      name: row.name,
      role: row.role,
      districtCode: row.district_code,
      retailerId: row.retailer_id,
      personId: row.user_id,
    }
    cache.set(hash, actor)
    return actor
  }
}
