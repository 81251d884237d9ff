import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import type { Role } from '../db/types.js'
import { requireRoles } from './auth.js'
import { rejectNulCharacters } from './middleware.js'
import { problemContent } from './schemas.js'

type Config = Omit<RouteConfig, 'middleware' | 'security'>

const problemResponses = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [code, { description: 'Problem (RFC 9457)', content: problemContent }]),
  )

/**
 * A route anyone may call. Declares `x-access: public` so the access-matrix test knows what to expect.
 */
export function publicRoute<const R extends Config>(config: R) {
  return createRoute({
    ...config,
    'x-access': { public: true },
    middleware: [rejectNulCharacters()] as const,
    responses: { ...problemResponses([422]), ...config.responses },
  } as R & { path: R['path']; middleware: [ReturnType<typeof rejectNulCharacters>] })
}

/**
 * A route for the listed roles. The roles go into the OpenAPI document (`x-access`) and are enforced by the
 * same list, so the document cannot drift from the behaviour. A district or retailer token may still see
 * only its own part of the data: that scoping is the service's.
 */
export function securedRoute<const R extends Config>(roles: readonly Role[], config: R) {
  return createRoute({
    ...config,
    security: [{ bearer: [] }],
    'x-access': { roles },
    // Who first, then what: a caller without the role learns nothing about the input's validity.
    middleware: [requireRoles(roles), rejectNulCharacters()] as const,
    responses: { ...problemResponses([401, 403, 422]), ...config.responses },
  } as R & {
    path: R['path']
    middleware: [ReturnType<typeof requireRoles>, ReturnType<typeof rejectNulCharacters>]
  })
}
