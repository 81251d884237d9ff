import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'

const DistrictSchema = z
  .object({
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
  tags: ['districts'],
  summary: 'List county-level divisions (reference data)',
  responses: {
    200: {
      description: 'All districts, by code',
      content: { 'application/json': { schema: z.object({ items: z.array(DistrictSchema) }) } },
    },
    304: { description: 'Not modified (If-None-Match matched the ETag)' },
  },
})

export function districtRoutes({ districts }: AppDeps) {
  return newRouter().openapi(list, (c) => {
    c.header('ETag', districts.etag)
    c.header('Cache-Control', 'public, max-age=300')
    if (c.req.header('if-none-match') === districts.etag) return c.body(null, 304)
    return c.body(districts.json, 200, { 'content-type': 'application/json; charset=utf-8' })
  })
}
