import type { DistrictReport } from '../incidents/incident-report.js'
import { msWords } from '../playbooks/duration.js'
import type { Playbook } from '../playbooks/playbook.schema.js'
import { LevelBadge } from '../web/components.js'
import { localTime, tr } from '../web/i18n.js'
import { Layout } from './layout.js'
import type { Shell } from './task-pages.js'

const COLOUR = { I: 'red', II: 'orange', III: 'yellow', IV: 'blue' } as const
type LevelName = keyof typeof COLOUR

/** A share (0..1) as a percentage a person reads: "87.5%", or "—" when nothing was required. */
export const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`

export interface ReportTimelineEntry {
  at: Date
  text: string
}

export interface ReportDistrictRow extends DistrictReport {
  name: string
  firstAcknowledgedAt: Date | null
  lastCompletedAt: Date | null
}

/**
 * The after-action report as a page that prints on A4 (the print stylesheet drops the navigation and keeps
 * tables whole): identity, playbook version, level history, timeline in Beijing time, per-district table
 * with names, acknowledgement and completion times and on-time rates, the city's totals, the summary.
 */
export function IncidentReportPage(p: {
  shell: Shell
  incident: {
    id: string
    code: string
    title: string
    level: LevelName
    status: string
    exercise: boolean
    createdAt: Date
    closedAt: Date | null
    summary: string | null
    playbookHash: string
  }
  playbook: Playbook
  levels: ReportTimelineEntry[]
  timeline: ReportTimelineEntry[]
  rows: ReportDistrictRow[]
  city: { tasks: number; onTimeRate: number | null; figures: Record<string, number> }
  figureNames: { name: string; label: string }[]
  now: Date
}) {
  const { lang } = p.shell
  const i = p.incident
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const time = (d: Date | null) => (d ? localTime(d, lang) : '—')
  const sum = (k: keyof DistrictReport) => p.rows.reduce((n, r) => n + (Number(r[k]) || 0), 0)
  return (
    <Layout
      title={`${i.code} ${t('总结报告', 'After-action report')}`}
      lang={lang}
      self={p.shell.self}
      signedInAs={p.shell.who}
    >
      <p class="no-print">
        <a href={`/console/incidents/${i.id}`}>← {t('返回事件', 'Back to the incident')}</a> ·{' '}
        <a href={`/console/incidents/${i.id}/report.csv${lang === 'en' ? '?lang=en' : ''}`}>
          {t('下载 CSV', 'Download CSV')}
        </a>{' '}
        ·{' '}
        {t(
          '打印或另存为 PDF：使用浏览器的“打印”（A4）。',
          'Print or save as PDF with the browser’s Print (A4).',
        )}
      </p>
      <article class="report">
        <h1>
          {i.exercise ? <span class="badge badge-exercise">{t('演练', 'Exercise')}</span> : null}
          {t('事件处置总结报告', 'After-action report')}
        </h1>
        <p class="report-title">
          <LevelBadge colour={COLOUR[i.level]} lang={lang} /> <strong>{i.title}</strong>
        </p>
        <dl class="report-facts">
          <dt>{t('事件编号', 'Code')}</dt>
          <dd class="code">{i.code}</dd>
          <dt>{t('预案', 'Playbook')}</dt>
          <dd>
            {tr(lang, p.playbook.name)} · {t('版本', 'version')}{' '}
            <span class="code">{i.playbookHash.slice(0, 12)}</span>
          </dd>
          <dt>{t('启动时间', 'Activated')}</dt>
          <dd>{time(i.createdAt)}</dd>
          <dt>{t('关闭时间', 'Closed')}</dt>
          <dd>
            {i.closedAt
              ? `${time(i.closedAt)}（${t('历时', 'lasted')} ${msWords(i.closedAt.getTime() - i.createdAt.getTime(), lang)}）`
              : t(
                  `尚未关闭（截至 ${localTime(p.now, lang)}）`,
                  `Still active (as of ${localTime(p.now, lang)})`,
                )}
          </dd>
          <dt>{t('全市按时办结率', 'City on-time rate')}</dt>
          <dd class="rate">{percent(p.city.onTimeRate)}</dd>
          {i.exercise ? (
            <>
              <dt>{t('统计', 'Statistics')}</dt>
              <dd>{t('演练，不计入统计', 'An exercise: not counted in statistics')}</dd>
            </>
          ) : null}
        </dl>
        <p class="meta">{t('时间均为北京时间（UTC+8）。', 'All times are Beijing time (UTC+8).')}</p>

        <h2>{t('级别变化', 'Level history')}</h2>
        <ol>
          {p.levels.map((e) => (
            <li>
              {localTime(e.at, lang)} — {e.text}
            </li>
          ))}
        </ol>

        <h2>{t('各区县处置情况', 'By district')}</h2>
        <section class="table-wrap" tabindex={0} aria-label={t('各区县处置情况', 'By district')}>
          <table class="report-table">
            <thead>
              <tr>
                <th scope="col">{t('区县', 'District')}</th>
                <th scope="col">{t('任务', 'Tasks')}</th>
                <th scope="col">{t('按时确认', 'Acknowledged on time')}</th>
                <th scope="col">{t('首次确认', 'First acknowledged')}</th>
                <th scope="col">{t('按时完成', 'Completed on time')}</th>
                <th scope="col">{t('最后完成', 'Last completed')}</th>
                <th scope="col">{t('按时办结率', 'On-time rate')}</th>
                <th scope="col">{t('升级', 'Escalations')}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <th scope="row">
                    {r.name} <span class="meta code">{r.district}</span>
                  </th>
                  <td>{r.tasks}</td>
                  <td>
                    {r.acknowledgedOnTime}/{r.acknowledged}
                  </td>
                  <td>{time(r.firstAcknowledgedAt)}</td>
                  <td>
                    {r.completedOnTime}/{r.completed}
                  </td>
                  <td>{time(r.lastCompletedAt)}</td>
                  <td class="rate">{percent(r.onTimeRate)}</td>
                  <td>{r.escalations}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('全市合计', 'City total')}</th>
                <td>{p.city.tasks}</td>
                <td>
                  {sum('acknowledgedOnTime')}/{sum('acknowledged')}
                </td>
                <td />
                <td>
                  {sum('completedOnTime')}/{sum('completed')}
                </td>
                <td />
                <td class="rate">{percent(p.city.onTimeRate)}</td>
                <td>{sum('escalations')}</td>
              </tr>
            </tfoot>
          </table>
        </section>

        {p.figureNames.length > 0 ? (
          <>
            <h2>{t('上报数据全市合计', 'City totals of reported figures')}</h2>
            <ul class="totals">
              {p.figureNames.map((f) => (
                <li>
                  {f.label}：<b>{p.city.figures[f.name] ?? 0}</b>
                </li>
              ))}
            </ul>
          </>
        ) : null}

        <h2>{t('时间线', 'Timeline')}</h2>
        <ol class="timeline">
          {p.timeline.map((e) => (
            <li>
              <span class="code">{localTime(e.at, lang)}</span> {e.text}
            </li>
          ))}
        </ol>

        <h2>{t('处置总结', 'Closing summary')}</h2>
        <p>{i.summary ?? t('（事件尚未关闭，暂无总结）', '(Not closed yet: no summary)')}</p>
      </article>
    </Layout>
  )
}
