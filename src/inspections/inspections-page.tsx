import { type Lang, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'
import type { InspectionPlanView } from './inspections.read.js'
import type { SpotCheckView } from './spot-checks.read.js'

const RESULT = {
  pass: { zh: '未发现问题', en: 'pass' },
  issues_found: { zh: '发现问题', en: 'issues found' },
  rectification_opened: { zh: '责令整改', en: 'rectification opened' },
} as const

/**
 * 一公开: each drawn plan with its seed (so anyone can repeat the draw), the businesses and results; and the
 * quarterly spot checks of districts (每季抽查), each with its seed and the districts drawn in order.
 */
export function InspectionsPage({
  lang,
  self,
  plans,
  spotChecks,
}: {
  lang: Lang
  self: string
  plans: InspectionPlanView[]
  spotChecks: SpotCheckView[]
}) {
  return (
    <Layout lang={lang} self={self} title={tr(lang, { zh: '双随机抽查结果公示', en: 'Random inspections' })}>
      <h1>{tr(lang, { zh: '双随机抽查结果公示', en: 'Random inspections' })}</h1>
      {plans.length === 0 ? <p class="empty">{tr(lang, { zh: '暂无', en: 'None yet' })}</p> : null}
      {plans.map((p) => (
        <section class="panel">
          <h2>{p.title}</h2>
          <p class="meta">
            {p.period} · {tr(lang, { zh: '随机种子', en: 'Seed' })} <code>{p.seed}</code> ·{' '}
            {tr(lang, { zh: '抽取比例', en: 'Shares' })} A {p.shares.A} / B {p.shares.B} / C {p.shares.C} / D{' '}
            {p.shares.D}
          </p>
          <ol>
            {p.draw.map((d) => (
              <li>
                <a href={`/businesses/${d.business.id}`}>{d.business.name}</a>（{d.creditClass}）：
                {d.result ? tr(lang, RESULT[d.result]) : tr(lang, { zh: '待检查', en: 'to be inspected' })}
              </li>
            ))}
          </ol>
        </section>
      ))}
      <h2>{tr(lang, { zh: '每季抽查（区县）', en: 'Quarterly spot checks of districts' })}</h2>
      {spotChecks.length === 0 ? <p class="empty">{tr(lang, { zh: '暂无', en: 'None yet' })}</p> : null}
      {spotChecks.map((s) => (
        <section class="panel">
          <h3>{tr(lang, { zh: `${s.quarter} 每季抽查`, en: `Spot check ${s.quarter}` })}</h3>
          <p class="meta">
            {tr(lang, { zh: '随机种子', en: 'Seed' })} <code>{s.seed}</code> ·{' '}
            {tr(lang, {
              zh: `从 ${s.population.length} 个区县中抽取 ${s.count} 个`,
              en: `${s.count} of ${s.population.length} districts`,
            })}
          </p>
          <ol>
            {s.districts.map((d) => (
              <li>{d.name}</li>
            ))}
          </ol>
        </section>
      ))}
    </Layout>
  )
}
