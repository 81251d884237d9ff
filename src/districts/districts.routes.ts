import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { listDistricts } from './districts.repo.js'

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
  },
})

export function districtRoutes({ db }: AppDeps) {
  return newRouter().openapi(list, async (c) => {
    const rows = await listDistricts(db)
    return c.json(
      {
        items: rows.map((r) => ({
          code: r.code,
          nameZh: r.name_zh,
          nameEn: r.name_en,
          kind: r.kind,
          since: r.since,
        })),
      },
      200,
    )
  })
}
