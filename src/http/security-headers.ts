import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './app-env.js'

/**
 * Pages load only what the service itself serves: no inline script, no third-party origin, no plugins,
 * and no framing by other sites. Swagger UI (/docs) works within this: its start-up script is a file.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ')

/**
 * Lets the current response be shown in a frame (the kiosk board page is embedded in control-room
 * dashboards); every other response refuses framing.
 */
export function allowFraming(c: Context<AppEnv>): void {
  c.set('allowFraming', true)
}

/**
 * Replaces the default policy for the current response with a stricter one (the public pages load no script
 * at all). Still set by `securityHeaders`, so there is one Content-Security-Policy header, framing rules
 * included.
 */
export function useContentSecurityPolicy(c: Context<AppEnv>, policy: string): void {
  c.set('contentSecurityPolicy', policy)
}

const FRAMING_REFUSED = "; frame-ancestors 'none'"

/**
 * The security headers of a response with the default policy that refuses framing — every API response and
 * feed. The fast path in front of the router (src/public/fast-reads.ts) sends these same values.
 */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Other sites may read the public data with fetch (CORS), but not pull responses in as images or scripts.
  'Cross-Origin-Resource-Policy': 'same-origin',
  // No page here uses these browser features; nothing it embeds may either.
  'Permissions-Policy':
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}${FRAMING_REFUSED}`,
  'X-Frame-Options': 'DENY',
}

/**
 * Sent when the request came over TLS, which the service (plain HTTP behind a TLS-terminating proxy) knows
 * only from a trusted proxy's `X-Forwarded-Proto`. A year, this host only: the operator decides about
 * subdomains and preloading at the proxy.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000'

/** Whether a trusted proxy says the client came in over https (the first `X-Forwarded-Proto` value). */
export const forwardedHttps = (proto: string | string[] | undefined): boolean =>
  (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https'

/** Over TLS directly, or (only when the proxy is trusted) as the proxy says the client came in. */
export function isHttpsRequest(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  return trustProxy && forwardedHttps(c.req.header('x-forwarded-proto'))
}

/**
 * Security headers on every response, whichever layer made it (routes, problem+json, not found). An answer
 * to an authenticated request (token or session) that set no caching of its own is `no-store`: such answers
 * carry tokens, one-time passwords, webhook secrets or personal data, and no cache may keep them.
 */
export function securityHeaders(opts: { trustProxy?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    const h = c.res.headers
    for (const name in DEFAULT_SECURITY_HEADERS) h.set(name, DEFAULT_SECURITY_HEADERS[name] as string)
    if (isHttpsRequest(c, opts.trustProxy ?? false))
      h.set('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY)
    if (c.get('actor') && !h.has('cache-control')) h.set('Cache-Control', 'no-store')
    const policy = c.get('contentSecurityPolicy')
    if (c.get('allowFraming')) {
      h.set('Content-Security-Policy', policy ?? CONTENT_SECURITY_POLICY)
      h.delete('X-Frame-Options')
    } else if (policy !== undefined) {
      h.set('Content-Security-Policy', `${policy}${FRAMING_REFUSED}`)
    }
  }
}
