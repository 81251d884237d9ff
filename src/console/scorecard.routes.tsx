import { type Context, Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { requireRoles } from '../http/auth.js'
import { listSpotChecks } from '../inspections/spot-checks.read.js'
import { SpotCheckInputSchema } from '../inspections/spot-checks.schema.js'
import { drawSpotCheck } from '../inspections/spot-checks.service.js'
import { ScorecardQuerySchema, scorecard } from '../scorecard/scorecard.read.js'
import { tr } from '../web/i18n.js'
import { Field, PostForm, Table } from './admin-view.js'
import { ctxOf, refusalOf, str, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import { Layout, Refusal } from './layout.js'
import { consoleSelfCheckRoutes } from './self-checks.routes.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'
import { cell } from './task-self-check-view.js'

type Page = { problems?: string[]; refusal?: string | undefined; form?: Record<string, string> }

/**
 * The command centre's district scorecard of a month (`?month=YYYY-MM`, default the current month), with the
 * quarterly spot checks (每季抽查) and the form that draws one; the monthly self-check pages are mounted here.
 */
export function consoleScorecardRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.route('/', consoleSelfCheckRoutes(deps))
  const page = async (c: Context<ConsoleEnv>, p: Page = {}, status: 200 | 409 | 422 = 200) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const role = c.get('session')?.actor.role
    const now = new Date(deps.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7)
    const parsed = ScorecardQuerySchema.safeParse({ month: c.req.query('month') ?? now })
    const month = parsed.success ? parsed.data.month : now
    const [sc, spots] = await Promise.all([
      scorecard(deps, month),
      listSpotChecks(deps.db, deps.districts, { limit: 8 }),
    ])
    const head = [
      t('区县', 'District'),
      t('任务按时', 'Tasks on time'),
      t('投诉按时受理', 'Complaints decided on time'),
      t('投诉按时办结', 'Complaints closed on time'),
      t('整改按时结案', 'Rectifications on time'),
      t('公示栏24小时确认', 'Boards confirmed in 24 h'),
      t('自查按时报送', 'Self-checks filed on time'),
    ]
    const row = (name: string, x: (typeof sc)['city']) => [
      name,
      cell(x.tasks),
      cell(x.complaintsDecided),
      cell(x.complaintsClosed),
      cell(x.rectifications),
      cell(x.boards),
      `${cell(x.selfChecks)}${x.selfChecks.filed > x.selfChecks.onTime ? ` (${t('逾期报送', 'late')} ${x.selfChecks.filed - x.selfChecks.onTime})` : ''}`,
    ]
    const quarter = `${now.slice(0, 4)}-Q${Math.ceil(Number(now.slice(5, 7)) / 3)}`
    return c.html(
      `<!doctype html>${String(
        <Layout
          title={t('区县评分', 'District scorecard')}
          lang={lang}
          self={shell.self}
          signedInAs={shell.who}
        >
          <h1>{t(`区县评分 · ${month}`, `District scorecard · ${month}`)}</h1>
          <Refusal refusal={p.refusal} problems={p.problems} lang={lang} />
          <form method="get" action="/console/scorecard">
            <label>
              {t('月份', 'Month')} <input name="month" type="month" value={month} />
            </label>{' '}
            <button type="submit">{t('查看', 'Show')}</button>
          </form>
          <p class="meta">
            {t('按时数/应办数 · 按时率', 'on time / due · rate')} ·{' '}
            <a href="/console/self-checks">{t('每月自查', 'Monthly self-checks')}</a>
          </p>
          <Table
            id="scorecard"
            lang={lang}
            head={head}
            rows={[...sc.districts.map((d) => row(d.name, d)), row(t('全市', 'City'), sc.city)]}
          />
          <h2>{t('每季抽查', 'Quarterly spot checks')}</h2>
          <Table
            id="spot-checks"
            lang={lang}
            head={[
              t('季度', 'Quarter'),
              t('随机种子', 'Seed'),
              t('抽中区县（按抽取顺序）', 'Districts drawn, in order'),
            ]}
            rows={spots.items.map((s) => [
              s.quarter,
              <code>{s.seed}</code>,
              s.districts.map((d) => d.name).join('、'),
            ])}
          />
          {may(role, 'drawSpotCheck') ? (
            <PostForm action="/console/spot-checks" csrf={shell.csrf} submit={t('抽取', 'Draw')}>
              <Field
                form="spot"
                name="quarter"
                label={t('季度', 'Quarter')}
                value={p.form?.quarter ?? quarter}
              />
              <Field
                form="spot"
                name="count"
                label={t('抽取区县数', 'Districts to draw')}
                value={p.form?.count ?? '3'}
              />
              <Field
                form="spot"
                name="seed"
                label={t('随机种子（公开）', 'Seed (published)')}
                hint={t('8–128 个字符，无空格', '8–128 characters, no spaces')}
                value={p.form?.seed}
              />
            </PostForm>
          ) : null}
        </Layout>,
      )}`,
      status,
    )
  }
  app.use('/console/scorecard', requireRoles(ACCESS.readScorecard))
  app.get('/console/scorecard', (c) => page(c))
  app.post('/console/spot-checks', formFor('drawSpotCheck'), async (c) => {
    const lang = shellOf(c).lang
    const body = await c.req.parseBody()
    const form = { quarter: str(body, 'quarter'), count: str(body, 'count'), seed: str(body, 'seed') }
    const count = /^\d{1,3}$/.test(form.count.trim()) ? Number(form.count.trim()) : form.count
    const parsed = SpotCheckInputSchema.safeParse({ ...form, count })
    if (!parsed.success) return page(c, { problems: zodProblems(parsed.error, lang), form }, 422)
    try {
      await drawSpotCheck(deps, ctxOf(c), parsed.data)
    } catch (err) {
      const r = refusalOf(err, lang)
      return page(c, { ...r, form }, r.status)
    }
    return c.redirect('/console/scorecard', 303)
  })
  return app
}
