import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Context } from 'hono'
import { elapsedMs, requestIdFor } from '../http/middleware.js'
import { answersUrl, type CachedBody, etagMatches, PUBLIC_CACHE_CONTROL, urlKey } from '../http/read-cache.js'
import {
  DEFAULT_SECURITY_HEADERS,
  forwardedHttps,
  STRICT_TRANSPORT_SECURITY,
} from '../http/security-headers.js'
import type { AccessLog } from '../logger.js'
import type { RequestMeter } from '../metrics/metrics.routes.js'

/** Ready-made responses keyed by a request's path and query; `peekNow` never waits and never builds. */
export interface UrlResponses {
  peekNow(key: string): CachedBody | undefined
}

/** What the fast path needs from the app: where ready responses live, and the access log and metrics. */
export interface FastReads {
  sources: readonly UrlResponses[]
  log: AccessLog
  meter: RequestMeter
  /** TRUST_PROXY: a request the proxy says came over https gets Strict-Transport-Security, as on the Hono path. */
  trustProxy?: boolean
}

/**
 * Responses that do not change while the process runs (reference data), remembered by URL as their route
 * answers them. Bounded: only the few URLs that validate to the same answer are kept.
 */
export class FixedResponses implements UrlResponses {
  private readonly byUrl = new Map<string, CachedBody>()

  peekNow(key: string): CachedBody | undefined {
    return this.byUrl.get(key)
  }

  remember(c: Context, entry: CachedBody): CachedBody {
    const key = urlKey(c)
    if (this.byUrl.size < MAX_FIXED && !this.byUrl.has(key)) this.byUrl.set(key, answersUrl(c, entry))
    return entry
  }
}

const MAX_FIXED = 100

const SECURITY = Object.entries(DEFAULT_SECURITY_HEADERS).map(([k, v]): [string, string] => [
  k.toLowerCase(),
  v,
])

/**
 * The headers the Hono path sends with a cached body (`sendCached`, `securityHeaders`, `requestContext`), in the
 * order @hono/node-server writes them: a `Headers` object iterates by lower-case name (the request id, which
 * differs per request, sorts last); it appends `Content-Length` after them. Made once per entry.
 */
function fixedHeaders(entry: CachedBody, status: 200 | 304, tls: boolean): string[] {
  const pairs: [string, string][] = [
    ['cache-control', entry.cacheControl ?? PUBLIC_CACHE_CONTROL],
    ['etag', entry.etag],
    ...SECURITY,
  ]
  if (tls) pairs.push(['strict-transport-security', STRICT_TRANSPORT_SECURITY])
  if (status === 200) pairs.push(['content-type', entry.type])
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1)).flat()
}

interface Prepared {
  ok: string[]
  notModified: string[]
  length: string
}

const prepared = new WeakMap<CachedBody, { plain: Prepared; tls: Prepared }>()

function headersFor(entry: CachedBody, tls: boolean): Prepared {
  let h = prepared.get(entry)
  if (!h) {
    const length = String(entry.body.byteLength)
    const made = (t: boolean) => ({
      ok: fixedHeaders(entry, 200, t),
      notModified: fixedHeaders(entry, 304, t),
      length,
    })
    h = { plain: made(false), tls: made(true) }
    prepared.set(entry, h)
  }
  return tls ? h.tls : h.plain
}

function lookup(sources: readonly UrlResponses[], key: string): CachedBody | undefined {
  for (const s of sources) {
    const hit = s.peekNow(key)
    if (hit?.url) return hit
  }
  return undefined
}

/**
 * In front of the router, at the Node request-listener level: a GET or HEAD whose URL (path and query, as
 * sent) has a ready response that depends on nothing else is written straight to the socket — the same
 * status, headers and bytes the Hono route sends for it (304 when If-None-Match matches), with its own request
 * id, access-log line and metrics. Everything else goes to Hono unchanged: misses (which fill the entries),
 * a request with a token (an invalid one is still refused) or a body, any other route. The per-request cost
 * of the router, the middleware chain and the Request/Response objects is what a repeat read skips.
 */
export function fastReadListener(fast: FastReads, next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const { method, url, headers: h } = req
    const plainRead =
      (method === 'GET' || method === 'HEAD') &&
      url !== undefined &&
      h.authorization === undefined &&
      h['content-length'] === undefined &&
      h['transfer-encoding'] === undefined
    const entry = plainRead ? lookup(fast.sources, url) : undefined
    if (!(plainRead && entry?.url)) {
      next(req, res)
      return
    }
    const start = performance.now()
    const { path, route } = entry.url
    const id = requestIdFor(h['x-request-id'] as string | undefined)
    const fixed = headersFor(entry, fast.trustProxy === true && forwardedHttps(h['x-forwarded-proto']))
    if (etagMatches(h['if-none-match'], entry.etag)) {
      res.writeHead(304, [...fixed.notModified, 'x-request-id', id])
      res.end()
    } else if (method === 'HEAD') {
      // Hono answers HEAD with the GET response's headers and no body, so without a length too.
      res.writeHead(200, [...fixed.ok, 'x-request-id', id])
      res.end()
    } else {
      res.writeHead(200, [...fixed.ok, 'x-request-id', id, 'Content-Length', fixed.length])
      res.end(entry.body)
    }
    const status = res.statusCode
    fast.log(id, method, path, status, elapsedMs(start))
    fast.meter(method, route, status, start)
  }
}

/** The app's HTTP surface on a Node server: @hono/node-server behind the fast path for repeat reads. */
export function serveApp(
  app: { fetch: (req: Request) => Response | Promise<Response>; fastReads: FastReads },
  opts: { port: number; hostname?: string },
  onListening?: (info: AddressInfo) => void,
) {
  return serve(
    {
      fetch: app.fetch,
      port: opts.port,
      ...(opts.hostname === undefined ? {} : { hostname: opts.hostname }),
      createServer: ((options: object, listener: RequestListener) =>
        createServer(options, fastReadListener(app.fastReads, listener))) as typeof createServer,
    },
    onListening,
  )
}
