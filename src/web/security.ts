import type { Context } from 'hono'
import type { AppEnv } from '../http/app-env.js'
import { useContentSecurityPolicy } from '../http/security-headers.js'

/**
 * Pages load only their own stylesheet: no scripts at all, no inline styles, no third-party origins.
 * Stricter than the service default (which lets /docs load its script file); `securityHeaders` sends it,
 * with the framing rules and the other headers every response carries.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'"

export function pageHeaders(c: Context<AppEnv>): void {
  useContentSecurityPolicy(c, PAGE_CSP)
}
