import { z } from '@hono/zod-openapi'
import { decodeCursor, encodeCursor } from '../db/pagination.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { sendCached } from '../http/read-cache.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { problem } from '../http/schemas.js'
import type { PublicReads, PublicSnapshot } from './public-reads.js'
import { type SearchHit, SearchHitSchema } from './search.js'

export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .openapi({
      description:
        'Product, brand, batch or date (any form the importer reads: 2005/3/28, 2005年3月28日), producer, ' +
        'sampled unit, category, failed item or hazard (苏丹红, 苏丹红I, 苏丹红1号 alike); substrings work (辣椒)',
    }),
  ...PageQuery,
})

const search = publicRoute({
  method: 'get',
  path: '/public/search',
  operationId: 'searchPublic',
  tags: ['public'],
  summary: 'Is my product affected? Search alerts and published samples',
  description:
    'Failed results first (active alerts and failing samples, then lifted alerts), passed last; real before ' +
    'exercise; then newest. Rate limited per client: 429 with `Retry-After`.',
  request: { query: SearchQuery },
  responses: {
    200: {
      description: 'Matching products',
      content: { 'application/json': { schema: pageSchema(SearchHitSchema).openapi('SearchPage') } },
    },
    304: { description: 'Not modified' },
    429: problem('Too many searches from this client'),
  },
})

/** One page of hits; the cursor is the position in the (snapshot-stable) result order. */
export function searchPage(
  s: PublicSnapshot,
  q: string,
  limit: number,
  cursor?: string,
): { items: SearchHit[]; next: string | null } {
  const start = cursor ? Number(decodeCursor(cursor, 1)[0]) || 0 : 0
  const { entries, more } = s.search.search(q, start, limit)
  return { items: entries.map((e) => e.hit), next: more ? encodeCursor([start + limit]) : null }
}

export function searchRoutes(reads: PublicReads) {
  return newRouter().openapi(search, async (c) => {
    const { q, limit, cursor } = c.req.valid('query')
    if (cursor) decodeCursor(cursor, 1)
    const entry = await reads.get(
      `api:search:${limit}:${cursor ?? ''}:${q}`,
      'application/json; charset=utf-8',
      (s) => JSON.stringify(searchPage(s, q, limit, cursor)),
    )
    return sendCached(c, entry) as never
  })
}
