import { z } from '@hono/zod-openapi'
import type { Child } from 'hono/jsx'
import { listAlerts } from '../alerts/alert-snapshot.js'
import type { AppDeps } from '../deps.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import { pageLang } from '../web/i18n.js'
import { SITE_CSS } from '../web/layout.js'
import { htmlResponse, pageResponses } from '../web/page-route.js'
import { pageHeaders } from '../web/security.js'
import { AlertPage, HomePage, NotFoundPage, SearchPage } from './alert-pages.js'
import type { PublicReads } from './public-reads.js'
import { sendCached } from './read-cache.js'
import { searchPage } from './search.routes.js'

const HTML = 'text/html; charset=utf-8'
const HOME_SIZE = 50

export const renderPage = (node: Child) => `<!doctype html>${String(node)}`

const PAGE = { method: 'get' as const, tags: ['pages'], responses: pageResponses }

const home = publicRoute(
  {
    ...PAGE,
    path: '/',
    operationId: 'homePage',
    summary: 'Home: active alerts, latest announcements, search',
  },
  { api: false },
)
const alertPage = publicRoute(
  {
    ...PAGE,
    path: '/alerts/{id}',
    operationId: 'alertPage',
    summary: 'One alert: what happened, which products and batches, what to do',
    request: { params: IdParam },
    responses: { ...pageResponses, 404: htmlResponse('No such alert') },
  },
  { api: false },
)
const searchPageRoute = publicRoute(
  {
    ...PAGE,
    path: '/search',
    operationId: 'searchPage',
    summary: 'Search results page (rate limited per client)',
    request: { query: z.object({ q: z.string().max(1000).optional() }) },
    responses: {
      ...pageResponses,
      429: problem('Too many searches from this client; retry after Retry-After'),
    },
  },
  { api: false },
)

/** The public web pages: server-rendered, no scripts, served from the same in-memory model as the API. */
export function pageRoutes(_deps: Pick<AppDeps, 'config'>, reads: PublicReads) {
  const selfOf = (url: string) => {
    const u = new URL(url)
    u.searchParams.delete('lang')
    return `${u.pathname}${u.search}`
  }
  // A language chosen by cookie must not be served to someone else from a shared cache.
  const pageVary = { vary: 'Cookie' }
  const router = newRouter()
  // The stylesheet is an asset, like the /docs script: not an operation.
  router.get(SITE_CSS.path, (c) =>
    c.body(SITE_CSS.body, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    }),
  )
  return router
    .openapi(home, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      const entry = await reads.get(`page:home:${lang}`, HTML, (s) => {
        const base = { status: 'active' as const, limit: HOME_SIZE }
        return renderPage(
          <HomePage
            lang={lang}
            self="/"
            alerts={listAlerts(s.alerts, { ...base, exercise: 'false' }).items}
            drills={listAlerts(s.alerts, { ...base, exercise: 'true' }).items}
            announcements={s.latestAnnouncements}
          />,
        )
      })
      return sendCached(c, entry, pageVary) as never
    })
    .openapi(alertPage, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      const { id } = c.req.valid('param')
      const snapshot = await reads.current()
      const found = snapshot.alerts.byId.get(id)
      if (!found)
        return c.html(renderPage(<NotFoundPage lang={lang} self={selfOf(c.req.url)} />), 404) as never
      const entry = await reads.get(`page:alert:${id}:${lang}`, HTML, () =>
        renderPage(<AlertPage lang={lang} self={`/alerts/${id}`} alert={found.dto} />),
      )
      return sendCached(c, entry, pageVary) as never
    })
    .openapi(searchPageRoute, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      const q = (c.req.valid('query').q ?? '').trim().slice(0, 100)
      const entry = await reads.get(`page:search:${lang}:${q}`, HTML, (s) => {
        const page = q ? searchPage(s, q, 50) : null
        return renderPage(
          <SearchPage
            lang={lang}
            self={q ? `/search?q=${encodeURIComponent(q)}` : '/search'}
            q={q}
            hits={page?.items ?? null}
            more={page?.next != null}
          />,
        )
      })
      return sendCached(c, entry, pageVary) as never
    })
}
