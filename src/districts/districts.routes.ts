import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { decodeCursor, PageQuery } from '../http/pagination.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { pageSchema } from '../http/schemas.js'
import type { FixedResponses } from '../public/fast-reads.js'
import { sendCached } from '../public/read-cache.js'

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
  return newRouter().openapi(list, (c) => {
    const q = c.req.valid('query')
    if (q.cursor !== undefined || q.limit !== 50) {
      const after = q.cursor === undefined ? undefined : String(decodeCursor(q.cursor, 1)[0])
      return c.json(districts.page(q.limit, after), 200)
    }
    return sendCached(c, fixed.remember(c, districts.firstPage)) as never
  })
}
