import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { allowFraming, useContentSecurityPolicy } from '../http/security-headers.js'
import { pageErrors } from '../web/page-errors.js'
import { htmlResponse, pageResponses } from '../web/page-route.js'
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
    request: {
      params: RetailerIdParam,
      query: z.object({
        rotate: z.coerce
          .number()
          .int()
          .min(3)
          .max(300)
          .optional()
          .openapi({ description: 'Seconds each screenful of failing products stays (default 12)' }),
      }),
    },
    responses: { ...pageResponses, 404: htmlResponse('No board for this retailer') },
  },
  { api: false },
)

const immutable = 'public, max-age=31536000, immutable'

export function boardPageRoutes(deps: AppDeps) {
  const router = newRouter()
  router.onError(pageErrors)
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
    const board = await getBoard(deps, c.req.valid('param').retailerId)
    useContentSecurityPolicy(c, KIOSK_CSP)
    allowFraming(c)
    const etag = boardEtag(board)
    const { rotate } = c.req.valid('query')
    const html = `<!doctype html>${String(
      <KioskPage
        board={board}
        etag={etag}
        pollMs={deps.config.BOARD_POLL_MS}
        rotateMs={rotate === undefined ? undefined : rotate * 1000}
      />,
    )}`
    return c.body(html, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
  })
}
