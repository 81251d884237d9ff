import type { MiddlewareHandler } from 'hono'
import { ACCESS, type Verb } from '../domain/access.js'
import { requireRoles } from '../http/auth.js'
import type { ConsoleEnv } from './session-auth.js'

/** Where a console form's guard records the verb it performs. */
const FORM_VERB = Symbol.for('redshield.console.form-verb')
/** Hono keeps a mounted sub-app's handler under this key when it wraps it in the sub-app's error handler. */
const COMPOSED_HANDLER = '__COMPOSED_HANDLER'

/**
 * The guard of a page or form that performs (or offers) a verb: `app.post(path, formFor('closeIncident'), …)`.
 * It refuses a role outside `ACCESS[verb]` (a 403 page) before the form is read, with the API's own role list,
 * and leaves the verb on the route, so the access matrix finds every console form in `app.routes` and knows
 * the rule it must hold without anyone listing the forms.
 */
export function formFor(verb: Verb): MiddlewareHandler<ConsoleEnv> {
  // requireRoles reads only the actor, which the console's env carries as the app's does.
  const guard = requireRoles(ACCESS[verb]) as unknown as MiddlewareHandler<ConsoleEnv>
  return Object.assign(guard, { [FORM_VERB]: verb })
}

/** The verb a route handler guards (see `formFor`), looking through Hono's wrapping of mounted handlers. */
export function formVerbOf(handler: unknown): Verb | undefined {
  let h = handler as Record<string | symbol, unknown> | undefined
  for (let depth = 0; h && depth < 10; depth++) {
    const verb = h[FORM_VERB]
    if (typeof verb === 'string') return verb as Verb
    h = h[COMPOSED_HANDLER] as Record<string | symbol, unknown> | undefined
  }
  return undefined
}
