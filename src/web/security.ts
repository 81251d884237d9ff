import type { Context } from 'hono'

/**
 * Pages load only their own stylesheet: no scripts at all, no inline styles, no third-party origins.
 * Set explicitly on every page so it holds whatever default headers the app adds.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

export function pageHeaders(c: Context): void {
  c.header('Content-Security-Policy', PAGE_CSP)
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Referrer-Policy', 'same-origin')
  c.header('X-Frame-Options', 'DENY')
}
