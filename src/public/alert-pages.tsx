import type { AlertDto } from '../alerts/alerts.schema.js'
import { AlertCard, Empty, LevelBadge, SearchBox, StatusBadge, TableWrap } from '../web/components.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'
import type { SearchHit } from './search.js'

/** What the home page lists under "latest announcements". */
export interface AnnouncementLink {
  id: string
  number: string
  title: string
  publishedAt: string
}

export function HomePage(p: {
  lang: Lang
  self: string
  alerts: AlertDto[]
  drills: AlertDto[]
  /** The most recently issued real alert, whatever its state. */
  newest: AlertDto | null
  counts: { active: number; total: number }
  announcements: AnnouncementLink[] | null
}) {
  const { lang } = p
  return (
    <Layout lang={lang} self={p.self} title={tr(lang, { zh: '首页', en: 'Home' })}>
      <h1>{tr(lang, { zh: '我买的食品有问题吗？', en: 'Is my food affected?' })}</h1>
      <SearchBox lang={lang} />
      {p.newest && (
        <p class="newest">
          {tr(lang, { zh: '最新预警：', en: 'Newest alert: ' })}
          <a href={`/alerts/${p.newest.id}`}>{tr(lang, p.newest.title)}</a>
          <span class="meta"> · {localTime(p.newest.issuedAt, lang)}</span>
        </p>
      )}
      <h2>{tr(lang, { zh: '当前预警', en: 'Active alerts' })}</h2>
      <p class="meta">
        {tr(lang, {
          zh: `生效中 ${p.counts.active} 条，历史预警共 ${p.counts.total} 条。`,
          en: `${p.counts.active} active, ${p.counts.total} in all. `,
        })}
        <a href="/alerts">{tr(lang, { zh: '查看全部预警', en: 'See every alert' })}</a>
      </p>
      {p.alerts.length === 0 ? (
        <Empty>{tr(lang, { zh: '目前没有生效的预警。', en: 'No active alerts.' })}</Empty>
      ) : (
        <ul class="cards">
          {p.alerts.map((a) => (
            <AlertCard alert={a} lang={lang} />
          ))}
        </ul>
      )}
      {p.counts.active > p.alerts.length && (
        <p>
          <a href="/alerts?status=active">
            {tr(lang, {
              zh: `另有 ${p.counts.active - p.alerts.length} 条生效预警，查看全部 →`,
              en: `${p.counts.active - p.alerts.length} more active alerts: see all →`,
            })}
          </a>
        </p>
      )}
      {p.drills.length > 0 && (
        <>
          <h2>{tr(lang, { zh: '演练（非真实预警）', en: 'Exercises (not real alerts)' })}</h2>
          <ul class="cards">
            {p.drills.map((a) => (
              <AlertCard alert={a} lang={lang} />
            ))}
          </ul>
        </>
      )}
      <h2>{tr(lang, { zh: '最新抽检公告', en: 'Latest sampling announcements' })}</h2>
      {p.announcements === null || p.announcements.length === 0 ? (
        <Empty>{tr(lang, { zh: '暂无公告。', en: 'No announcements yet.' })}</Empty>
      ) : (
        <ul class="cards">
          {p.announcements.map((a) => (
            <li class="card">
              <h3>
                <a href={`/announcements/${a.id}`}>{a.title}</a>
              </h3>
              <p class="meta">
                {a.number} · {localTime(a.publishedAt, lang)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  )
}

function Product({ p, lang }: { p: AlertDto['products'][number]; lang: Lang }) {
  const rows: [{ zh: string; en: string }, string | undefined][] = [
    [{ zh: '品牌', en: 'Brand' }, p.brand],
    [{ zh: '规格', en: 'Specification' }, p.spec],
    [{ zh: '生产日期/批号', en: 'Batch' }, p.batch],
    [
      { zh: '标称生产企业', en: 'Producer' },
      [p.producer, p.producerAddress].filter(Boolean).join('，') || undefined,
    ],
    [
      { zh: '被抽样单位', en: 'Sampled at' },
      [p.unitName, p.unitAddress].filter(Boolean).join('，') || undefined,
    ],
    [{ zh: '抽样编号', en: 'Sample no.' }, p.sampleNo],
  ]
  return (
    <div class="panel">
      <h3>{p.name}</h3>
      <TableWrap label={tr(lang, { zh: `${p.name}：产品信息`, en: `${p.name}: details` })}>
        <table>
          <tbody>
            {rows
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <tr>
                  <th>{tr(lang, k)}</th>
                  <td>{v}</td>
                </tr>
              ))}
            {(p.failingItems ?? []).map((i) => (
              <tr>
                <th>{tr(lang, { zh: '不合格项目', en: 'Failed item' })}</th>
                <td>
                  {i.name}：{tr(lang, { zh: '检验结果', en: 'result' })} {i.result}，
                  {tr(lang, { zh: '标准值', en: 'limit' })} {i.limit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  )
}

export function AlertPage({ lang, self, alert }: { lang: Lang; self: string; alert: AlertDto }) {
  return (
    <Layout
      lang={lang}
      self={self}
      title={tr(lang, alert.title)}
      description={`${tr(lang, alert.title)}：${alert.products.map((p) => p.name).join('、')}`.slice(0, 300)}
    >
      <p>
        <LevelBadge colour={alert.colour} lang={lang} />
        <StatusBadge alert={alert} lang={lang} />
      </p>
      <h1>{tr(lang, alert.title)}</h1>
      <p class="meta">
        {alert.source.kind === 'announcement' ? (
          <a href={`/announcements/${alert.source.id}`}>
            {tr(lang, { zh: '抽检公告', en: 'Announcement' })} {alert.source.reference}
          </a>
        ) : (
          alert.source.reference
        )}{' '}
        · {tr(lang, { zh: '发布', en: 'Issued' })} {localTime(alert.issuedAt, lang)} ·{' '}
        {tr(lang, { zh: '更新', en: 'Updated' })} {localTime(alert.updatedAt, lang)}
      </p>
      <h2>{tr(lang, { zh: '发生了什么', en: 'What happened' })}</h2>
      <p>{tr(lang, alert.description)}</p>
      {alert.closingNote && <p>{tr(lang, alert.closingNote)}</p>}
      <div class="panel panel-do">
        <h2>{tr(lang, { zh: '您该怎么做', en: 'What to do' })}</h2>
        <p>{tr(lang, alert.instruction)}</p>
      </div>
      <h2>{tr(lang, { zh: '涉及产品和批次', en: 'Products and batches' })}</h2>
      {alert.products.length === 0 ? (
        <Empty>{tr(lang, { zh: '未列出具体产品。', en: 'No specific products listed.' })}</Empty>
      ) : (
        alert.products.map((p) => <Product p={p} lang={lang} />)
      )}
      <h2>{tr(lang, { zh: '涉及区域', en: 'Areas' })}</h2>
      <p>{alert.areas.map((a) => `${tr(lang, { zh: a.nameZh, en: a.nameEn })} (${a.code})`).join(', ')}</p>
      <p class="meta">
        <a href={alert.capUrl}>{tr(lang, { zh: 'CAP 1.2 消息（XML）', en: 'CAP 1.2 message (XML)' })}</a>
        {alert.versions.length > 1 &&
          ` · ${tr(lang, { zh: '版本', en: 'versions' })} ${alert.versions.map((v) => `${v.version} ${v.msgType}`).join(', ')}`}
      </p>
    </Layout>
  )
}

export function SearchPage(p: {
  lang: Lang
  self: string
  q: string
  hits: SearchHit[] | null
  /** Which page of 50 (from 1). */
  page?: number
  more: boolean
}) {
  const { lang } = p
  const page = p.page ?? 1
  const start = (page - 1) * 50
  const title = p.q
    ? tr(lang, { zh: `“${p.q}”的查询结果`, en: `Results for “${p.q}”` })
    : tr(lang, { zh: '查询', en: 'Search' })
  return (
    <Layout lang={lang} self={p.self} title={title}>
      <h1>{title}</h1>
      <SearchBox lang={lang} q={p.q} />
      {p.hits !== null && p.hits.length === 0 && (
        <Empty>
          {tr(lang, {
            zh: '没有找到相关的不合格或预警记录。',
            en: 'No failed results or alerts found.',
          })}
        </Empty>
      )}
      {p.hits && p.hits.length > 0 && (
        <ul class="cards">
          {p.hits.map((h) => (
            <li class={`card hit-${h.verdict}`}>
              <h3>
                <span class={`verdict-${h.verdict}`}>
                  {h.verdict === 'failed'
                    ? tr(lang, { zh: '不合格', en: 'FAILED' })
                    : tr(lang, { zh: '合格', en: 'passed' })}
                </span>{' '}
                {h.exercise && (
                  <span class="badge badge-exercise">{tr(lang, { zh: '演练', en: 'Exercise' })}</span>
                )}
                {h.ended && (
                  <span class="badge badge-ok">{tr(lang, { zh: '预警已解除', en: 'Alert lifted' })}</span>
                )}
                {h.url ? <a href={h.url}>{h.productName}</a> : h.productName}
              </h3>
              <p>
                {[
                  h.brand,
                  h.batch && `${tr(lang, { zh: '生产日期/批号', en: 'batch/date' })} ${h.batch}`,
                  h.producer,
                  h.unitName && `${tr(lang, { zh: '抽样于', en: 'sampled at' })} ${h.unitName}`,
                  h.category,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
              {h.items.map((i) => (
                <p>
                  {i.name}：{tr(lang, { zh: '检验结果', en: 'result' })} {i.result}，
                  {tr(lang, { zh: '标准值', en: 'limit' })} {i.limit}
                </p>
              ))}
              {h.reason && <p>{tr(lang, h.reason)}</p>}
              <p class="meta">
                {h.reference} · {localTime(h.date, lang)}
              </p>
            </li>
          ))}
        </ul>
      )}
      {p.hits && p.hits.length > 0 && (
        <p class="meta">
          {tr(lang, {
            zh: `第 ${start + 1}–${start + p.hits.length} 条${p.more ? '，还有更多结果' : ''}。不合格的排在前面，生效中的预警排在已解除的前面。`,
            en: `Results ${start + 1}–${start + p.hits.length}${p.more ? '; more follow' : ''}. Failed first; active alerts before lifted ones.`,
          })}
        </p>
      )}
      {(page > 1 || p.more) && (
        <nav class="pager" aria-label={tr(lang, { zh: '翻页', en: 'Pages' })}>
          {page > 1 && (
            <a href={`/search?q=${encodeURIComponent(p.q)}${page > 2 ? `&page=${page - 1}` : ''}`} rel="prev">
              ← {tr(lang, { zh: '上一页', en: 'Previous' })}
            </a>
          )}
          <span>{tr(lang, { zh: `第 ${page} 页`, en: `Page ${page}` })}</span>
          {p.more && (
            <a href={`/search?q=${encodeURIComponent(p.q)}&page=${page + 1}`} rel="next">
              {tr(lang, { zh: '下一页', en: 'Next' })} →
            </a>
          )}
        </nav>
      )}
    </Layout>
  )
}
