import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { publicRoute, securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import {
  BoardSchema,
  BoardVersionPageSchema,
  BoardVersionQuery,
  ConfirmedSchema,
  ConfirmSchema,
  RetailerIdParam,
  UnconfirmedPageSchema,
  UnconfirmedQuery,
} from './boards.schema.js'
import { boardVersions, confirmBoard, getBoard, unconfirmedBoards } from './boards.service.js'

/** Kiosks poll with If-None-Match; a shared cache may hold a board briefly (boards change within seconds). */
export const BOARD_CACHE_CONTROL = 'public, max-age=5, must-revalidate'

export const boardEtag = (b: { version: number; refreshedAt: string }) =>
  `"b${b.version}-${Date.parse(b.refreshedAt).toString(36)}"`

const unconfirmed = securedRoute(ACCESS.readBoardStatus, {
  method: 'get',
  path: '/boards/unconfirmed',
  operationId: 'listUnconfirmedBoards',
  tags: ['boards'],
  summary: 'Retailers that have not confirmed taking down new failing products, longest waiting first',
  description:
    'A district token sees its own district only (another `district` is 403); `overdue=true` is the ' +
    'district’s overdue list: unconfirmed for more than 24 h.',
  request: { query: UnconfirmedQuery },
  responses: { 200: { description: 'A page of unconfirmed boards', content: json(UnconfirmedPageSchema) } },
})
const get = publicRoute({
  method: 'get',
  path: '/boards/{retailerId}',
  operationId: 'getBoard',
  tags: ['boards'],
  summary: 'A retailer’s information board (食品信息公示栏), current version',
  description:
    'Answers `304` to a matching `If-None-Match`; the `ETag` changes with the version or refresh time.',
  request: { params: RetailerIdParam },
  responses: {
    200: { description: 'The board', content: json(BoardSchema) },
    304: { description: 'Unchanged since the ETag sent' },
    404: problem('No such retailer'),
  },
})
const versions = publicRoute({
  method: 'get',
  path: '/boards/{retailerId}/versions',
  operationId: 'listBoardVersions',
  tags: ['boards'],
  summary: 'A board’s last 20 versions, newest first',
  request: { params: RetailerIdParam, query: BoardVersionQuery },
  responses: {
    200: { description: 'A page of versions', content: json(BoardVersionPageSchema) },
    404: problem('No such retailer'),
  },
})
const confirm = securedRoute(ACCESS.confirmBoard, {
  method: 'post',
  path: '/boards/{retailerId}/confirm',
  operationId: 'confirmBoard',
  tags: ['boards'],
  summary: 'The retailer confirms it has taken down the failing products its board lists (企业自律)',
  description:
    'Only the current version can be confirmed: an older or unknown version is 409 (the problem names the ' +
    'current one). Another retailer’s board is 403.',
  request: { params: RetailerIdParam, body: { content: json(ConfirmSchema), required: true } },
  responses: {
    200: { description: 'Confirmed', content: json(ConfirmedSchema) },
    404: problem('No such retailer'),
    409: problem('Not the current version'),
  },
})

export function boardRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(unconfirmed, async (c) =>
      c.json(await unconfirmedBoards(deps, requestContextOf(c), c.req.valid('query')), 200),
    )
    .openapi(get, async (c) => {
      const board = await getBoard(deps, c.req.valid('param').retailerId)
      const etag = boardEtag(board)
      c.header('ETag', etag)
      c.header('Cache-Control', BOARD_CACHE_CONTROL)
      if (c.req.header('if-none-match') === etag) return c.body(null, 304)
      return c.json(board, 200)
    })
    .openapi(versions, async (c) =>
      c.json(await boardVersions(deps, c.req.valid('param').retailerId, c.req.valid('query')), 200),
    )
    .openapi(confirm, async (c) =>
      c.json(
        await confirmBoard(
          deps,
          requestContextOf(c),
          c.req.valid('param').retailerId,
          c.req.valid('json').version,
        ),
        200,
      ),
    )
}
