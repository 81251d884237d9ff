import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { ChangeSignal } from './change-signal.js'

export interface CachedBody {
  /** Encoded once: a large list is not re-encoded to UTF-8 on every request. */
  body: Uint8Array<ArrayBuffer>
  etag: string
  type: string
}

/** CDNs may keep a public read for a few seconds and serve it stale while they revalidate with the ETag. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=5, s-maxage=5, stale-while-revalidate=30'

const MAX_ENTRIES = 2000
const encoder = new TextEncoder()

/**
 * Ready-made public responses, keyed by what the request asked for, all dropped together when the change
 * signal moves. Building a snapshot of the data happens once per change, however many requests arrive.
 */
export class ReadCache<S> {
  private version = Number.NaN
  private snapshot: Promise<S> | null = null
  private readonly bodies = new Map<string, CachedBody>()

  constructor(
    private readonly signal: ChangeSignal,
    private readonly load: () => Promise<S>,
  ) {}

  /** The data snapshot for the current version; concurrent callers share one load. */
  async current(): Promise<S> {
    const v = await this.signal.version()
    if (v !== this.version || !this.snapshot) {
      this.version = v
      this.bodies.clear()
      const loading = this.load()
      this.snapshot = loading
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = null
      })
    }
    return this.snapshot
  }

  /** The ready response for `key` if the data has not changed since it was built; never builds. */
  async peek(key: string): Promise<CachedBody | undefined> {
    const v = await this.signal.version()
    return v === this.version ? this.bodies.get(key) : undefined
  }

  /** The response body for `key`, built from the snapshot the first time it is asked for. */
  async get(key: string, type: string, build: (s: S) => string): Promise<CachedBody> {
    const snapshot = await this.current()
    const hit = this.bodies.get(key)
    if (hit) return hit
    const body = encoder.encode(build(snapshot))
    const entry = { body, type, etag: `"${createHash('sha1').update(body).digest('base64url')}"` }
    // Arbitrary query strings must not grow memory without bound.
    if (this.bodies.size >= MAX_ENTRIES) this.bodies.clear()
    this.bodies.set(key, entry)
    return entry
  }
}

/** Sends a cached body with its ETag, or 304 when the client already holds it. */
export function sendCached(c: Context, entry: CachedBody, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    etag: entry.etag,
    'cache-control': PUBLIC_CACHE_CONTROL,
    ...extra,
  }
  const inm = c.req.header('if-none-match')
  if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === entry.etag)) {
    for (const [k, v] of Object.entries(headers)) c.header(k, v)
    return c.body(null, 304)
  }
  return c.body(entry.body, 200, { ...headers, 'content-type': entry.type })
}

/**
 * Answers a repeat of a public GET from memory before validation and routing: the URL is the cache key
 * (the route built the body under the same key after validating that very URL). A request with a token
 * goes the long way, so an invalid token is still refused (401). The access log, outside this, still runs.
 */
export function servedFromMemory(reads: ReadCache<unknown>): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' && c.req.header('authorization') === undefined) {
      const hit = await reads.peek(c.req.url)
      if (hit) return sendCached(c, hit)
    }
    await next()
  }
}
