import { createRoute, type RouteConfig, z } from '@hono/zod-openapi'
import type { Role } from '../db/types.js'
import { requireRoles } from './auth.js'
import { checkInput } from './middleware.js'
import { problemContent } from './schemas.js'

type Config = Omit<RouteConfig, 'middleware' | 'security'> & { operationId: string }

const problemResponse = (description: string) => ({ description, content: problemContent })

/** `?lang=` is understood everywhere; any other query parameter a route does not declare is refused. */
const langQuery = {
  lang: z
    .enum(['zh', 'en'])
    .optional()
    .openapi({ description: 'Language of messages (default: Accept-Language, then zh-CN)' }),
}

const BODY_METHODS = new Set(['post', 'put', 'patch'])

/**
 * What any route can answer besides its own responses, so the document lists every status the server
 * sends. Under the API prefix: a bad bearer token (401, even on public routes), an oversize body (413), a
 * body that is not JSON (415), a database that cannot be reached (503); routes with a body add malformed
 * JSON (400). Every route refuses bad input (422) and other methods on its path (405).
 */
function commonResponses(config: Config, api: boolean) {
  const hasBody = config.request?.body !== undefined
  const out: Record<number, ReturnType<typeof problemResponse>> = {
    405: problemResponse('Method not allowed on this path (the Allow header lists those that are)'),
    422: problemResponse('Invalid input or unknown query parameter: every problem is listed'),
    500: problemResponse('Internal error (logged with the request id)'),
  }
  if (hasBody) out[400] = problemResponse('Malformed JSON body')
  if (api) {
    out[401] = problemResponse('Missing, malformed, unknown or revoked bearer token')
    out[413] = problemResponse('Request body too large')
    out[503] = problemResponse('Database unavailable or too slow; retry after Retry-After seconds')
    if (BODY_METHODS.has(config.method)) out[415] = problemResponse('Body is not application/json')
  }
  return out
}

function withStrictQuery(request: Config['request']): Config['request'] {
  const query = request?.query as z.ZodObject | undefined
  return { ...request, query: z.strictObject({ ...(query?.shape ?? {}), ...langQuery }) }
}

/**
 * A route anyone may call. Declares `x-access: public` and `security: []` so the access-matrix test and
 * third-party tools know. `api: false` for routes outside the API prefix (no token or body handling).
 */
export function publicRoute<const R extends Config>(config: R, opts: { api?: boolean } = {}) {
  return createRoute({
    ...config,
    request: withStrictQuery(config.request),
    security: [],
    'x-access': { public: true },
    middleware: [checkInput(config.request)] as const,
    responses: { ...commonResponses(config, opts.api ?? true), ...config.responses },
  } as R & { path: R['path']; middleware: [ReturnType<typeof checkInput>] })
}

/**
 * A route for the listed roles. The roles go into the OpenAPI document (`x-access`) and are enforced by the
 * same list, so the document cannot drift from the behaviour. A district or retailer token may still see
 * only its own part of the data: that scoping is the service's.
 */
export function securedRoute<const R extends Config>(roles: readonly Role[], config: R) {
  return createRoute({
    ...config,
    request: withStrictQuery(config.request),
    security: [{ bearer: [] }],
    'x-access': { roles },
    // Who first, then what: a caller without the role learns nothing about the input's validity.
    middleware: [requireRoles(roles), checkInput(config.request)] as const,
    responses: {
      ...commonResponses(config, true),
      403: problemResponse('This role may not do this'),
      ...config.responses,
    },
  } as R & {
    path: R['path']
    middleware: [ReturnType<typeof requireRoles>, ReturnType<typeof checkInput>]
  })
}
