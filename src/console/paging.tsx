import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { zodIssues } from '../http/errors.js'
import { PageQuery } from '../http/pagination.js'
import { type Lang, pageLang, tr } from '../web/i18n.js'
import { issueLines } from './console-forms.js'

/** The console's lists show at most this many rows a page. */
export const CONSOLE_PAGE_MAX = 200

/**
 * The API's keyset paging (`limit`, `cursor`) with the way back: `back` carries the cursors of the pages
 * already passed (the first page has none), so "previous" is a plain link, and a cursor is still only ever
 * one the list handed out.
 */
const PagingSchema = z.object({
  limit: z.coerce.number().int().min(1).max(CONSOLE_PAGE_MAX).default(CONSOLE_PAGE_MAX),
  cursor: PageQuery.cursor,
  back: z.array(z.string().max(1000)).max(500),
})
export type Paging = z.infer<typeof PagingSchema>

/** The paging of a console list request, or the problems with it (as `query.limit: …`). */
export function pagingOf(
  c: Context,
): { ok: true; paging: Paging } | { ok: false; problems: string[]; paging: Paging } {
  const parsed = PagingSchema.safeParse({
    limit: c.req.query('limit') || undefined,
    cursor: c.req.query('cursor') || undefined,
    back: c.req.queries('back') ?? [],
  })
  if (parsed.success) return { ok: true, paging: parsed.data }
  return {
    ok: false,
    problems: issueLines(zodIssues(parsed.error, 'query'), pageLang(c)),
    paging: { limit: CONSOLE_PAGE_MAX, back: [] },
  }
}

/** A list's query string: its filters, and the page (its cursor and the way back). */
export function pageQuery(
  filters: Record<string, string>,
  limit: number,
  cursor?: string,
  back: string[] = [],
) {
  const q = new URLSearchParams(filters)
  if (limit !== CONSOLE_PAGE_MAX) q.set('limit', String(limit))
  if (cursor) {
    for (const b of back) q.append('back', b)
    q.set('cursor', cursor)
  }
  return q.toString()
}

const href = (path: string, query: string) => (query ? `${path}?${query}` : path)

/** Previous and next page links that keep the list's filters. */
export function Pager(p: {
  path: string
  filters: Record<string, string>
  paging: Paging
  next: string | null
  lang: Lang
}) {
  const { paging: g } = p
  const prev = g.cursor
    ? href(p.path, pageQuery(p.filters, g.limit, g.back.at(-1), g.back.slice(0, -1)))
    : null
  const next = p.next
    ? href(p.path, pageQuery(p.filters, g.limit, p.next, g.cursor ? [...g.back, g.cursor] : []))
    : null
  if (!prev && !next) return null
  return (
    <nav class="pager" aria-label={tr(p.lang, { zh: '翻页', en: 'Pages' })}>
      {prev ? (
        <a href={prev} rel="prev">
          ← {tr(p.lang, { zh: '上一页', en: 'Previous page' })}
        </a>
      ) : null}
      {next ? (
        <a href={next} rel="next">
          {tr(p.lang, { zh: '下一页', en: 'Next page' })} →
        </a>
      ) : null}
    </nav>
  )
}
