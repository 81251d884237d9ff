import { createHash } from 'node:crypto'
import { z } from '@hono/zod-openapi'
import { decodeCursor } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { PageQuery } from '../http/pagination.js'
import { type CachedBody, sendCached } from '../http/read-cache.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { pageSchema } from '../http/schemas.js'
import type { FixedResponses } from '../public/fast-reads.js'

const DEFAULT_PAGE = 50

const DistrictSchema = z
  .strictObject({
    code: z.string().openapi({ example: '510104', description: 'GB/T 2260 code' }),
    nameZh: z.string().openapi({ example: '锦江区' }),
    nameEn: z.string().openapi({ example: 'Jinjiang District' }),
    kind: z.string().openapi({ example: 'district' }),
    since: z.number().int().nullable(),
  })
  .openapi('District')

const list = publicRoute({
  method: 'get',
  path: '/districts',
  operationId: 'listDistricts',
  tags: ['districts'],
  summary: 'List county-level divisions by code (reference data)',
  request: { query: z.strictObject(PageQuery) },
  responses: {
    200: {
      description: 'All districts, by code',
      content: { 'application/json': { schema: pageSchema(DistrictSchema) } },
    },
    304: { description: 'Not modified (If-None-Match matched the ETag)' },
  },
})

/** `fixed` remembers the ready first page by URL, for the fast path in front of the router. */
export function districtRoutes({ districts }: Pick<AppDeps, 'districts'>, fixed: FixedResponses) {
  // The first page at the default size, ready-made with its ETag: what nearly every caller asks for.
  const body = new TextEncoder().encode(JSON.stringify(districts.page(DEFAULT_PAGE)))
  const firstPage: CachedBody = {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    type: 'application/json; charset=utf-8',
    cacheControl: 'public, max-age=300',
  }
  return newRouter().openapi(list, (c) => {
    const q = c.req.valid('query')
    if (q.cursor !== undefined || q.limit !== DEFAULT_PAGE) {
      const after = q.cursor === undefined ? undefined : String(decodeCursor(q.cursor, 1)[0])
      return c.json(districts.page(q.limit, after), 200)
    }
    return sendCached(c, fixed.remember(c, firstPage)) as never
  })
}
