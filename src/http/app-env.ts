import type { Context } from 'hono'
import type { Actor, RequestContext } from '../domain/context.js'

export interface AppEnv {
  Variables: {
    requestId: string
    actor: Actor | null
    /** Set by `allowFraming`: this response may be shown in a frame. */
    allowFraming?: boolean
  }
}

export const requestContextOf = (c: Context<AppEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})
