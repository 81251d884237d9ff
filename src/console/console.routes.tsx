import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { contextStorage } from 'hono/context-storage'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { ROLES } from '../domain/enums.js'
import { AppError } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { handleError } from '../http/errors.js'
import { limitBody } from '../http/middleware.js'
import { changePassword, resolveSession, signIn, signOut } from '../sessions/sessions.service.js'
import type { ActorCache } from '../tokens/actor-cache.js'
import { pageLang } from '../web/i18n.js'
import { consoleAdminRoutes } from './admin.routes.js'
import { consoleAnnouncementRoutes } from './announcement.routes.js'
import { consoleComplaintRoutes } from './complaint.routes.js'
import { consoleIncidentRoutes } from './incident.routes.js'
import { consoleIncidentReportRoutes } from './incident-report.routes.js'
import { CONSOLE_CSS_PATH, CONSOLE_JS_PATH } from './layout.js'
import { consoleOverviewRoutes } from './overview.routes.js'
import { ErrorPage, HomePage, LoginPage, LogoutPage, PasswordPage } from './pages.js'
import { consoleSampleRoutes } from './sample.routes.js'
import { consoleScorecardRoutes } from './scorecard.routes.js'
import {
  type ConsoleEnv,
  CSRF_FIELD,
  clearSessionCookie,
  crossSite,
  getCookie,
  isSameOrigin,
  isSecureRequest,
  LOGIN_CSRF_COOKIE,
  loadSession,
  requireCsrf,
  requireFreshPassword,
  requireSession,
  safeNext,
  setCookie,
  setSessionCookie,
  tokensEqual,
} from './session-auth.js'
import { consoleTaskRoutes } from './task.routes.js'
import { consoleTaskMoveRoutes } from './task-move.routes.js'

/** The console's one small script, a file under the strict CSP (no inline script). */
const CONSOLE_JS = readFileSync(new URL('./assets/console.js', import.meta.url), 'utf8')
const CONSOLE_CSS = readFileSync(new URL('./assets/console.css', import.meta.url), 'utf8')

const ctxOf = (c: Context<ConsoleEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})

const field = (form: Record<string, unknown>, name: string) => {
  const v = form[name]
  return typeof v === 'string' ? v : ''
}

/** Sign-in, sign-out and the console's pages. Every path is named: nothing here touches `/api/v1/*`. */
/**
 * Where a signed-in person starts: a district officer's work is the task list, everyone else's the console's
 * home. After signing in (unless a page was asked for) and after the first password change alike.
 */
const landingOf = (role: string | undefined) => (role === 'district' ? '/console/tasks' : '/console')

