import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requireRoles } from '../http/auth.js'
import { ScorecardQuerySchema, scorecard } from '../scorecard/scorecard.read.js'
import { tr } from '../web/i18n.js'
import { Table } from './admin-view.js'
import { Layout } from './layout.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

type Part = { due: number; onTime: number; rate: number | null } | null
const cell = (p: Part) => (p === null ? '—' : `${p.onTime}/${p.due}${p.rate === null ? '' : ` · ${p.rate}%`}`)

/** The command centre's district scorecard of a month (`?month=YYYY-MM`, default the current month). */
export function consoleScorecardRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.use('/console/scorecard', requireRoles(ACCESS.readScorecard))
  app.get('/console/scorecard', async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const now = new Date(deps.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7)
    const parsed = ScorecardQuerySchema.safeParse({ month: c.req.query('month') ?? now })
    const month = parsed.success ? parsed.data.month : now
    const sc = await scorecard(deps, month)
    const head = [
      t('区县', 'District'),
      t('任务按时', 'Tasks on time'),
      t('投诉按时受理', 'Complaints decided on time'),
      t('投诉按时办结', 'Complaints closed on time'),
      t('整改按时结案', 'Rectifications on time'),
      t('公示栏24小时确认', 'Boards confirmed in 24 h'),
      t('自查', 'Self-checks'),
    ]
    const row = (name: string, x: (typeof sc)['city']) => [
      name,
      cell(x.tasks),
      cell(x.complaintsDecided),
      cell(x.complaintsClosed),
      cell(x.rectifications),
      cell(x.boards),
      cell(x.selfChecks),
    ]
    return c.html(
      `<!doctype html>${String(
        <Layout
          title={t('区县评分', 'District scorecard')}
          lang={lang}
          self={shell.self}
          signedInAs={shell.who}
        >
          <h1>{t(`区县评分 · ${month}`, `District scorecard · ${month}`)}</h1>
          <form method="get" action="/console/scorecard">
            <label>
              {t('月份', 'Month')} <input name="month" type="month" value={month} />
            </label>{' '}
            <button type="submit">{t('查看', 'Show')}</button>
          </form>
          <p class="meta">{t('按时数/应办数 · 按时率', 'on time / due · rate')}</p>
          <Table
            id="scorecard"
            lang={lang}
            head={head}
            rows={[...sc.districts.map((d) => row(d.name, d)), row(t('全市', 'City'), sc.city)]}
          />
        </Layout>,
      )}`,
    )
  })
  return app
}
