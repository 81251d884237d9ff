import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requireRoles } from '../http/auth.js'
import { incidentTasks, listIncidentsFor } from '../incidents/incident-reads.service.js'
import { taskOutcome } from '../incidents/incident-report.js'
import { type Lang, tr } from '../web/i18n.js'
import { ctxOf } from './console-forms.js'
import { percent } from './incident-report-page.js'
import { Layout } from './layout.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'
import type { Shell } from './task-pages.js'

const DAYS = 30
const DAY = 24 * 3600_000

interface Row {
  code: string
  name: string
  incidents: number
  required: number
  onTime: number
}

/**
 * 当场办结 across incidents: each district's on-time rate over the incidents activated in the last 30 days,
 * exercises excluded, with the city's. The same rule as the after-action report (src/incidents/incident-report.ts).
 */
export function consoleOverviewRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.get('/console/overview', requireRoles(ACCESS.readIncidentEvents), async (c) => {
    const shell = shellOf(c)
    const now = deps.clock.now()
    const since = new Date(now.getTime() - DAYS * DAY)
    const page = await listIncidentsFor(deps, ctxOf(c), { exercise: 'false', limit: 500 })
    const incidents = page.items.filter((i) => i.created_at >= since)
    const rows = new Map<string, Row>(
      deps.districts.items.map((d) => [
        d.code,
        {
          code: d.code,
          name: tr(shell.lang, { zh: d.nameZh, en: d.nameEn }),
          incidents: 0,
          required: 0,
          onTime: 0,
        },
      ]),
    )
    for (const incident of incidents) {
      const seen = new Set<string>()
      for (const t of await incidentTasks(deps.db, incident.id)) {
        const row = rows.get(t.district_code)
        if (!row) continue
        if (!seen.has(t.district_code)) {
          seen.add(t.district_code)
          row.incidents++
        }
        const outcome = taskOutcome(t, incident.status === 'active' ? now : undefined)
        if (outcome === 'excused' || outcome === 'undecided') continue
        row.required++
        if (outcome === 'on_time') row.onTime++
      }
    }
    return c.html(
      <OverviewPage shell={shell} rows={[...rows.values()]} incidents={incidents.length} since={since} />,
    )
  })
  return app
}

function OverviewPage(p: { shell: Shell; rows: Row[]; incidents: number; since: Date }) {
  const { lang } = p.shell
  const t = (zh: string, en: string) => tr(lang as Lang, { zh, en })
  const required = p.rows.reduce((n, r) => n + r.required, 0)
  const onTime = p.rows.reduce((n, r) => n + r.onTime, 0)
  const rate = (r: { required: number; onTime: number }) => (r.required ? r.onTime / r.required : null)
  const title = t(`近 ${DAYS} 天各区县按时办结率`, `On-time rates by district, last ${DAYS} days`)
  return (
    <Layout title={title} lang={lang} self={p.shell.self} signedInAs={p.shell.who}>
      <p>
        <a href="/console">← {t('指挥中心', 'Command centre')}</a>
      </p>
      <h1>{title}</h1>
      <p>
        {t(
          `${p.incidents} 起事件（不含演练）；全市按时办结率 `,
          `${p.incidents} incidents (exercises excluded); city on-time rate `,
        )}
        <span class="rate">{percent(rate({ required, onTime }))}</span>
        {t(`（${onTime}/${required} 项任务）`, ` (${onTime}/${required} tasks)`)}
      </p>
      <p class="meta">
        {t(
          '按时办结：在确认时限内确认、在完成时限内完成；尚未到期的任务不计入。',
          'On time: acknowledged within its window and completed by its due time; tasks not yet due are left out.',
        )}
      </p>
      <section class="table-wrap" tabindex={0} aria-label={title}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('区县', 'District')}</th>
              <th scope="col">{t('事件', 'Incidents')}</th>
              <th scope="col">{t('按时 / 应办', 'On time / due')}</th>
              <th scope="col">{t('按时办结率', 'On-time rate')}</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>
                <th scope="row">{r.name}</th>
                <td>{r.incidents}</td>
                <td>
                  {r.onTime}/{r.required}
                </td>
                <td class="rate">{percent(rate(r))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  )
}
