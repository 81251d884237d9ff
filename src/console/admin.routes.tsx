import { type Context, Hono } from 'hono'
import { districtContacts } from '../contacts/contacts.read.js'
import { DistrictContactsSchema } from '../contacts/contacts.schema.js'
import { getDistrictContacts, putDistrictContacts } from '../contacts/contacts.service.js'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { notFound } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { cronOf, jobs as registry } from '../jobs/job-registry.js'
import { recentRuns } from '../jobs/jobs.read.js'
import type { ActorCache } from '../tokens/actor-cache.js'
import { tr } from '../web/i18n.js'
import { listWebhooks } from '../webhooks/webhooks.read.js'
import { consoleAdminRetailerRoutes } from './admin-retailers.routes.js'
import { consoleAdminTokenRoutes } from './admin-tokens.routes.js'
import { consoleAdminUserRoutes } from './admin-users.routes.js'
import { ADMIN_PAGE, AdminPage, Field, Pager, PostForm, Table, trailOf, when } from './admin-view.js'
import { ctxOf, formProblems, str } from './console-forms.js'
import { formFor } from './form-access.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

const LABELS = {
  dutyName: { zh: '值班人员', en: 'Duty officer' },
  dutyPhone: { zh: '值班电话', en: 'Duty phone' },
  headName: { zh: '分管负责人', en: 'Head' },
  headPhone: { zh: '负责人电话', en: 'Head phone' },
}
const FIELDS = Object.keys(LABELS) as (keyof typeof LABELS)[]
/** The schema's paths named by the form's fields. */
const PATHS = {
  'dutyOfficer.name': LABELS.dutyName,
  'dutyOfficer.phone': LABELS.dutyPhone,
  'head.name': LABELS.headName,
  'head.phone': LABELS.headPhone,
}
type Form = Partial<Record<keyof typeof LABELS, string>>
const contactOf = (name = '', phone = '') => (name || phone ? { name, phone } : null)

/**
 * The admin section: users, tokens and retailers (their own files), district contacts, and the read-only
 * webhooks (their signing secrets never shown) and scheduled jobs with their last run. Every change goes
 * through the API's service with the signed-in admin as actor.
 */
