import { type Context, Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { requireRoles } from '../http/auth.js'
import { getSelfCheck, listSelfChecks } from '../scorecard/self-checks.read.js'
import { SelfCheckReportSchema } from '../scorecard/self-checks.schema.js'
import { fileSelfCheck } from '../scorecard/self-checks.service.js'
import { localTime, tr } from '../web/i18n.js'
import { Field, PostForm, Table } from './admin-view.js'
import { ctxOf, refusalOf, str, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import { Layout, Refusal } from './layout.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'
import { SelfCheckFiguresTable } from './task-self-check-view.js'

type Page = { problems?: string[]; refusal?: string | undefined; form?: Record<string, string> }

/**
 * 每月自查 in the console: a district officer's own self-checks (the command centre sees all), each with the
 * district's scorecard figures of the month and the report form while it is due.
 */
export function consoleSelfCheckRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()

  app.get('/console/self-checks', requireRoles(ACCESS.readSelfChecks), async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const list = await listSelfChecks(deps, ctxOf(c), { limit: 100 })
    const state = (x: (typeof list.items)[number]) =>
      x.status === 'filed'
        ? x.onTime
          ? t('已按时报送', 'filed on time')
          : t('逾期报送', 'filed late')
        : x.overdue
          ? t('逾期未报', 'overdue')
          : t('待报送', 'due')
    return c.html(
      <Layout
        title={t('每月自查', 'Monthly self-checks')}
        lang={lang}
        self={shell.self}
        signedInAs={shell.who}
      >
        <h1>{t('每月自查', 'Monthly self-checks')}</h1>
        <Table
          id="self-checks"
          lang={lang}
          head={[t('月份', 'Month'), t('区县', 'District'), t('状态', 'Status'), t('报送期限', 'Due')]}
          rows={list.items.map((x) => [
            <a href={`/console/self-checks/${x.id}`}>{x.month}</a>,
            x.districtName,
            state(x),
            localTime(x.dueAt, lang),
          ])}
        />
      </Layout>,
    )
  })

  const detail = async (
    c: Context<ConsoleEnv>,
    id: string,
    page: Page = {},
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const role = c.get('session')?.actor.role
    const x = await getSelfCheck(deps, ctxOf(c), id)
    return c.html(
      <Layout
        title={t(`${x.districtName} ${x.month} 自查`, `${x.districtName} self-check ${x.month}`)}
        lang={lang}
        self={shell.self}
        signedInAs={shell.who}
      >
        <h1>{t(`${x.districtName} · ${x.month} 每月自查`, `${x.districtName} · self-check ${x.month}`)}</h1>
        <Refusal refusal={page.refusal} problems={page.problems} lang={lang} />
        <p class="meta">
          {t('报送期限', 'Due')} {localTime(x.dueAt, lang)}
          {x.filedAt ? ` · ${t('报送于', 'filed')} ${localTime(x.filedAt, lang)}` : ''}
          {x.taskId ? (
            <>
              {' · '}
              <a href={`/console/tasks/${x.taskId}`}>{t('对应任务', 'Its task')}</a>
            </>
          ) : null}
        </p>
        <h2>
          {x.filedAt
            ? t('本月指标（报送时）', 'The month’s figures (as filed)')
            : t('本月指标', 'The month’s figures')}
        </h2>
        <SelfCheckFiguresTable figures={x.figures} lang={lang} />
        {x.status === 'filed' ? (
          <dl>
            <dt>{t('自查情况', 'Findings')}</dt>
            <dd>{x.summary}</dd>
            <dt>{t('整改措施', 'Measures')}</dt>
            <dd>{x.measures ?? '—'}</dd>
          </dl>
        ) : may(role, 'fileSelfCheck') ? (
          <PostForm action={`/console/self-checks/${id}`} csrf={shell.csrf} submit={t('报送自查', 'File')}>
            <Field
              form="self-check"
              name="summary"
              label={t('自查情况', 'Findings')}
              value={page.form?.summary}
            />
            <Field
              form="self-check"
              name="measures"
              label={t('整改措施（选填）', 'Measures (optional)')}
              value={page.form?.measures}
            />
          </PostForm>
        ) : null}
      </Layout>,
      status,
    )
  }

  app.get('/console/self-checks/:id', requireRoles(ACCESS.readSelfChecks), (c) =>
    detail(c, c.req.param('id')),
  )
  app.post('/console/self-checks/:id', formFor('fileSelfCheck'), async (c) => {
    const id = c.req.param('id')
    const lang = shellOf(c).lang
    const body = await c.req.parseBody()
    const form = { summary: str(body, 'summary'), measures: str(body, 'measures') }
    const parsed = SelfCheckReportSchema.safeParse(form)
    if (!parsed.success) return detail(c, id, { problems: zodProblems(parsed.error, lang), form }, 422)
    try {
      await fileSelfCheck(deps, ctxOf(c), id, parsed.data)
    } catch (err) {
      return detail(c, id, { ...refusalOf(err, lang), form }, refusalOf(err, lang).status)
    }
    // Filed from its task's page: back there, where the task now shows as completed.
    const check = await getSelfCheck(deps, ctxOf(c), id)
    if (str(body, 'from') === 'task' && check.taskId)
      return c.redirect(`/console/tasks/${check.taskId}?done=selfCheck#self-check`, 303)
    return c.redirect(`/console/self-checks/${id}`, 303)
  })
  return app
}
