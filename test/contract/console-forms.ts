import type { Hono } from 'hono'
import { formVerbOf } from '../../src/console/form-access.js'
import type { Verb } from '../../src/domain/access.js'

/** Console forms that act on the signed-in person's own account, not a verb of the domain. */
export const OWN_ACCOUNT_FORMS = new Set(['/console/password'])

export interface ConsoleForm {
  path: string
  /** The ACCESS verbs the route's handlers guard (exactly one for a well-declared form). */
  verbs: Verb[]
}

/**
 * Every `POST /console/…` the app serves, read from Hono's route table (`app.routes`: one entry per handler, the
 * guard included), with the verb its `formFor` guard records. A form added later is listed here by itself.
 */
export function consoleForms(app: Pick<Hono, 'routes'>): ConsoleForm[] {
  const byPath = new Map<string, Set<Verb>>()
  for (const route of app.routes) {
    if (route.method !== 'POST' || !route.path.startsWith('/console')) continue
    const verbs = byPath.get(route.path) ?? new Set<Verb>()
    const verb = formVerbOf(route.handler)
    if (verb) verbs.add(verb)
    byPath.set(route.path, verbs)
  }
  return [...byPath].map(([path, verbs]) => ({ path, verbs: [...verbs] }))
}

/** A path to post to: a random UUID for `:id`, a real district for `:code` (the guard answers before either is read). */
export function concreteFormPath(path: string, district: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) =>
    name === 'code' ? district : '00000000-0000-4000-8000-000000000000',
  )
}
