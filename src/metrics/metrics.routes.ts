import { timingSafeEqual } from 'node:crypto'
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Config } from '../config.js'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'
import type { ActorLookup } from '../http/auth.js'
import type { Metrics } from './metrics.js'

/** The route template that answered (`/api/v1/tasks/:id`), never the raw path: labels stay bounded. */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c)
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]
    if (r && r.method !== 'ALL') return r.path
  }
  return 'unmatched'
}

/**
 * Counts and times requests by method, route template and status. Label objects are made once per method,
 * route and status and reused (a few dozen in all): this runs on every request, from the Hono middleware
 * below and from the fast path in front of the router (src/public/fast-reads.ts).
 */
export function requestMeter(metrics: Metrics) {
  const durationLabels = new Map<string, { method: string; route: string }>()
  const countLabels = new Map<string, { method: string; route: string; status: string }>()
  return (method: string, route: string, status: number, start: number) => {
    const key = `${method} ${route}`
    let labels = durationLabels.get(key)
    if (!labels) {
      labels = { method, route }
      durationLabels.set(key, labels)
    }
    metrics.httpDuration.observe(labels, (performance.now() - start) / 1000)
    const countKey = `${key} ${status}`
    let counted = countLabels.get(countKey)
    if (!counted) {
      counted = { method, route, status: String(status) }
      countLabels.set(countKey, counted)
    }
    metrics.httpRequests.inc(counted)
  }
}

export type RequestMeter = ReturnType<typeof requestMeter>

/** Counts and times every request that reaches Hono, by route template; the timer is a plain subtraction. */
export function measureRequests(meter: RequestMeter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now()
    try {
      await next()
    } finally {
      meter(c.req.method, routeTemplate(c), c.res.status, start)
    }
  }
}

const refused = (why: { zh: string; en: string }, status: 'unauthorized' | 'forbidden') =>
  new AppError(
    status,
    why,
    status === 'unauthorized' ? { headers: { 'www-authenticate': 'Bearer realm="redshield"' } } : {},
  )

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * `GET /metrics` in the Prometheus text format. Outside the OpenAPI document (scrapers are not API
 * clients): an admin API token, or `METRICS_TOKEN` when configured, as a bearer token.
 */
export function mountMetrics(
  app: Hono<AppEnv>,
  deps: { metrics: Metrics; config: Pick<Config, 'METRICS_TOKEN'> },
  lookup: ActorLookup,
) {
  app.get('/metrics', async (c) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
    const secret = match?.[1]
    if (!secret) throw refused({ zh: '需要访问令牌', en: 'A bearer token is required' }, 'unauthorized')
    const configured = deps.config.METRICS_TOKEN
    if (!(configured && sameSecret(secret, configured))) {
      const found = await lookup(secret)
      const row = found === 'malformed' ? null : found
      if (!row) throw refused({ zh: '令牌无效或已吊销', en: 'Token is unknown or revoked' }, 'unauthorized')
      if (row.role !== 'admin')
        throw refused({ zh: '只有管理员可读取指标', en: 'Only an admin may read metrics' }, 'forbidden')
    }
    const body = await deps.metrics.registry.metrics()
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType })
  })
}
