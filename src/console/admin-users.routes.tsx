import { type Context, Hono } from 'hono'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { ROLES, type Role } from '../domain/enums.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { requireRoles } from '../http/auth.js'
import { bindingProblems } from '../tokens/role-binding.js'
import { findUser, listUsers, type UserRow } from '../users/users.read.js'
import { CreateUserSchema, UpdateUserSchema } from '../users/users.schema.js'
import { createUser, updateUser } from '../users/users.service.js'
import { tr } from '../web/i18n.js'
import {
  ADMIN_PAGE,
  AdminPage,
  districtOptions,
  Field,
  NewForm,
  Pager,
  PostForm,
  ROLE_TEXT,
  roleOptions,
  Select,
  ShownOnce,
  Table,
  trailOf,
} from './admin-view.js'
import { ctxOf, formProblems, refusalOf, str } from './console-forms.js'
import { formFor } from './form-access.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

const LABELS = {
  login: { zh: '登录名', en: 'Login' },
  name: { zh: '姓名', en: 'Name' },
  role: { zh: '角色', en: 'Role' },
  district: { zh: '区县', en: 'District' },
  retailer: { zh: '经营者编号', en: 'Retailer id' },
  phone: { zh: '电话', en: 'Phone' },
  disabled: { zh: '停用', en: 'Disabled' },
}
type Form = Partial<Record<keyof typeof LABELS, string>>
const FIELDS = Object.keys(LABELS) as (keyof typeof LABELS)[]

const formOf = (body: Record<string, unknown>): Form =>
  Object.fromEntries(FIELDS.map((f) => [f, str(body, f).trim()]))
const formOfUser = (u: UserRow): Form => ({
  login: u.login,
  name: u.display_name,
  role: u.role,
  district: u.district_code ?? '',
  retailer: u.retailer_id ?? '',
  phone: u.phone ?? '',
  disabled: u.disabled_at ? '1' : '',
})
const isRole = (r: string | undefined): r is Role => (ROLES as readonly string[]).includes(r ?? '')
const noUser = () => notFound({ zh: '用户不存在', en: 'No such user' })
/** An empty field is "not given" on create and "none" on edit. */
const given = (v: string | undefined) => (v ? v : undefined)
const orNull = (v: string | undefined) => (v ? v : null)

/**
 * Staff accounts in the console, over the services of `POST/GET/PATCH /api/v1/users`: the same checks, the
 * same events, attributed to the signed-in admin. A one-time password is shown once, on the answer page.
 */
