import { type Lang, tr } from '../web/i18n.js'
import type { CityYear } from './complaint-figures.js'

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`)

/** The 12315 section of `/stats`: the city's totals for the year and each month (drills never counted). */
export function ComplaintStatsSection({ lang, data }: { lang: Lang; data: CityYear }) {
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  return (
    <section class="complaint-stats">
      <h2>{t(`12315 投诉举报（${data.year} 年）`, `12315 complaints and reports (${data.year})`)}</h2>
      <dl>
        <dt>{t('受理总量', 'Received')}</dt>
        <dd>
          {data.received.total}
          {t(
            `（投诉 ${data.received.complaint}，举报 ${data.received.report}，咨询 ${data.received.enquiry}）`,
            ` (complaints ${data.received.complaint}, reports ${data.received.report}, enquiries ${data.received.enquiry})`,
          )}
        </dd>
        <dt>{t('按时作出受理决定', 'Decided on time')}</dt>
        <dd>{pct(data.decidedOnTimeRate)}</dd>
        <dt>{t('按时办结', 'Closed on time')}</dt>
        <dd>{pct(data.closedOnTimeRate)}</dd>
        <dt>{t('调解成功', 'Mediations agreed')}</dt>
        <dd>{data.mediationsAgreed}</dd>
        <dt>{t('为消费者挽回经济损失', 'Recovered for consumers')}</dt>
        <dd>{t(`${data.recovered} 元`, `¥${data.recovered}`)}</dd>
      </dl>
      {data.months.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>{t('月份', 'Month')}</th>
              <th>{t('受理', 'Received')}</th>
              <th>{t('按时决定', 'Decided on time')}</th>
              <th>{t('按时办结', 'Closed on time')}</th>
              <th>{t('调解成功', 'Agreed')}</th>
              <th>{t('挽回（元）', 'Recovered (¥)')}</th>
            </tr>
          </thead>
          <tbody>
            {data.months.map((m) => (
              <tr>
                <td>{m.month}</td>
                <td>{m.received.total}</td>
                <td>{pct(m.decidedOnTimeRate)}</td>
                <td>{pct(m.closedOnTimeRate)}</td>
                <td>{m.mediationsAgreed}</td>
                <td>{m.recovered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
