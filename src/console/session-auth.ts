import { timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'
import { isHttpsRequest } from '../http/security-headers.js'
import { resolveSession, type Session, type SessionDeps } from '../sessions/sessions.service.js'

/**
 * Browser sessions. The cookie authorises only the page routes (`/login`, `/logout`, `/console/*`); the JSON
 * API (`/api/v1/*`) keeps reading bearer tokens alone, so no API write can ride on a cookie and the API needs
 * no CSRF defence. Pages act through the same services with the same `Actor`, so events name the person.
 */
export const SESSION_COOKIE = 'rs_session'
export const LOGIN_CSRF_COOKIE = 'rs_login_csrf'
export const CSRF_FIELD = '_csrf'

export type ConsoleEnv = { Variables: AppEnv['Variables'] & { session: Session | null } }

export interface CookieConfig {
  TRUST_PROXY: boolean
}

/** Over TLS directly, or (only when the proxy is trusted) as the proxy says the client came in. */
export const isSecureRequest = (c: Context, config: CookieConfig): boolean =>
  isHttpsRequest(c, config.TRUST_PROXY)

export function setSessionCookie(c: Context, config: CookieConfig, secret: string): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: isSecureRequest(c, config),
  })
}

export function clearSessionCookie(c: Context, config: CookieConfig): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c, config) })
}

/** Reads the session cookie; a live session becomes the request's actor, exactly like a bearer token. */
export function loadSession(deps: SessionDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    c.set('session', null)
    const secret = getCookie(c, SESSION_COOKIE)
    if (secret && secret.length <= 100) {
      const session = await resolveSession(deps, secret)
      if (session) {
        c.set('session', session)
        c.set('actor', session.actor)
      }
    }
    await next()
  }
}

// Browsers treat a backslash like a slash ("/\\evil.example" is another host) and drop control characters.
const hasControlOrBackslash = (s: string) => [...s].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20)

/** A path on this site: one '/' and then not another '/' or '\\' (which browsers read as another host). */
const sameSitePath = (s: string) => s.startsWith('/') && s[1] !== '/' && s[1] !== '\\'

/**
 * A safe place to send someone after signing in: a path on this site, never another origin. Checked before
 * and after normalising, since dot segments can make a host of a path (`/.//evil.example` → `//evil.example`).
 */
export function safeNext(next: string | undefined): string | undefined {
  if (!next || next.length > 500 || !sameSitePath(next) || hasControlOrBackslash(next)) return undefined
  try {
    const u = new URL(next, 'http://redshield.invalid')
    const path = `${u.pathname}${u.search}`
    return u.origin === 'http://redshield.invalid' && sameSitePath(path) ? path : undefined
  } catch {
    return undefined
  }
}

/** Without a session, pages send the person to sign in and come back. */
export function requireSession(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (!c.get('session')) {
      const back = c.req.method === 'GET' ? safeNext(new URL(c.req.url).pathname) : undefined
      return c.redirect(
        back && back !== '/console' ? `/login?next=${encodeURIComponent(back)}` : '/login',
        303,
      )
    }
    await next()
  }
}

/** Until the one-time password is replaced, the only page is the one replacing it (and signing out). */
export function requireFreshPassword(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (c.get('session')?.mustChangePassword && c.req.path !== '/console/password')
      return c.redirect('/console/password', 303)
    await next()
  }
}

export const crossSite = () =>
  new AppError('forbidden', {
    zh: '拒绝跨站提交的表单。请从本站页面重新提交。',
    en: 'A form posted from another site is refused. Submit it again from this site’s page.',
  })

/**
 * Fetch metadata first (every current browser sends `Sec-Fetch-Site`), then `Origin`; a request with neither
 * is not a browser's cross-site post and is left to the token check.
 */
export function isSameOrigin(c: Context, config: CookieConfig): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined) return site === 'same-origin' || site === 'none'
  const origin = c.req.header('origin')
  if (origin === undefined) return true
  if (origin === 'null') return false
  const host = (config.TRUST_PROXY && c.req.header('x-forwarded-host')) || c.req.header('host')
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

export function tokensEqual(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Every state-changing request from a session: same origin, and the session's token in the form. The form is
 * parsed here once; handlers read it again from Hono's cache.
 */
export function requireCsrf(config: CookieConfig): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (!isSameOrigin(c, config)) throw crossSite()
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const sent = form[CSRF_FIELD]
      if (!tokensEqual(typeof sent === 'string' ? sent : undefined, c.get('session')?.csrfToken))
        throw new AppError('forbidden', {
          zh: '表单已过期或来源不明，请刷新页面后重试。',
          en: 'The form has expired or did not come from this site; reload the page and try again.',
        })
    }
    await next()
  }
}

export { getCookie, setCookie }
