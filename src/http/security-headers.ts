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
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}${FRAMING_REFUSED}`,
  'X-Frame-Options': 'DENY',
}

/** Security headers on every response, whichever layer made it (routes, problem+json, not found). */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    const h = c.res.headers
    for (const name in DEFAULT_SECURITY_HEADERS) h.set(name, DEFAULT_SECURITY_HEADERS[name] as string)
    const policy = c.get('contentSecurityPolicy')
    if (c.get('allowFraming')) {
      h.set('Content-Security-Policy', policy ?? CONTENT_SECURITY_POLICY)
      h.delete('X-Frame-Options')
    } else if (policy !== undefined) {
      h.set('Content-Security-Policy', `${policy}${FRAMING_REFUSED}`)
    }
  }
}
