import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'

const MAX_CLIENTS = 100_000
const OVERFLOW = '(overflow)'

interface Bucket {
  tokens: number
  at: number
}

/**
 * A token bucket per key (a client address): `perMinute` takes a minute, bursts up to the same. In memory
 * and per instance (behind N instances a client gets up to N× the rate). Uses real time: it is transport,
 * not domain. Reused by every limit that counts per client (search, complaints).
 *
 * Memory is bounded without ever clearing the table: buckets are kept in order of last use, and a bucket idle
 * for a minute has refilled (it is the same as none), so those are dropped from the old end. When the table
 * is full of clients active within the minute, a new client shares one overflow bucket with the other new
 * ones rather than evicting anyone: a flood from many addresses cannot reset the limits of those already held
 * back (clearing the table, as before, gave every one of them a fresh burst).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly ratePerMs: number
  private readonly idleMs: number

  constructor(
    readonly perMinute: number,
    private readonly opts: { maxClients?: number; now?: () => number } = {},
  ) {
    this.ratePerMs = perMinute / 60_000
    this.idleMs = 60_000
  }

  /** Takes one request for `key`: 0 when allowed, else the seconds until one is. */
  take(key: string): number {
    const t = (this.opts.now ?? performance.now.bind(performance))()
    let b = this.buckets.get(key)
    if (b) {
      this.buckets.delete(key) // re-inserted below: the map stays in order of last use
    } else {
      this.dropIdle(t)
      if (this.buckets.size >= (this.opts.maxClients ?? MAX_CLIENTS)) {
        key = OVERFLOW
        b = this.buckets.get(OVERFLOW)
        this.buckets.delete(OVERFLOW)
      }
    }
    b ??= { tokens: this.perMinute, at: t }
    b.tokens = Math.min(this.perMinute, b.tokens + (t - b.at) * this.ratePerMs)
    b.at = t
    this.buckets.set(key, b)
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerMs / 1000))
    b.tokens -= 1
    return 0
  }

  /** How many clients are tracked (for tests). */
  get size(): number {
    return this.buckets.size
  }

  private dropIdle(t: number): void {
    for (const [key, b] of this.buckets) {
      if (t - b.at < this.idleMs) return
      this.buckets.delete(key)
    }
  }
}

/**
 * The client's address. Without TRUST_PROXY: the socket's peer. With it (one reverse proxy in front, which
 * appends the address it was connected from to `X-Forwarded-For`): the right-most entry of that header, the
 * one our proxy wrote. Entries to its left came from the client and may be anything, so they are never used;
 * behind a chain of proxies, the last one's view is what counts (configure it to pass the real client on).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')
    const last = forwarded?.split(',').at(-1)?.trim()
    if (last) return last.slice(0, 100)
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown' // not on the Node server (e.g. app.request in a unit test): one shared bucket
  }
}

/** What a refused client is told, with the seconds to wait. */
export type RefusalText = (retryAfter: number) => { zh: string; en: string }

const TOO_MANY_SEARCHES: RefusalText = (s) => ({
  zh: `查询过于频繁，请 ${s} 秒后再试`,
  en: `Too many searches; retry in ${s} s`,
})

/**
 * A limit of `perMinute` requests per client address (the proxy's report of it under `trustProxy`); over it,
 * 429 with Retry-After and `text` (search's wording unless given).
 */
export function rateLimit(
  perMinute: number,
  opts: { trustProxy?: boolean; now?: () => number; maxClients?: number; text?: RefusalText } = {},
): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiter(perMinute, opts)
  const text = opts.text ?? TOO_MANY_SEARCHES
  return async (c, next) => {
    const retryAfter = limiter.take(clientAddress(c, opts.trustProxy ?? false))
    if (retryAfter > 0)
      throw new AppError('rate_limited', text(retryAfter), {
        headers: { 'retry-after': String(retryAfter) },
      })
    await next()
  }
}
