import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { routeTemplate } from '../metrics/metrics.routes.js'
import type { ChangeSignal } from '../public/change-signal.js'

export interface CachedBody {
  /** Encoded once: a large list is not re-encoded to UTF-8 on every request. */
  body: Uint8Array<ArrayBuffer>
  etag: string
  type: string
  /** When not `PUBLIC_CACHE_CONTROL`. */
  cacheControl?: string
  /**
   * Set when the body answers a URL by itself (keyed by its path and query, see `forUrl`): the route template
   * and path the access log and metrics name for it, so the fast path in front of the router
   * (src/public/fast-reads.ts) can send it as the route would.
   */
  url?: { route: string; path: string }
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

  /**
   * The ready response for `key` if the data is known not to have changed since it was built; never builds and
   * never waits (undefined too when a check of the change signal is due: the next request through the router
   * makes it).
   */
  peekNow(key: string): CachedBody | undefined {
    return this.signal.versionNow() === this.version ? this.bodies.get(key) : undefined
  }

  /**
   * The body for the request's own URL (path and query, as the router saw them), for routes whose response
   * depends on nothing else: such entries are what the fast path answers repeats from.
   */
  async forUrl(c: Context, type: string, build: (s: S) => string): Promise<CachedBody> {
    return answersUrl(c, await this.get(urlKey(c), type, build))
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

/** The request's path and query as sent (what the fast path looks entries up by). */
export function urlKey(c: Context): string {
  const url = c.req.url
  return url.slice(url.indexOf('/', url.indexOf('//') + 2))
}

/** Marks `entry` as the whole answer to the request's URL, naming its route and path for log and metrics. */
export function answersUrl(c: Context, entry: CachedBody): CachedBody {
  entry.url ??= { route: routeTemplate(c), path: c.req.path }
  return entry
}

/** Whether an If-None-Match header names `etag` (weak or strong, in a list or alone). */
export const etagMatches = (inm: string | undefined, etag: string) =>
  inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag) ?? false

/** Sends a cached body with its ETag, or 304 when the client already holds it. */
export function sendCached(c: Context, entry: CachedBody, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    etag: entry.etag,
    'cache-control': entry.cacheControl ?? PUBLIC_CACHE_CONTROL,
    ...extra,
  }
  if (etagMatches(c.req.header('if-none-match'), entry.etag)) {
    for (const [k, v] of Object.entries(headers)) c.header(k, v)
    return c.body(null, 304)
  }
  return c.body(entry.body, 200, { ...headers, 'content-type': entry.type })
}
