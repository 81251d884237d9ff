import { z } from '@hono/zod-openapi'

/**
 * Keyset pagination for every list: `?limit=` (default 50, at most 500) and `?cursor=` (opaque), answered
 * as `{items, next}`. The cursor is the sort key of the last item handed out, so following `next` visits
 * every item exactly once even while new rows are added (offsets would skip or repeat). The query shape is
 * the API's; the cursors and the keyset condition are the data layer's (src/db/pagination.ts).
 */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'Page size (1–500)' }),
  cursor: z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 'Opaque cursor from the previous page’s `next`' }),
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    items: z.array(item),
    next: z.string().nullable().openapi({ description: 'Cursor of the next page, or null on the last' }),
  })
