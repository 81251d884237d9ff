import type { TestItem } from '../alerts/alert-content.js'
import { notFound } from '../domain/errors.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam } from '../http/schemas.js'
import { Empty, TableWrap } from '../web/components.js'
import { type Lang, localTime, pageLang, type Text, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'
import { pageErrors } from '../web/page-errors.js'
import { htmlResponse, pageResponses } from '../web/page-route.js'
import { pageHeaders } from '../web/security.js'
import type { PublicReads } from './public-reads.js'
import { type StatsData, StatsPage } from './stats-page.js'

/** One announcement as its list shows it. */
export interface AnnouncementSummary {
  id: string
  number: string
  title: string
  publishedAt: string
  kind: 'original' | 'correction' | 'retraction'
  sampleCount: number
  failedCount: number
}

/** One row of the published table, in the published column order. */
export interface AnnouncementTableRow {
  /** The sample's id, when known: a failing row links to the alert issued for it. */
  sampleId?: string
  producer: string
  producerAddress: string
  unitName: string
  unitAddress: string
  foodName: string
  spec: string
  brand: string
  batch: string
  failingItems: TestItem[]
  category: string
  lab: string
  note: string
}

export interface AnnouncementDetail extends AnnouncementSummary {
  csvUrl: string
  rows: AnnouncementTableRow[]
}

/**
 * What the announcement and statistics pages read. Issue 8 implements it over published announcements
 * and samples (from memory, like the alerts); `test/public/pages-fixture.ts` is a fixture of it.
 */
export interface AnnouncementPagesSource {
  list(): Promise<AnnouncementSummary[]>
  get(id: string): Promise<AnnouncementDetail | undefined>
  stats(): Promise<StatsData>
}

const COLUMNS = [
  { zh: '序号', en: 'No.' },
  { zh: '标称生产企业名称', en: 'Producer' },
  { zh: '标称生产企业地址', en: 'Producer address' },
  { zh: '被抽样单位名称', en: 'Sampled unit' },
  { zh: '被抽样单位地址', en: 'Unit address' },
  { zh: '食品名称', en: 'Food' },
  { zh: '规格型号', en: 'Specification' },
  { zh: '商标', en: 'Brand' },
  { zh: '生产日期/批号', en: 'Date / batch' },
  { zh: '不合格项目║检验结果║标准值', en: 'Failed item ║ result ║ limit' },
  { zh: '分类', en: 'Category' },
  { zh: '检验机构', en: 'Laboratory' },
  { zh: '备注', en: 'Note' },
]

const KIND = {
  original: { zh: '公告', en: 'Announcement' },
  correction: { zh: '更正', en: 'Correction' },
  retraction: { zh: '撤回', en: 'Retraction' },
}

export function AnnouncementsPage(p: { lang: Lang; self: string; items: AnnouncementSummary[] }) {
  const { lang } = p
  const title = tr(lang, { zh: '食品安全抽检公告', en: 'Food sampling announcements' })
  return (
    <Layout lang={lang} self={p.self} title={title}>
      <h1>{title}</h1>
      {p.items.length === 0 ? (
        <Empty>{tr(lang, { zh: '暂无公告。', en: 'No announcements yet.' })}</Empty>
      ) : (
        <ul class="cards">
          {p.items.map((a) => (
            <li class="card">
              <h3>
                {a.kind !== 'original' && <span class="badge badge-muted">{tr(lang, KIND[a.kind])}</span>}
                <a href={`/announcements/${a.id}`}>{a.title}</a>
              </h3>
              <p class="meta">
                {a.number} · {localTime(a.publishedAt, lang)} ·{' '}
                {tr(lang, {
                  zh: `抽检 ${a.sampleCount} 批次，不合格 ${a.failedCount} 批次`,
                  en: `${a.sampleCount} samples, ${a.failedCount} failed`,
                })}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  )
}

/** An alert issued for an announcement, as the announcement page links it. */
export interface AnnouncementAlertLink {
  id: string
  title: Text
  productName: string
  sampleId: string | null
  status: 'active' | 'closed' | 'cancelled'
}

export function AnnouncementPage(p: {
  lang: Lang
  self: string
  a: AnnouncementDetail
  alerts: AnnouncementAlertLink[]
}) {
  const { lang, a } = p
  const alertOf = new Map(p.alerts.filter((x) => x.sampleId).map((x) => [x.sampleId, x]))
  return (
    <Layout
      lang={lang}
      self={p.self}
      title={a.title}
      description={tr(lang, {
        zh: `${a.number}：抽检 ${a.sampleCount} 批次，不合格 ${a.failedCount} 批次。`,
        en: `${a.number}: ${a.sampleCount} samples, ${a.failedCount} failed.`,
      })}
    >
      <h1>{a.title}</h1>
      <p class="meta">
        {a.number} · {localTime(a.publishedAt, lang)} · <a href={a.csvUrl}>CSV</a>
      </p>
      <p>
        {tr(lang, {
          zh: `本公告抽检 ${a.sampleCount} 批次，不合格 ${a.failedCount} 批次。`,
          en: `This announcement covers ${a.sampleCount} samples, of which ${a.failedCount} failed.`,
        })}
      </p>
      {p.alerts.length > 0 && (
        <>
          <h2>{tr(lang, { zh: '据此发布的消费预警', en: 'Alerts issued for it' })}</h2>
          <ul class="links">
            {p.alerts.map((x) => (
              <li>
                <a href={`/alerts/${x.id}`}>{x.productName}</a>
                {x.status !== 'active' && (
                  <span class="meta">
                    {' '}
                    {x.status === 'closed'
                      ? tr(lang, { zh: '（已解除）', en: '(lifted)' })
                      : tr(lang, { zh: '（已撤销）', en: '(withdrawn)' })}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{tr(lang, { zh: '抽检结果', en: 'Results' })}</h2>
      <TableWrap label={tr(lang, { zh: '抽检结果表', en: 'Results table' })}>
        <table>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th>{tr(lang, c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {a.rows.map((r, i) => (
              <tr>
                <td>{i + 1}</td>
                <td>{r.producer}</td>
                <td>{r.producerAddress}</td>
                <td>{r.unitName}</td>
                <td>{r.unitAddress}</td>
                <td>
                  {r.sampleId && alertOf.get(r.sampleId) ? (
                    <a href={`/alerts/${alertOf.get(r.sampleId)?.id}`}>{r.foodName}</a>
                  ) : (
                    r.foodName
                  )}
                </td>
                <td>{r.spec}</td>
                <td>{r.brand}</td>
                <td>{r.batch}</td>
                <td>{r.failingItems.map((f) => `${f.name}║${f.result}║${f.limit}`).join('\n')}</td>
                <td>{r.category}</td>
                <td>{r.lab}</td>
                <td>{r.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  )
}

/** `/announcements`, `/announcements/:id` and `/stats`, mounted once a source exists. */
const PAGE = { method: 'get' as const, tags: ['pages'], responses: pageResponses }
const listPage = publicRoute(
  { ...PAGE, path: '/announcements', operationId: 'announcementsPage', summary: 'Published announcements' },
  { api: false },
)
const detailPage = publicRoute(
  {
    ...PAGE,
    path: '/announcements/{id}',
    operationId: 'announcementPage',
    summary: 'One announcement: the table of samples, with the CSV link',
    request: { params: IdParam },
    responses: { ...pageResponses, 404: htmlResponse('No such announcement') },
  },
  { api: false },
)
const statsPage = publicRoute(
  {
    ...PAGE,
    path: '/stats',
    operationId: 'statsPage',
    summary: 'Pass rate by period, category and district, with a trend chart',
  },
  { api: false },
)

export function announcementPageRoutes(source: AnnouncementPagesSource, reads?: PublicReads) {
  const html = (node: unknown) => `<!doctype html>${String(node)}`
  const alertsOf = async (id: string): Promise<AnnouncementAlertLink[]> => {
    if (!reads) return []
    const s = await reads.current()
    return s.alerts.sorted
      .filter((e) => e.dto.source.kind === 'announcement' && e.dto.source.id === id)
      .map((e) => ({
        id: e.row.id,
        title: e.dto.title,
        productName: e.dto.products[0]?.name ?? e.dto.title.zh,
        sampleId: e.row.sample_id,
        status: e.row.status,
      }))
  }
  const router = newRouter()
  router.onError(pageErrors)
  return router
    .openapi(listPage, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      return c.html(
        html(<AnnouncementsPage lang={lang} self="/announcements" items={await source.list()} />),
      ) as never
    })
    .openapi(detailPage, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      const a = await source.get(c.req.valid('param').id)
      if (!a) throw notFound({ zh: '公告不存在', en: 'No such announcement' })
      return c.html(
        html(
          <AnnouncementPage
            lang={lang}
            self={`/announcements/${a.id}`}
            a={a}
            alerts={await alertsOf(a.id)}
          />,
        ),
      ) as never
    })
    .openapi(statsPage, async (c) => {
      const lang = pageLang(c)
      pageHeaders(c)
      return c.html(html(<StatsPage lang={lang} self="/stats" data={await source.stats()} />)) as never
    })
}