export function consoleAdminRoutes(deps: AppDeps, actors: ActorCache) {
  const app = new Hono<ConsoleEnv>()
  app.use('/console/admin', requireRoles(ACCESS.administer))
  app.use('/console/admin/contacts', requireRoles(ACCESS.manageContacts))
  app.use('/console/admin/contacts/*', requireRoles(ACCESS.manageContacts))
  app.route('/', consoleAdminUserRoutes(deps))
  app.route('/', consoleAdminTokenRoutes(deps, actors))
  app.route('/', consoleAdminRetailerRoutes(deps))

  app.get('/console/admin', async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const trail = trailOf(c.req.query('at'))
    const cursor = trail.at(-1)
    const [rows, jobs] = await Promise.all([
      listWebhooks(deps.db, {
        includeDeleted: false,
        limit: ADMIN_PAGE,
        after: cursor ? decodeCursor(cursor, 2) : undefined,
      }),
      Promise.all(registry.map(async (j) => ({ j, last: (await recentRuns(deps.db, j.name, 1))[0] }))),
    ])
    const hooks = pageOf(rows, ADMIN_PAGE, (r) => [new Date(r.created_at).toISOString(), r.id])
    return c.html(
      <AdminPage shell={shell} title={{ zh: 'Webhook 与定时任务', en: 'Webhooks and jobs' }}>
        <p class="meta">
          {t(
            'Webhook 订阅在此只读（签名密钥从不显示），增删请用 API。',
            'Webhooks are read-only here (signing secrets are never shown); add or remove them through the API.',
          )}
        </p>
        <h2>{t('Webhook 订阅', 'Webhooks')}</h2>
        <Table
          id="webhooks"
          lang={lang}
          head={['URL', t('事件', 'Events'), t('区县', 'Districts'), t('创建于', 'Created')]}
          rows={hooks.items.map((h) => [
            h.url,
            h.events.join(' '),
            h.districts?.join(' ') ?? t('全部', 'all'),
            when(h.created_at, lang),
          ])}
        />
        <Pager path="/console/admin" trail={trail} next={hooks.next} lang={lang} />
        <h2>{t('定时任务', 'Jobs')}</h2>
        <Table
          id="jobs"
          lang={lang}
          head={[t('名称', 'Name'), t('计划', 'Schedule'), t('上次运行', 'Last run'), t('结果', 'Outcome')]}
          rows={jobs.map(({ j, last }) => [
            j.name,
            j.kind === 'cron'
              ? cronOf(j, deps.config)
              : t(`每 ${j.everyMs(deps.config)} 毫秒`, `every ${j.everyMs(deps.config)} ms`),
            when(last?.started_at, lang),
            last ? `${last.outcome}${last.error ? `: ${last.error}` : ''}` : '—',
          ])}
        />
      </AdminPage>,
    )
  })

  app.get('/console/admin/contacts', async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const contacts = await districtContacts(
      deps.db,
      deps.districts.items.map((d) => d.code),
    )
    const show = (x: { name: string; phone: string } | null | undefined) => (x ? `${x.name} ${x.phone}` : '—')
    return c.html(
      <AdminPage shell={shell} title={{ zh: '区县联系人', en: 'District contacts' }}>
        <Table
          id="contacts"
          lang={lang}
          head={[t('区县', 'District'), t('值班人员', 'Duty officer'), t('分管负责人', 'Head')]}
          rows={deps.districts.items.map((d) => {
            const k = contacts.get(d.code)
            return [
              <a href={`/console/admin/contacts/${d.code}`}>{tr(lang, { zh: d.nameZh, en: d.nameEn })}</a>,
              show(k?.dutyOfficer),
              show(k?.head),
            ]
          })}
        />
      </AdminPage>,
    )
  })

  const codeOf = (c: Context<ConsoleEnv>) => {
    const code = c.req.param('code') ?? ''
    const d = deps.districts.items.find((x) => x.code === code)
    if (!d) throw notFound({ zh: `没有代码为 ${code} 的区县`, en: `No district with code ${code}` })
    return d
  }

  const contactPage = async (
    c: Context<ConsoleEnv>,
    extra: { form?: Form; problems?: string[]; saved?: boolean },
    status: 200 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const t = (zh: string, en: string) => tr(shell.lang, { zh, en })
    const d = codeOf(c)
    const now = await getDistrictContacts(deps, d.code)
    const form: Form = extra.form ?? {
      dutyName: now.dutyOfficer?.name ?? '',
      dutyPhone: now.dutyOfficer?.phone ?? '',
      headName: now.head?.name ?? '',
      headPhone: now.head?.phone ?? '',
    }
    const name = tr(shell.lang, { zh: d.nameZh, en: d.nameEn })
    return c.html(
      <AdminPage
        shell={shell}
        title={{ zh: `${d.nameZh}联系人`, en: `${d.nameEn} contacts` }}
        problems={extra.problems ?? []}
      >
        {extra.saved ? <p class="notice">{t('已保存。', 'Saved.')}</p> : null}
        <p class="meta">
          {t(
            `${name}的任务升级时通知这些人；两项都留空即为无。`,
            `Escalations of ${name}'s tasks reach these people; leave both fields empty for none.`,
          )}
        </p>
        <PostForm
          action={`/console/admin/contacts/${d.code}`}
          csrf={shell.csrf}
          submit={t('保存', 'Save')}
          id="contacts-form"
        >
          {FIELDS.map((k) => (
            <Field
              form="c"
              name={k}
              label={tr(shell.lang, LABELS[k])}
              value={form[k]}
              type={k.endsWith('Phone') ? 'tel' : 'text'}
            />
          ))}
        </PostForm>
        <p>
          <a href="/console/admin/contacts">{t('‹ 返回区县联系人', '‹ Back to the district contacts')}</a>
        </p>
      </AdminPage>,
      status,
    )
  }

  app.get('/console/admin/contacts/:code', (c) => contactPage(c, { saved: c.req.query('saved') === '1' }))

  app.post('/console/admin/contacts/:code', formFor('manageContacts'), async (c) => {
    const d = codeOf(c)
    const body = await c.req.parseBody()
    const form: Form = Object.fromEntries(FIELDS.map((k) => [k, str(body, k).trim()]))
    const parsed = DistrictContactsSchema.safeParse({
      dutyOfficer: contactOf(form.dutyName, form.dutyPhone),
      head: contactOf(form.headName, form.headPhone),
    })
    if (!parsed.success)
      return contactPage(c, { form, problems: formProblems(parsed.error, [], PATHS, shellOf(c).lang) }, 422)
    await putDistrictContacts(deps, ctxOf(c), d.code, parsed.data)
    return c.redirect(`/console/admin/contacts/${d.code}?saved=1`, 303)
  })
  return app
}
