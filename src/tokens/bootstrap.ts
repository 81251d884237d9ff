import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { DB } from '../db/types.js'
import { systemContext } from '../domain/context.js'
import { countTokens } from './tokens.repo.js'
import { createToken } from './tokens.service.js'

/** On a store with no tokens at all, makes the first admin token; its secret is shown once, by the caller. */
export async function bootstrapAdminToken(db: Kysely<DB>, clock: Clock): Promise<string | null> {
  if ((await countTokens(db)) > 0) return null
  const created = await createToken(db, clock, systemContext('bootstrap'), {
    name: '初始管理员 bootstrap admin',
    role: 'admin',
  })
  return created.token
}