export function consoleAdminUserRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.use('/console/admin/users', requireRoles(ACCESS.manageUsers))
  app.use('/console/admin/users/*', requireRoles(ACCESS.manageUsers))

  /** The service's binding rule, checked with the schema's so that every problem shows at once. */
  const bindingOf = (form: Form, empty: (v: string | undefined) => string | null | undefined) =>
    isRole(form.role)
      ? bindingProblems(deps.db, 'account', form.role, empty(form.district), empty(form.retailer))
      : Promise.resolve([])

  const fields = (c: Context<ConsoleEnv>, form: Form, id: string, withLogin: boolean) => {
    const { lang } = shellOf(c)
    const label = (k: keyof typeof LABELS) => tr(lang, LABELS[k])
    return (
      <>
        {withLogin ? <Field form={id} name="login" label={label('login')} value={form.login} /> : null}
        <Field form={id} name="name" label={label('name')} value={form.name} />
        <Select form={id} name="role" label={label('role')} value={form.role} options={roleOptions(lang)} />
        <Select
          form={id}
          name="district"
          label={`${label('district')}（${tr(lang, { zh: '仅区县局', en: 'district role only' })}）`}
          value={form.district}
          options={districtOptions(deps.districts.items, lang, { zh: '—', en: '—' })}
        />
        <Field
          form={id}
          name="retailer"
          label={`${label('retailer')}（${tr(lang, { zh: '仅经营者', en: 'retailer role only' })}）`}
          value={form.retailer}
        />
        <Field form={id} name="phone" label={label('phone')} value={form.phone} type="tel" />
      </>
    )
  }

  const list = async (
    c: Context<ConsoleEnv>,
    extra: {
      form?: Form
      problems?: string[]
      refusal?: string
      password?: { login: string; secret: string }
    },
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const trail = trailOf(c.req.query('at'))
    const cursor = trail.at(-1)
    const rows = await listUsers(deps.db, {
      limit: ADMIN_PAGE,
      after: cursor ? decodeCursor(cursor, 1) : undefined,
    })
    const page = pageOf(rows, ADMIN_PAGE, (r) => [r.login_key])
    return c.html(
      <AdminPage shell={shell} title={{ zh: '用户', en: 'Users' }} {...extra}>
        {extra.password ? (
          <ShownOnce
            lang={lang}
            label={t(
              `${extra.password.login} 的一次性密码（首次登录须改密）：`,
              `One-time password of ${extra.password.login} (to be replaced at first sign-in):`,
            )}
            secret={extra.password.secret}
          />
        ) : null}
        <NewForm title={t('新建用户', 'New user')} open={!!extra.form}>
          <PostForm
            action="/console/admin/users"
            csrf={shell.csrf}
            submit={t('创建', 'Create')}
            id="new-user"
          >
            {fields(c, extra.form ?? { role: 'district' }, 'u', true)}
          </PostForm>
        </NewForm>
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
          rows={page.items.map((u) => [
            <a href={`/console/admin/users/${u.id}`}>{u.login}</a>,
            u.display_name,
            tr(lang, ROLE_TEXT[u.role]),
            u.district_code ?? u.retailer_id ?? '—',
            u.disabled_at ? t('已停用', 'disabled') : t('启用', 'active'),
          ])}
        />
        <Pager path="/console/admin/users" trail={trail} next={page.next} lang={lang} />
      </AdminPage>,
      status,
    )
  }

  app.get('/console/admin/users', (c) => list(c, {}))

  app.post('/console/admin/users', formFor('manageUsers'), async (c) => {
    const { lang } = shellOf(c)
    const form = formOf(await c.req.parseBody())
    const parsed = CreateUserSchema.safeParse({
      login: form.login,
      name: form.name,
      role: form.role,
      district: given(form.district),
      retailer: given(form.retailer),
      phone: given(form.phone),
    })
    if (!parsed.success) {
      const more = await bindingOf(form, given)
      return list(c, { form, problems: formProblems(parsed.error, more, LABELS, lang) }, 422)
    }
    try {
      const b = parsed.data
      const { user, oneTimePassword } = await createUser(deps.db, deps.clock, ctxOf(c), {
        login: b.login,
        name: b.name,
        role: b.role,
        districtCode: b.district,
        retailerId: b.retailer,
        phone: b.phone,
      })
      return list(c, { password: { login: user.login, secret: oneTimePassword ?? '' } })
    } catch (err) {
      const r = refusalOf(err, lang, LABELS)
      return list(c, { form, ...r }, r.status)
    }
  })

  const edit = async (
    c: Context<ConsoleEnv>,
    extra: { form?: Form; problems?: string[]; refusal?: string; saved?: boolean; password?: string },
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const id = c.req.param('id') ?? ''
    const user = isUuid(id) ? await findUser(deps.db, id) : undefined
    if (!user) throw noUser()
    const form = extra.form ?? formOfUser(user)
    return c.html(
      <AdminPage shell={shell} title={{ zh: `用户 ${user.login}`, en: `User ${user.login}` }} {...extra}>
        {extra.saved ? <p class="notice">{t('已保存。', 'Saved.')}</p> : null}
        {extra.password ? (
          <ShownOnce
            lang={lang}
            label={t(`${user.login} 的新一次性密码：`, `New one-time password of ${user.login}:`)}
            secret={extra.password}
          />
        ) : null}
        <PostForm
          action={`/console/admin/users/${user.id}`}
          csrf={shell.csrf}
          submit={t('保存', 'Save')}
          id="edit-user"
        >
          {fields(c, form, 'e', false)}
          <label class="check" for="e-disabled">
            <input
              id="e-disabled"
              type="checkbox"
              name="disabled"
              value="1"
              checked={form.disabled === '1'}
            />
            {t('停用（立即结束其所有会话）', 'Disabled (ends all of their sessions at once)')}
          </label>
        </PostForm>
        <PostForm
          action={`/console/admin/users/${user.id}/reset`}
          secondary
          csrf={shell.csrf}
          submit={t('重置密码（生成一次性密码）', 'Reset the password (one-time password)')}
        >
          {null}
        </PostForm>
        <p>
          <a href="/console/admin/users">{t('‹ 返回用户列表', '‹ Back to the users')}</a>
        </p>
      </AdminPage>,
      status,
    )
  }

  app.get('/console/admin/users/:id', (c) => edit(c, { saved: c.req.query('saved') === '1' }))

  app.post('/console/admin/users/:id', formFor('manageUsers'), async (c) => {
    const { lang } = shellOf(c)
    const id = c.req.param('id')
    if (!isUuid(id) || !(await findUser(deps.db, id))) throw noUser()
    const form = formOf(await c.req.parseBody())
    const parsed = UpdateUserSchema.safeParse({
      name: form.name,
      phone: orNull(form.phone),
      role: form.role,
      district: orNull(form.district),
      retailer: orNull(form.retailer),
      disabled: form.disabled === '1',
    })
    if (!parsed.success) {
      const more = await bindingOf(form, orNull)
      return edit(c, { form, problems: formProblems(parsed.error, more, LABELS, lang) }, 422)
    }
    const b = parsed.data
    try {
      await updateUser(deps.db, deps.clock, ctxOf(c), id, {
        name: b.name,
        phone: b.phone,
        role: b.role,
        districtCode: b.district,
        retailerId: b.retailer,
        disabled: b.disabled,
      })
    } catch (err) {
      const r = refusalOf(err, lang, LABELS)
      return edit(c, { form, ...r }, r.status)
    }
    return c.redirect(`/console/admin/users/${id}?saved=1`, 303)
  })

  app.post('/console/admin/users/:id/reset', formFor('manageUsers'), async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id) || !(await findUser(deps.db, id))) throw noUser()
    const { oneTimePassword } = await updateUser(deps.db, deps.clock, ctxOf(c), id, { resetPassword: true })
    return edit(c, { password: oneTimePassword ?? '' })
  })
  return app
}
