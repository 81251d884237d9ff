import { z } from '@hono/zod-openapi'
import type { Child } from 'hono/jsx'
import { listAlerts } from '../alerts/alert-snapshot.js'
import type { AppDeps } from '../deps.js'
import { sendCached, urlKey } from '../http/read-cache.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam } from '../http/schemas.js'
import { pageLang, tr } from '../web/i18n.js'
import { SITE_CSS } from '../web/layout.js'
import { errorPage, pageErrors } from '../web/page-errors.js'
import { htmlResponse, pageResponses } from '../web/page-route.js'
import { pageHeaders } from '../web/security.js'
import { FAVICON, ROBOTS_TXT } from '../web/site-files.js'
import { AlertPage, HomePage, SearchPage } from './alert-pages.js'
import { AlertsListPage, AlertsPageQuery, filterAlerts, readAlertsFilter } from './alerts-list-page.js'
import type { PublicReads } from './public-reads.js'

const HTML = 'text/html; charset=utf-8'
const HOME_SIZE = 10
const SEARCH_PAGE = 50

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
const alertsPage = publicRoute(
  {
    ...PAGE,
    path: '/alerts',
    operationId: 'alertsPage',
    summary: 'Every alert, paged, by district, category or hazard, date range, active or ended',
    request: { query: AlertsPageQuery },
  },
  { api: false },
)
const searchPageRoute = publicRoute(
  {
    ...PAGE,
    path: '/search',
    operationId: 'searchPage',
    summary: 'Search results page (rate limited per client)',
    responses: { ...pageResponses, 429: htmlResponse('Too many searches: a page saying when to retry') },
    request: {
      query: z.object({
        q: z.string().max(1000).optional(),
        page: z.string().max(10).optional().openapi({ description: 'Page of 50 hits, from 1' }),
      }),
    },
  },
  { api: false },
)

/** The public web pages: server-rendered, no scripts, served from the same in-memory model as the API. */
export function pageRoutes(deps: Pick<AppDeps, 'config' | 'districts'>, reads: PublicReads) {
  // A language chosen by cookie must not be served to someone else from a shared cache.
  const pageVary = { vary: 'Cookie' }
  const router = newRouter()
  router.onError(pageErrors)
  router.get('/favicon.ico', (c) =>
    c.body(FAVICON, 200, { 'content-type': 'image/x-icon', 'cache-control': 'public, max-age=86400' }),
  )
  router.get('/robots.txt', (c) =>
    c.body(ROBOTS_TXT, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    }),
  )
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
        const real = s.alerts.sorted.filter((e) => !e.row.exercise)
        const newest = real.reduce<(typeof real)[number] | null>(
          (n, e) => (!n || e.row.created_at > n.row.created_at ? e : n),
          null,
        )
        return renderPage(
          <HomePage
            lang={lang}
            self="/"
            alerts={listAlerts(s.alerts, { ...base, exercise: 'false' }).items}
            drills={listAlerts(s.alerts, { ...base, exercise: 'true', limit: 5 }).items}
            newest={newest?.dto ?? null}
            counts={{
              active: real.filter((e) => e.row.status === 'active').length,
              total: real.length,
            }}
            announcements={s.latestAnnouncements}
          />,
        )
      })
      return sendCached(c, entry, pageVary) as never
    })
    .openapi(alertsPage, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      const query = c.req.valid('query')
      const entry = await reads.get(`page:alerts:${lang}:${urlKey(c)}`, HTML, (s) => {
        const { filter, problems } = readAlertsFilter(query, deps.districts.items, lang)
        return renderPage(
          <AlertsListPage
            lang={lang}
            filter={filter}
            problems={problems}
            matches={filterAlerts(s.alerts, filter)}
            districts={deps.districts.items}
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
        return errorPage(c, 404, [
          tr(lang, {
            zh: '没有这条预警。它可能已被撤销，或网址输错了。',
            en: 'There is no such alert. It may have been withdrawn, or the address is mistyped.',
          }),
        ]) as never
      const entry = await reads.get(`page:alert:${id}:${lang}`, HTML, () =>
        renderPage(<AlertPage lang={lang} self={`/alerts/${id}`} alert={found.dto} />),
      )
      return sendCached(c, entry, pageVary) as never
    })
    .openapi(searchPageRoute, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      const query = c.req.valid('query')
      const q = (query.q ?? '').trim().slice(0, 100)
      const n = Number(query.page ?? '1')
      const pageNo = Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 1
      const entry = await reads.get(`page:search:${lang}:${pageNo}:${q}`, HTML, (s) => {
        const found = q ? s.search.search(q, (pageNo - 1) * SEARCH_PAGE, SEARCH_PAGE) : null
        const self = q ? `/search?q=${encodeURIComponent(q)}` : '/search'
        return renderPage(
          <SearchPage
            lang={lang}
            self={pageNo > 1 ? `${self}&page=${pageNo}` : self}
            q={q}
            hits={found?.entries.map((e) => e.hit) ?? null}
            page={pageNo}
            more={found?.more ?? false}
          />,
        )
      })
      return sendCached(c, entry, pageVary) as never
    })
}
