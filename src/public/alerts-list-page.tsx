import { z } from '@hono/zod-openapi'
import { matchesAlert } from '../alerts/alert-filter.js'
import type { AlertEntry, AlertSnapshot } from '../alerts/alert-snapshot.js'
import type { District } from '../districts/district-directory.js'
import { AlertCard, Empty } from '../web/components.js'
import { type Lang, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'

/** How many alerts one page of `/alerts` lists. */
export const ALERTS_PAGE_SIZE = 20

/**
 * `/alerts` query: every parameter optional and loosely typed, so a value a person typed wrong is answered on
 * the page with a sentence (and left out of the filter), never with a refusal.
 */
export const AlertsPageQuery = z.object({
  status: z.string().max(20).optional().openapi({ description: 'active, ended or all (default)' }),
  district: z.string().max(20).optional().openapi({ description: 'GB/T 2260 district code' }),
  category: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: 'Food category or hazard, as words (调味品, 苏丹红)' }),
  from: z.string().max(20).optional().openapi({ description: 'Issued on or after (YYYY-MM-DD, Beijing)' }),
  to: z.string().max(20).optional().openapi({ description: 'Issued on or before (YYYY-MM-DD, Beijing)' }),
  exercise: z.string().max(10).optional().openapi({ description: 'true: exercises (drills) only' }),
  page: z.string().max(10).optional().openapi({ description: 'Page number, from 1' }),
})
export type AlertsPageQuery = z.infer<typeof AlertsPageQuery>

export interface AlertsFilter {
  status: 'active' | 'ended' | 'all'
  district: string | null
  category: string
  from: string | null
  to: string | null
  exercise: boolean
  page: number
}

/** Reads the query as a person meant it; each value that cannot be read is a sentence and is ignored. */
export function readAlertsFilter(
  q: AlertsPageQuery,
  districts: readonly District[],
  lang: Lang,
): { filter: AlertsFilter; problems: string[] } {
  const problems: string[] = []
  const status = q.status === 'active' || q.status === 'ended' ? q.status : 'all'
  if (q.status && q.status !== status)
    problems.push(
      tr(lang, { zh: '状态只能选“生效中”“已解除”或“全部”。', en: 'Status is one of active, ended or all.' }),
    )
  const district = q.district && districts.some((d) => d.code === q.district) ? q.district : null
  if (q.district && !district)
    problems.push(
      tr(lang, {
        zh: `没有代码为 ${q.district} 的区县，已显示所有区县。`,
        en: `There is no district ${q.district}; all districts are shown.`,
      }),
    )
  const date = (v: string | undefined, name: { zh: string; en: string }) => {
    if (!v) return null
    const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v.trim())
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null
    if (!m || !d || d.getUTCDate() !== Number(m[3])) {
      problems.push(
        tr(lang, {
          zh: `${name.zh}应写成 2026-11-30 这样的日期，“${v}”不是，已忽略。`,
          en: `${name.en} should be a date such as 2026-11-30; “${v}” is not, so it was ignored.`,
        }),
      )
      return null
    }
    return d.toISOString().slice(0, 10)
  }
  const from = date(q.from, { zh: '起始日期', en: 'The start date' })
  const to = date(q.to, { zh: '截止日期', en: 'The end date' })
  if (from && to && from > to)
    problems.push(
      tr(lang, {
        zh: '起始日期晚于截止日期，所以没有符合的预警。',
        en: 'The start date is after the end date, so no alert can match.',
      }),
    )
  const page = Number(q.page ?? '1')
  const validPage = Number.isInteger(page) && page >= 1 ? page : 1
  if (q.page && validPage !== page)
    problems.push(
      tr(lang, { zh: '页码应是 1 以上的整数。', en: 'The page number is a whole number from 1.' }),
    )
  return {
    filter: {
      status,
      district,
      category: (q.category ?? '').trim(),
      from,
      to,
      exercise: q.exercise === 'true',
      page: validPage,
    },
    problems,
  }
}

/** The alerts the filter selects, in the snapshot's order (active first, by severity, newest). */
export function filterAlerts(s: AlertSnapshot, f: AlertsFilter): AlertEntry[] {
  // The page's one box takes a category or a hazard as words: the API's `hazard`, which covers both.
  return s.sorted.filter((e) => matchesAlert(e, { ...f, hazard: f.category, category: undefined }))
}

/** The `/alerts` URL for a filter (and page): only the parameters that differ from the defaults. */
export function alertsHref(f: AlertsFilter, page = f.page): string {
  const p = new URLSearchParams()
  if (f.status !== 'all') p.set('status', f.status)
  if (f.district) p.set('district', f.district)
  if (f.category) p.set('category', f.category)
  if (f.from) p.set('from', f.from)
  if (f.to) p.set('to', f.to)
  if (f.exercise) p.set('exercise', 'true')
  if (page > 1) p.set('page', String(page))
  const qs = p.toString()
  return qs ? `/alerts?${qs}` : '/alerts'
}

