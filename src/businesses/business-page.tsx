import { type Lang, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'
import type { PublicBusiness } from './businesses.read.js'

const CLASS_NAMES = {
  A: { zh: 'A 类 · 低风险', en: 'Class A · low risk' },
  B: { zh: 'B 类 · 一般风险', en: 'Class B · general risk' },
  C: { zh: 'C 类 · 较高风险', en: 'Class C · higher risk' },
  D: { zh: 'D 类 · 高风险', en: 'Class D · high risk' },
} as const
const CLASS_BADGE = { A: 'badge-ok', B: 'badge-blue', C: 'badge-orange', D: 'badge-red' } as const

/**
 * A business's public page (金信工程 disclosure): its credit-risk class, the lines that explain it, and its
 * public record — the published failing samples behind the class.
 */
export function BusinessPage({ lang, self, b }: { lang: Lang; self: string; b: PublicBusiness }) {
  return (
    <Layout lang={lang} self={self} title={b.name}>
      <h1>{b.name}</h1>
      <p class="meta">
        {[b.districtName, b.address].filter(Boolean).join(' · ')}
        {b.creditCode ? ` · ${tr(lang, { zh: '统一社会信用代码', en: 'Credit code' })} ${b.creditCode}` : ''}
      </p>
      {b.mergedInto ? (
        <p class="panel">
          {tr(lang, { zh: '该记录已并入', en: 'This record was merged into' })}{' '}
          <a href={`/businesses/${b.mergedInto}`}>
            {tr(lang, { zh: '现行记录', en: 'the standing record' })}
          </a>
        </p>
      ) : null}
      <section class="panel" aria-labelledby="credit">
        <h2 id="credit">{tr(lang, { zh: '信用风险分类', en: 'Credit-risk class' })}</h2>
        {b.creditClass ? (
          <>
            <p>
              <span class={`badge ${CLASS_BADGE[b.creditClass]}`}>
                {tr(lang, CLASS_NAMES[b.creditClass])}
              </span>
            </p>
            <ul>
              {b.creditExplanation.map((l) => (
                <li>{tr(lang, l)}</li>
              ))}
            </ul>
          </>
        ) : (
          <p class="empty">{tr(lang, { zh: '尚未分类', en: 'Not classified yet' })}</p>
        )}
      </section>
      <h2>{tr(lang, { zh: '已公布的不合格抽检', en: 'Published failing samples' })}</h2>
      {b.failing.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
      ) : (
        <section
          class="table-wrap"
          tabindex={0}
          aria-label={tr(lang, { zh: '不合格抽检', en: 'Failing samples' })}
        >
          <table>
            <thead>
              <tr>
                <th scope="col">{tr(lang, { zh: '抽样日期', en: 'Sampled' })}</th>
                <th scope="col">{tr(lang, { zh: '食品名称', en: 'Product' })}</th>
                <th scope="col">{tr(lang, { zh: '商标', en: 'Brand' })}</th>
                <th scope="col">{tr(lang, { zh: '生产日期/批号', en: 'Batch' })}</th>
                <th scope="col">{tr(lang, { zh: '不合格项目', en: 'Failed items' })}</th>
                <th scope="col">{tr(lang, { zh: '公告', en: 'Announcement' })}</th>
              </tr>
            </thead>
            <tbody>
              {b.failing.map((s) => (
                <tr>
                  <td>{s.sampledOn ?? '—'}</td>
                  <td>{s.foodName}</td>
                  <td>{s.brand ?? '—'}</td>
                  <td>{s.batch ?? '—'}</td>
                  <td class="verdict-failed">{s.failedItems.join('、')}</td>
                  <td>
                    <a href={`/announcements/${s.announcementId}`}>{s.announcement}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <h2>{tr(lang, { zh: '查实的投诉举报', en: 'Complaints upheld' })}</h2>
      {b.upheldComplaints.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
      ) : (
        <ul class="upheld-complaints">
          {b.upheldComplaints.map((c) => (
            <li>
              {c.closedOn ?? '—'}{' '}
              {[c.product, c.brand, c.batch].filter(Boolean).join(' · ') ||
                tr(lang, { zh: '未注明产品', en: 'no product named' })}
              ：
              {tr(
                lang,
                c.outcome === 'agreed'
                  ? { zh: '投诉经调解达成，消费者获赔', en: 'complaint mediated, consumer compensated' }
                  : { zh: '举报查实，已立案', en: 'report upheld, case opened' },
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>{tr(lang, { zh: '整改情况', en: 'Rectification' })}</h2>
      {b.rectifications.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
      ) : (
        <ul>
          {b.rectifications.map((r) => (
            <li>
              {r.foodName}（{r.sampleNo}）：{tr(lang, rectificationStatus(r))} ·{' '}
              {tr(lang, { zh: '期限', en: 'due' })} {r.dueAt.slice(0, 10)}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  )
}

function rectificationStatus(r: PublicBusiness['rectifications'][number]) {
  if (r.status === 'open')
    return r.overdue ? { zh: '整改中（已逾期）', en: 'open (overdue)' } : { zh: '整改中', en: 'open' }
  const late = r.overdue ? { zh: '，逾期', en: ', late' } : { zh: '', en: '' }
  if (r.outcome === 'resample_passed')
    return { zh: `已整改，复抽合格${late.zh}`, en: `rectified, re-sample passed${late.en}` }
  if (r.outcome === 'refused') return { zh: '拒不整改，已结案', en: 'refused, closed' }
  return { zh: `已整改（认定）${late.zh}`, en: `rectified (decided)${late.en}` }
}
