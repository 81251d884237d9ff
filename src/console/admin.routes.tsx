import { Hono } from 'hono'
import { districtContacts } from '../contacts/contacts.repo.js'
import type { AppDeps } from '../deps.js'
import { requireRoles } from '../http/auth.js'
import { cronOf, jobs as registry } from '../jobs/job-registry.js'
import { recentRuns } from '../jobs/job-runs.repo.js'
import { listTokens } from '../tokens/tokens.repo.js'
import { listUsers } from '../users/users.repo.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { listWebhooks } from '../webhooks/webhooks.repo.js'
import { Layout } from './layout.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

/** The API's `x-access` of listUsers, listTokens, listWebhooks and listJobs. */
const ADMIN = ['admin'] as const
/** One screen of each list; the API pages beyond it. */
const SHOWN = 200

const when = (d: Date | string | null, lang: Lang) => (d ? localTime(new Date(d).toISOString(), lang) : '—')

function Table(p: { head: string[]; rows: (string | number)[][]; id: string; lang: Lang }) {
  return p.rows.length === 0 ? (
    <p class="empty">{tr(p.lang, { zh: '无', en: 'None' })}</p>
  ) : (
    <table class="matrix" id={p.id}>
      <thead>
        <tr>
          {p.head.map((h) => (
            <th>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr>
            {r.map((v) => (
              <td>{v}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * Admin, read-only: users, API tokens (never their secrets), webhooks (never their signing secrets),
 * district contacts and scheduled jobs, over the same repos as the admin API. Changes stay with the API/CLI.
 */
export function consoleAdminRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.get('/console/admin', requireRoles(ADMIN), async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const [users, tokens, hooks, contacts, jobs] = await Promise.all([
      listUsers(deps.db, { limit: SHOWN }),
      listTokens(deps.db, { includeRevoked: false, limit: SHOWN }),
      listWebhooks(deps.db, { includeDeleted: false, limit: SHOWN }),
      districtContacts(
        deps.db,
        deps.districts.items.map((d) => d.code),
      ),
      Promise.all(registry.map(async (j) => ({ j, last: (await recentRuns(deps.db, j.name, 1))[0] }))),
    ])
    return c.html(
      <Layout title={t('系统管理', 'Administration')} lang={lang} self={shell.self} signedInAs={shell.who}>
        <h1>{t('系统管理', 'Administration')}</h1>
        <p class="meta">
          {t('只读；修改请用 API 或命令行。', 'Read-only; changes go through the API or the CLI.')}
        </p>
        <h2>{t('用户', 'Users')}</h2>
        <Table
          id="users"
          lang={lang}
          head={[
            t('登录名', 'Login'),
            t('姓名', 'Name'),
            t('角色', 'Role'),
            t('区县', 'District'),
            t('状态', 'Status'),
          ]}
          rows={users
            .slice(0, SHOWN)
            .map((u) => [
              u.login,
              u.display_name,
              u.role,
              u.district_code ?? '—',
              u.disabled_at ? t('已停用', 'disabled') : t('启用', 'active'),
            ])}
        />
        <h2>{t('API 令牌', 'API tokens')}</h2>
        <Table
          id="tokens"
          lang={lang}
          head={[t('名称', 'Name'), t('角色', 'Role'), t('区县', 'District'), t('创建于', 'Created')]}
          rows={tokens
            .slice(0, SHOWN)
            .map((k) => [k.name, k.role, k.district_code ?? '—', when(k.created_at, lang)])}
        />
        <h2>{t('Webhook 订阅', 'Webhooks')}</h2>
        <Table
          id="webhooks"
          lang={lang}
          head={['URL', t('事件', 'Events'), t('区县', 'Districts'), t('创建于', 'Created')]}
          rows={hooks
            .slice(0, SHOWN)
            .map((h) => [
              h.url,
              h.events.join(' '),
              h.districts?.join(' ') ?? t('全部', 'all'),
              when(h.created_at, lang),
            ])}
        />
        <h2>{t('区县联系人', 'District contacts')}</h2>
        <Table
          id="contacts"
          lang={lang}
          head={[t('区县', 'District'), t('值班人员', 'Duty officer'), t('分管负责人', 'Head')]}
          rows={deps.districts.items.map((d) => {
            const k = contacts.get(d.code)
            const show = (x: { name: string; phone: string } | null | undefined) =>
              x ? `${x.name} ${x.phone}` : '—'
            return [tr(lang, { zh: d.nameZh, en: d.nameEn }), show(k?.dutyOfficer), show(k?.head)]
          })}
        />
        <h2>{t('定时任务', 'Jobs')}</h2>
        <Table
          id="jobs"
          lang={lang}
          head={[t('名称', 'Name'), t('计划', 'Schedule'), t('上次运行', 'Last run'), t('结果', 'Outcome')]}
          rows={jobs.map(({ j, last }) => [
            j.name,
            j.kind === 'cron' ? cronOf(j, deps.config) : `every ${j.everyMs(deps.config)} ms`,
            when(last?.started_at ?? null, lang),
            last ? `${last.outcome}${last.error ? `: ${last.error}` : ''}` : '—',
          ])}
        />
      </Layout>,
    )
  })
  return app
}