export function consoleRoutes(deps: AppDeps, actors: ActorCache) {
  const { config } = deps
  const app = new Hono<ConsoleEnv>()
  const pages = ['/login', '/logout', '/console', '/console/*']
  // The layout reads the signed-in person's role from the request it renders (the role's navigation).
  for (const path of pages) app.use(path, contextStorage())
  for (const path of pages) {
    // Security headers (CSP, framing, nosniff, referrer) come from the app-wide `securityHeaders`; pages
    // only add that what they show is personal and must not be cached.
    app.use(path, async (c, next) => {
      await next()
      if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store')
    })
  }
  // limitBody reads no variable: the console env is a superset of the app env it is typed for.
  const pageLimit = limitBody(64 * 1024) as unknown as MiddlewareHandler<ConsoleEnv>
  const importLimit = limitBody(config.IMPORT_BODY_LIMIT_BYTES) as unknown as MiddlewareHandler<ConsoleEnv>
  for (const path of pages) {
    // Forms are small; a sampling file is as large as the API's import allows.
    app.use(path, (c, next) => (c.req.path === '/console/samples/import' ? importLimit : pageLimit)(c, next))
    app.use(path, loadSession(deps))
  }
  for (const path of ['/console', '/console/*']) {
    app.use(path, requireSession())
    app.use(path, requireCsrf(config))
    app.use(path, requireFreshPassword())
  }

  app.get(CONSOLE_JS_PATH, (c) =>
    c.body(CONSOLE_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=300',
    }),
  )

  app.get(CONSOLE_CSS_PATH, (c) =>
    c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  )

  const loginForm = (
    c: Context<ConsoleEnv>,
    status: 200 | 401 | 422,
    extra: { login?: string; next?: string; problems?: string[] } = {},
  ) => {
    // Before any session the form is tied to a short-lived SameSite=Strict cookie (double submit).
    const csrf = randomBytes(24).toString('base64url')
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/login',
      maxAge: 3600,
      secure: isSecureRequest(c, config),
    })
    return c.html(<LoginPage csrf={csrf} {...extra} />, status)
  }

  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'))
    if (c.get('session')) return c.redirect(next ?? '/console', 303)
    return loginForm(c, 200, { next })
  })

  app.post('/login', async (c) => {
    if (!isSameOrigin(c, config)) throw crossSite()
    const form = await c.req.parseBody()
    if (!tokensEqual(field(form, CSRF_FIELD), getCookie(c, LOGIN_CSRF_COOKIE))) throw crossSite()
    const login = field(form, 'login').trim()
    const password = field(form, 'password')
    const next = safeNext(field(form, 'next'))
    const problems = [
      ...(login ? [] : ['请填写登录名 Enter your login name']),
      ...(password ? [] : ['请填写密码 Enter your password']),
      ...(login.length > 64 || password.length > 1000 ? ['输入过长 Input too long'] : []),
    ]
    if (problems.length > 0) return loginForm(c, 422, { login: login.slice(0, 64), next, problems })

    const result = await signIn(deps, ctxOf(c), {
      login,
      password,
      userAgent: c.req.header('user-agent'),
    })
    if (result.kind === 'locked') {
      const minutes = Math.ceil(result.retryAfterSeconds / 60)
      throw new AppError(
        'rate_limited',
        {
          zh: `该登录名连续多次密码错误，已锁定，请 ${minutes} 分钟后再试。`,
          en: `Too many wrong passwords for this login; try again in ${minutes} minute(s).`,
        },
        { headers: { 'retry-after': String(result.retryAfterSeconds) } },
      )
    }
    if (result.kind === 'disabled')
      throw new AppError('forbidden', { zh: '该账户已停用。', en: 'This account is disabled.' })
    if (result.kind === 'refused')
      return loginForm(c, 401, { login, next, problems: ['登录名或密码错误 Wrong login name or password'] })
    setSessionCookie(c, config, result.secret)
    setCookie(c, LOGIN_CSRF_COOKIE, '', { path: '/login', maxAge: 0 })
    if (result.mustChange) return c.redirect('/console/password', 303)
    return c.redirect(next ?? landingOf((await resolveSession(deps, result.secret))?.actor.role), 303)
  })

  app.get('/logout', (c) => {
    const session = c.get('session')
    if (!session) return c.redirect('/login', 303)
    return c.html(<LogoutPage csrf={session.csrfToken} login={session.login} />)
  })

  app.post('/logout', requireSession(), requireCsrf(config), async (c) => {
    const session = c.get('session')!
    const form = await c.req.parseBody()
    await signOut(deps, ctxOf(c), session, field(form, 'everywhere') === '1')
    clearSessionCookie(c, config)
    return c.redirect('/login', 303)
  })

  app.route('/', consoleIncidentReportRoutes(deps))
  app.route('/', consoleOverviewRoutes(deps))
  app.route('/', consoleIncidentRoutes(deps))
  app.route('/', consoleTaskMoveRoutes(deps))
  app.route('/', consoleAdminRoutes(deps, actors))
  app.route('/', consoleAnnouncementRoutes(deps))
  app.get('/console', requireRoles(ROLES), (c) => {
    const session = c.get('session')!
    const district = session.actor.districtCode
      ? deps.districts.items.find((d) => d.code === session.actor.districtCode)
      : undefined
    return c.html(
      <HomePage
        actor={session.actor}
        login={session.login}
        districtName={district?.nameZh}
        csrf={session.csrfToken}
      />,
    )
  })

  app.get('/console/password', (c) => {
    const s = c.get('session')!
    return c.html(<PasswordPage csrf={s.csrfToken} forced={s.mustChangePassword} login={s.login} />)
  })

  app.post('/console/password', async (c) => {
    const s = c.get('session')!
    const form = await c.req.parseBody()
    const result = await changePassword(deps, ctxOf(c), s, {
      current: field(form, 'current'),
      password: field(form, 'password'),
      confirm: field(form, 'confirm'),
    })
    if (result.ok) return c.redirect(landingOf(s.actor.role), 303)
    const problems = result.problems.map((p) => `${FIELD_NAMES[p.field] ?? p.field}: ${p.message}`)
    return c.html(
      <PasswordPage csrf={s.csrfToken} forced={s.mustChangePassword} login={s.login} problems={problems} />,
      422,
    )
  })

  app.route('/', consoleTaskRoutes(deps))
  app.route('/', consoleSampleRoutes(deps))
  // 12315 complaints and signals
  app.route('/', consoleComplaintRoutes(deps))
  app.route('/', consoleScorecardRoutes(deps))

  app.all('/console/*', () => {
    throw new AppError('not_found', { zh: '页面不存在', en: 'No such page' })
  })

  // Pages answer errors as pages, with the same status and headers (Retry-After) as the API would.
  app.onError(async (err, c) => {
    const res = handleError(err, c, deps.logger)
    const lang = pageLang(c)
    const detail = err instanceof AppError ? err.detail?.[lang] : undefined
    const page = await c.html(
      <ErrorPage
        status={res.status}
        title={TITLES[res.status] ?? `${res.status}`}
        detail={detail}
        signedIn={!!c.get('session')}
      />,
      res.status as 403,
    )
    const retryAfter = res.headers.get('retry-after')
    if (retryAfter) page.headers.set('retry-after', retryAfter)
    return page
  })
  return app
}

const FIELD_NAMES: Record<string, string> = {
  current: '当前密码 Current password',
  password: '新密码 New password',
  confirm: '再次输入 Again',
}

const TITLES: Record<number, string> = {
  403: '拒绝访问 Refused',
  404: '页面不存在 Not found',
  413: '提交内容过大 Too large',
  429: '请稍后再试 Too many attempts',
  500: '服务器内部错误 Internal error',
  503: '服务暂不可用 Unavailable',
}