export function AlertsListPage(p: {
  lang: Lang
  filter: AlertsFilter
  problems: string[]
  matches: AlertEntry[]
  districts: readonly District[]
}) {
  const { lang, filter: f } = p
  const pages = Math.max(1, Math.ceil(p.matches.length / ALERTS_PAGE_SIZE))
  const page = Math.min(f.page, pages)
  const shown = p.matches.slice((page - 1) * ALERTS_PAGE_SIZE, page * ALERTS_PAGE_SIZE)
  const title = f.exercise
    ? tr(lang, { zh: '演练预警（非真实）', en: 'Exercise alerts (not real)' })
    : tr(lang, { zh: '全部消费预警', en: 'All consumer alerts' })
  const opt = (value: string, current: string, text: { zh: string; en: string }) => (
    <option value={value} selected={value === current}>
      {tr(lang, text)}
    </option>
  )
  return (
    <Layout
      lang={lang}
      self={alertsHref(f)}
      title={title}
      description={tr(lang, {
        zh: '全部食品安全消费预警，可按区县、类别或危害、日期和状态筛选。',
        en: 'Every food-safety consumer alert, by district, category or hazard, date and status.',
      })}
    >
      <h1>{title}</h1>
      <form class="filters" method="get" action="/alerts">
        <label>
          {tr(lang, { zh: '区县', en: 'District' })}
          <select name="district">
            <option value="">{tr(lang, { zh: '全部区县', en: 'All districts' })}</option>
            {p.districts.map((d) => (
              <option value={d.code} selected={d.code === f.district}>
                {tr(lang, { zh: d.nameZh, en: d.nameEn })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr(lang, { zh: '类别或危害', en: 'Category or hazard' })}
          <input
            type="text"
            name="category"
            value={f.category}
            maxlength={100}
            placeholder={tr(lang, { zh: '如：调味品、苏丹红', en: 'e.g. 调味品, Sudan' })}
          />
        </label>
        <label>
          {tr(lang, { zh: '发布日期从', en: 'Issued from' })}
          <input type="date" name="from" value={f.from ?? ''} />
        </label>
        <label>
          {tr(lang, { zh: '至', en: 'to' })}
          <input type="date" name="to" value={f.to ?? ''} />
        </label>
        <label>
          {tr(lang, { zh: '状态', en: 'Status' })}
          <select name="status">
            {opt('all', f.status, { zh: '全部', en: 'All' })}
            {opt('active', f.status, { zh: '生效中', en: 'Active' })}
            {opt('ended', f.status, { zh: '已解除或撤销', en: 'Ended' })}
          </select>
        </label>
        {f.exercise && <input type="hidden" name="exercise" value="true" />}
        <button type="submit">{tr(lang, { zh: '筛选', en: 'Filter' })}</button>
      </form>
      {p.problems.length > 0 && (
        <div class="panel notice" role="status">
          {p.problems.map((s) => (
            <p>{s}</p>
          ))}
        </div>
      )}
      <p class="meta" role="status">
        {tr(lang, {
          zh: `共 ${p.matches.length} 条，第 ${page}/${pages} 页`,
          en: `${p.matches.length} alert${p.matches.length === 1 ? '' : 's'}, page ${page} of ${pages}`,
        })}
        {' · '}
        {f.exercise ? (
          <a href="/alerts">{tr(lang, { zh: '查看真实预警', en: 'See real alerts' })}</a>
        ) : (
          <a href="/alerts?exercise=true">{tr(lang, { zh: '查看演练', en: 'See exercises' })}</a>
        )}
      </p>
      {shown.length === 0 ? (
        <Empty>{tr(lang, { zh: '没有符合条件的预警。', en: 'No alert matches these filters.' })}</Empty>
      ) : (
        <ul class="cards">
          {shown.map((e) => (
            <AlertCard alert={e.dto} lang={lang} />
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav class="pager" aria-label={tr(lang, { zh: '翻页', en: 'Pages' })}>
          {page > 1 && (
            <a href={alertsHref(f, page - 1)} rel="prev">
              ← {tr(lang, { zh: '上一页', en: 'Previous' })}
            </a>
          )}
          <span>
            {page} / {pages}
          </span>
          {page < pages && (
            <a href={alertsHref(f, page + 1)} rel="next">
              {tr(lang, { zh: '下一页', en: 'Next' })} →
            </a>
          )}
        </nav>
      )}
      <p class="meta">
        {tr(lang, { zh: '订阅：', en: 'Subscribe: ' })}
        <a href="/feeds/alerts.atom">Atom</a>
      </p>
    </Layout>
  )
}
