import type { AppDeps } from '../deps.js'
import { AppError } from '../domain/errors.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { allowFraming, useContentSecurityPolicy } from '../http/security-headers.js'
import { pageLang } from '../web/i18n.js'
import { NotFoundPage } from '../web/not-found.js'
import { htmlResponse, pageResponses } from '../web/page-route.js'
import { pageHeaders } from '../web/security.js'
import { KIOSK_CSP, KIOSK_CSS, KIOSK_JS, KioskPage } from './board-page.js'
import { boardEtag } from './boards.routes.js'
import { RetailerIdParam } from './boards.schema.js'
import { getBoard } from './boards.service.js'

const page = publicRoute(
  {
    method: 'get',
    path: '/boards/{retailerId}',
    operationId: 'getBoardPage',
    tags: ['pages'],
    summary: 'Kiosk page of a retailer’s board for a wall screen; updates itself; may be framed',
    request: { params: RetailerIdParam },
    responses: { ...pageResponses, 404: htmlResponse('No such retailer: a page, in the reader’s language') },
  },
  { api: false },
)

const immutable = 'public, max-age=31536000, immutable'

export function boardPageRoutes(deps: AppDeps) {
  const router = newRouter()
  router.get(KIOSK_CSS.path, (c) =>
    c.body(KIOSK_CSS.body, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': immutable }),
  )
  router.get(KIOSK_JS.path, (c) =>
    c.body(KIOSK_JS.body, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': immutable,
    }),
  )
  return router.openapi(page, async (c) => {
    const { retailerId } = c.req.valid('param')
    const board = await getBoard(deps, retailerId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return undefined
      throw err
    })
    if (!board) {
      // Like every other page: a page in the reader's language, not the API's problem+json.
      pageHeaders(c)
      const html = `<!doctype html>${String(<NotFoundPage lang={pageLang(c)} self={`/boards/${retailerId}`} />)}`
      return c.html(html, 404) as never
    }
    useContentSecurityPolicy(c, KIOSK_CSP)
    allowFraming(c)
    const etag = boardEtag(board)
    const html = `<!doctype html>${String(<KioskPage board={board} etag={etag} pollMs={deps.config.BOARD_POLL_MS} />)}`
    return c.body(html, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
  })
}
