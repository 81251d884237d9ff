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

/** Security headers on every response, whichever layer made it (routes, problem+json, not found). */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    const h = c.res.headers
    h.set('X-Content-Type-Options', 'nosniff')
    h.set('Referrer-Policy', 'no-referrer')
    h.set('Cross-Origin-Opener-Policy', 'same-origin')
    if (c.get('allowFraming')) {
      h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    } else {
      h.set('Content-Security-Policy', `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`)
      h.set('X-Frame-Options', 'DENY')
    }
  }
}
