import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'

const MAX_CLIENTS = 100_000

/**
 * A token bucket per client address: `perMinute` requests a minute, bursts up to the same. In memory and
 * per instance (behind N instances a client gets up to N× the rate): enough to stop one scraper from
 * monopolising search. Uses real time: it is transport, not domain.
 */
export function rateLimit(
  perMinute: number,
  now: () => number = () => performance.now(),
): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>()
  const ratePerMs = perMinute / 60_000
  return async (c, next) => {
    let client = 'unknown'
    try {
      client = getConnInfo(c).remote.address ?? 'unknown'
    } catch {
      // Not on the Node server (e.g. app.request in a unit test): one shared bucket.
    }
    const t = now()
    const b = buckets.get(client) ?? { tokens: perMinute, at: t }
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * ratePerMs)
    b.at = t
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000))
      throw new AppError(
        'rate_limited',
        {
          zh: `查询过于频繁，请 ${retryAfter} 秒后再试`,
          en: `Too many searches; retry in ${retryAfter} s`,
        },
        { headers: { 'retry-after': String(retryAfter) } },
      )
    }
    b.tokens -= 1
    if (buckets.size >= MAX_CLIENTS) buckets.clear()
    buckets.set(client, b)
    await next()
  }
}
