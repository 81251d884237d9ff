import type { Context } from 'hono'
import type { Actor, RequestContext } from '../domain/context.js'
import type { DeclaredInputs } from './errors.js'

export interface AppEnv {
  Variables: {
    requestId: string
    actor: Actor | null
    /** Set by `allowFraming`: this response may be shown in a frame. */
    allowFraming?: boolean
    /** Set by `useContentSecurityPolicy`: a stricter policy than the default for this response. */
    contentSecurityPolicy?: string
    /** Set by `checkInput`: the route's declared inputs, for a validation failure to check them all. */
    declaredInputs?: DeclaredInputs | undefined
  }
}

export const requestContextOf = (c: Context<AppEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})
