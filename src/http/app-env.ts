import type { Context } from 'hono'
import type { Role } from '../db/types.js'

export interface Actor {
  id: string
  name: string
  role: Role
  districtCode: string | null
  retailerId: string | null
}

export interface AppEnv {
  Variables: {
    requestId: string
    actor: Actor | null
  }
}

/** Who did it, from which request: stamped on every event. */
export interface RequestContext {
  actor: Actor | null
  requestId: string
}

export const requestContextOf = (c: Context<AppEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})
