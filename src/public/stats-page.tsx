import type { CityYear } from '../complaints/complaint-figures.js'
import { ComplaintStatsSection } from '../complaints/complaint-stats-section.js'
import { type Lang, tr } from '../web/i18n.js'
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
  /** 12315 city totals for the year (issue 17). */
  complaints?: CityYear
}

const pct = (r: PassRate) => (r.tested === 0 ? 0 : (r.passed / r.tested) * 100)
const fmt = (v: number) => `${v.toFixed(1)} %`

/** A server-drawn SVG line of the pass rate per period, 0–100 %, with its values written on the points. */
export function TrendChart({ periods, lang }: { periods: PassRate[]; lang: Lang }) {
  const w = 640
  const h = 260
  const pad = { l: 64, r: 48, t: 28, b: 36 }
  const x = (i: number) =>
    pad.l + (periods.length <= 1 ? (w - pad.l - pad.r) / 2 : (i * (w - pad.l - pad.r)) / (periods.length - 1))
  const y = (v: number) => pad.t + (1 - v / 100) * (h - pad.t - pad.b)
  const points = periods.map((p, i) => `${x(i).toFixed(1)},${y(pct(p)).toFixed(1)}`).join(' ')
  const label = tr(lang, { zh: '合格率趋势', en: 'Pass-rate trend' })
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={label}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{label}</title>
      {[0, 25, 50, 75, 100].map((v) => (
        <>
          <line class="grid" x1={pad.l} x2={w - pad.r} y1={y(v)} y2={y(v)} />
          <text x={pad.l - 6} y={y(v) + 4} text-anchor="end">
            {v}%
          </text>
        </>
      ))}
      <polyline class="line" points={points} />
      {periods.map((p, i) => (
        <>
          <circle class="dot" cx={x(i)} cy={y(pct(p))} r={4} />
          <text x={x(i)} y={y(pct(p)) - 10} text-anchor="middle">
            {fmt(pct(p))}
          </text>
          <text x={x(i)} y={h - 12} text-anchor="middle">
            {p.label}
          </text>
        </>
      ))}
    </svg>
  )
}

function RateTable({ rows, lang, head }: { rows: PassRate[]; lang: Lang; head: { zh: string; en: string } }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{tr(lang, head)}</th>
            <th>{tr(lang, { zh: '抽检批次', en: 'Tested' })}</th>
            <th>{tr(lang, { zh: '合格批次', en: 'Passed' })}</th>
            <th>{tr(lang, { zh: '合格率', en: 'Pass rate' })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{r.label}</td>
              <td>{r.tested}</td>
              <td>{r.passed}</td>
              <td>{fmt(pct(r))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function StatsPage({ lang, self, data }: { lang: Lang; self: string; data: StatsData }) {
  const title = tr(lang, { zh: '抽检合格率统计', en: 'Sampling pass rates' })
  return (
    <Layout lang={lang} self={self} title={title}>
      <h1>{title}</h1>
      <TrendChart periods={data.periods} lang={lang} />
      <h2>{tr(lang, { zh: '按时期', en: 'By period' })}</h2>
      <RateTable rows={data.periods} lang={lang} head={{ zh: '时期', en: 'Period' }} />
      <h2>{tr(lang, { zh: '按食品类别', en: 'By food category' })}</h2>
      <RateTable rows={data.byCategory} lang={lang} head={{ zh: '类别', en: 'Category' }} />
      <h2>{tr(lang, { zh: '按区县', en: 'By district' })}</h2>
      <RateTable rows={data.byDistrict} lang={lang} head={{ zh: '区县', en: 'District' }} />
      {data.complaints ? <ComplaintStatsSection lang={lang} data={data.complaints} /> : null}
    </Layout>
  )
}
