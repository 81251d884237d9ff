import type { CityYear } from '../complaints/complaint-figures.js'
import { ComplaintStatsSection } from '../complaints/complaint-stats-section.js'
import { TableWrap } from '../web/components.js'
import { type Lang, type Text, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'

export interface PassRate {
  label: string
  tested: number
  passed: number
}

/** Pass rates by period (oldest first), by food category and by district. */
export interface StatsData {
  periods: PassRate[]
  byCategory: PassRate[]
  byDistrict: PassRate[]
  /** 12315 city totals for the year. */
  complaints?: CityYear
}

/**
 * The pass rate in percent, or null when there is none to state: nothing published, or only failing
 * batches (tables of failing and of passing samples are separate publications, and a period whose passing
 * table is not out yet would otherwise read as 0 %).
 */
export const passRate = (r: PassRate): number | null =>
  r.tested === 0 || r.passed === 0 ? null : (r.passed / r.tested) * 100
const fmt = (v: number) => `${v.toFixed(1)} %`

/** What a rate is over, in words: "基于已公布的 40 批次". */
export const basis = (n: number): Text => ({
  zh: `基于已公布的 ${n} 批次`,
  en: `over ${n} published batches`,
})

const noRate = (r: PassRate): Text =>
  r.tested === 0
    ? { zh: '暂无数据', en: 'no data' }
    : { zh: '仅公布了不合格批次，不计算合格率', en: 'only failing batches published; no rate' }

/**
 * A server-drawn line of the pass rate per period, 0–100 %. No viewBox: the drawing stretches with the page
 * (x in percent) while its text stays at 12 CSS px on any screen, a 360 px phone included. Labels are thinned
 * to at most six when there are many periods; the table below lists every value.
 */
export function TrendChart({ periods, lang }: { periods: PassRate[]; lang: Lang }) {
  const h = 240
  const top = 28
  const bottom = 36
  const left = 14 // percent: room for "100%"
  const right = 6
  const x = (i: number) =>
    left +
    (periods.length <= 1 ? (100 - left - right) / 2 : (i * (100 - left - right)) / (periods.length - 1))
  const y = (v: number) => top + (1 - v / 100) * (h - top - bottom)
  const every = Math.ceil(periods.length / 6)
  const labelled = (i: number) => i % every === 0 || i === periods.length - 1
  const points = periods.map((p, i) => ({ i, v: passRate(p) }))
  const segments = points.slice(1).flatMap((b, k) => {
    const a = points[k]
    return a && a.v !== null && b.v !== null ? [{ a: { i: a.i, v: a.v }, b: { i: b.i, v: b.v } }] : []
  })
  const label = tr(lang, { zh: '各时期抽检合格率趋势', en: 'Pass rate by period' })
  return (
    <svg
      class="chart"
      width="100%"
      height={h}
      role="img"
      aria-label={label}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{label}</title>
      {[0, 25, 50, 75, 100].map((v) => (
        <>
          <line class="grid" x1={`${left}%`} x2={`${100 - right}%`} y1={y(v)} y2={y(v)} />
          <text x={`${left - 1.5}%`} y={y(v) + 4} text-anchor="end">
            {v}%
          </text>
        </>
      ))}
      <g class="line">
        {segments.map(({ a, b }) => (
          <line x1={`${x(a.i)}%`} y1={y(a.v)} x2={`${x(b.i)}%`} y2={y(b.v)} />
        ))}
      </g>
      {points.map(({ i, v }) => (
        <>
          {v !== null && <circle class="dot" cx={`${x(i)}%`} cy={y(v)} r={4} />}
          {labelled(i) && (
            <text class="value" x={`${x(i)}%`} y={v === null ? y(0) - 10 : y(v) - 10} text-anchor="middle">
              {v === null ? '—' : fmt(v)}
            </text>
          )}
          {labelled(i) && (
            <text x={`${x(i)}%`} y={h - 12} text-anchor="middle">
              {periods[i]?.label}
            </text>
          )}
        </>
      ))}
    </svg>
  )
}

function RateTable({ rows, lang, head }: { rows: PassRate[]; lang: Lang; head: Text }) {
  if (rows.length === 0) return <p class="empty">{tr(lang, { zh: '暂无数据。', en: 'No data yet.' })}</p>
  return (
    <TableWrap label={tr(lang, head)}>
      <table>
        <thead>
          <tr>
            <th scope="col">{tr(lang, head)}</th>
            <th scope="col">{tr(lang, { zh: '已公布批次', en: 'Published' })}</th>
            <th scope="col">{tr(lang, { zh: '合格批次', en: 'Passed' })}</th>
            <th scope="col">{tr(lang, { zh: '合格率', en: 'Pass rate' })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const v = passRate(r)
            return (
              <tr>
                <td>{r.label}</td>
                <td>{r.tested}</td>
                <td>{r.passed}</td>
                <td class={v === null ? '' : 'num'}>
                  {v === null ? <span class="rate-basis">{tr(lang, noRate(r))}</span> : fmt(v)}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </TableWrap>
  )
}

export function StatsPage({ lang, self, data }: { lang: Lang; self: string; data: StatsData }) {
  const title = tr(lang, { zh: '抽检合格率统计', en: 'Sampling pass rates' })
  const total: PassRate = { label: '', tested: 0, passed: 0 }
  for (const p of data.periods) {
    total.tested += p.tested
    total.passed += p.passed
  }
  const overall = passRate(total)
  return (
    <Layout
      lang={lang}
      self={self}
      title={title}
      description={tr(lang, {
        zh: '已公布的食品安全监督抽检合格率：按时期、食品类别和区县。',
        en: 'Pass rates of published food-safety sampling: by period, food category and district.',
      })}
    >
      <h1>{title}</h1>
      {total.tested === 0 ? (
        <p class="empty">
          {tr(lang, {
            zh: '暂无数据：还没有公布抽检结果，公布后这里会显示合格率。',
            en: 'No data yet: no sampling results have been published. Pass rates appear here once they are.',
          })}
        </p>
      ) : (
        <>
          <p>
            {overall === null
              ? tr(lang, {
                  zh: `已公布 ${total.tested} 批次，均为不合格批次表；合格批次尚未公布，因此不计算合格率。`,
                  en: `${total.tested} batches published, all in tables of failing samples; the passing batches are not published yet, so no rate is given.`,
                })
              : tr(lang, {
                  zh: `总体合格率 ${fmt(overall)}（${basis(total.tested).zh}，其中合格 ${total.passed} 批次）。`,
                  en: `Overall pass rate ${fmt(overall)} (${basis(total.tested).en}, ${total.passed} passed).`,
                })}
          </p>
          <TrendChart periods={data.periods} lang={lang} />
        </>
      )}
      {total.tested > 0 && (
        <>
          <p class="rate-basis">
            {tr(lang, {
              zh: '合格率 = 合格批次 ÷ 已公布批次，只计已公布的抽检结果；只公布了不合格批次的时期不计算合格率。',
              en: 'Pass rate = passed ÷ published batches, counting published results only; a period with only failing batches published has no rate.',
            })}
          </p>
          <h2>{tr(lang, { zh: '按时期', en: 'By period' })}</h2>
          <RateTable rows={data.periods} lang={lang} head={{ zh: '时期', en: 'Period' }} />
          <h2>{tr(lang, { zh: '按食品类别', en: 'By food category' })}</h2>
          <RateTable rows={data.byCategory} lang={lang} head={{ zh: '类别', en: 'Category' }} />
          <h2>{tr(lang, { zh: '按区县', en: 'By district' })}</h2>
          <RateTable rows={data.byDistrict} lang={lang} head={{ zh: '区县', en: 'District' }} />
        </>
      )}
      {data.complaints ? <ComplaintStatsSection lang={lang} data={data.complaints} /> : null}
    </Layout>
  )
}
