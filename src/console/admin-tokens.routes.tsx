import { type Context, Hono } from 'hono'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { requireRoles } from '../http/auth.js'
import type { ActorCache } from '../tokens/actor-cache.js'
import { bindingProblems } from '../tokens/role-binding.js'
import { listTokens } from '../tokens/tokens.read.js'
import { CreateTokenSchema } from '../tokens/tokens.schema.js'
import { createToken, revokeToken } from '../tokens/tokens.service.js'
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
  when,
} from './admin-view.js'
import { ctxOf, formProblems, refusalOf, str } from './console-forms.js'
import { formFor } from './form-access.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

const LABELS = {
  name: { zh: '名称', en: 'Name' },
  role: { zh: '角色', en: 'Role' },
  district: { zh: '区县', en: 'District' },
  retailer: { zh: '经营者编号', en: 'Retailer id' },
}
type Form = Partial<Record<keyof typeof LABELS, string>>

/**
 * API tokens in the console, over the services of `POST/GET /api/v1/tokens` and `DELETE /api/v1/tokens/{id}`:
 * a new token's secret is shown once; the last active admin token cannot be revoked (the service's 409,
 * shown with its reason). A revocation is forgotten by this instance's token cache at once, as in the API.
 */
export function consoleAdminTokenRoutes(deps: AppDeps, actors: ActorCache) {
  const app = new Hono<ConsoleEnv>()
  app.use('/console/admin/tokens', requireRoles(ACCESS.manageTokens))
  app.use('/console/admin/tokens/*', requireRoles(ACCESS.manageTokens))

  const page = async (
    c: Context<ConsoleEnv>,
    extra: { form?: Form; problems?: string[]; refusal?: string; secret?: { name: string; token: string } },
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const label = (k: keyof typeof LABELS) => tr(lang, LABELS[k])
    const trail = trailOf(c.req.query('at'))
    const cursor = trail.at(-1)
    const rows = await listTokens(deps.db, {
      includeRevoked: false,
      limit: ADMIN_PAGE,
      after: cursor ? decodeCursor(cursor, 2) : undefined,
    })
    const tokens = pageOf(rows, ADMIN_PAGE, (r) => [r.created_at.toISOString(), r.id])
    const form = extra.form ?? { role: 'district' }
    return c.html(
      <AdminPage shell={shell} title={{ zh: 'API 令牌', en: 'API tokens' }} {...extra}>
        {extra.secret ? (
          <ShownOnce
            lang={lang}
            label={t(`令牌「${extra.secret.name}」：`, `Token "${extra.secret.name}":`)}
            secret={extra.secret.token}
          />
        ) : null}
        <NewForm title={t('新建令牌', 'New token')} open={!!extra.form}>
          <PostForm
            action="/console/admin/tokens"
            csrf={shell.csrf}
            submit={t('创建', 'Create')}
            id="new-token"
          >
            <Field form="k" name="name" label={label('name')} value={form.name} />
            <Select
              form="k"
              name="role"
              label={label('role')}
              value={form.role}
              options={roleOptions(lang)}
            />
            <Select
              form="k"
              name="district"
              label={`${label('district')}（${t('仅区县局', 'district role only')}）`}
              value={form.district}
              options={districtOptions(deps.districts.items, lang, { zh: '—', en: '—' })}
            />
            <Field
              form="k"
              name="retailer"
              label={`${label('retailer')}（${t('仅经营者', 'retailer role only')}）`}
              value={form.retailer}
            />
          </PostForm>
        </NewForm>
        <Table
          id="tokens"
          lang={lang}
          head={[
            t('名称', 'Name'),
            t('角色', 'Role'),
            t('区县', 'District'),
            t('前缀', 'Prefix'),
            t('创建于', 'Created'),
            '',
          ]}
          rows={tokens.items.map((k) => [
            k.name,
            tr(lang, ROLE_TEXT[k.role]),
            k.district_code ?? k.retailer_id ?? '—',
            <code>{k.token_prefix}</code>,
            when(k.created_at, lang),
            <PostForm
              action={`/console/admin/tokens/${k.id}/revoke`}
              secondary
              csrf={shell.csrf}
              submit={t('吊销', 'Revoke')}
            >
              {null}
            </PostForm>,
          ])}
        />
        <Pager path="/console/admin/tokens" trail={trail} next={tokens.next} lang={lang} />
      </AdminPage>,
      status,
    )
  }

  app.get('/console/admin/tokens', (c) => page(c, {}))

  app.post('/console/admin/tokens', formFor('manageTokens'), async (c) => {
    const { lang } = shellOf(c)
    const body = await c.req.parseBody()
    const form: Form = Object.fromEntries(Object.keys(LABELS).map((k) => [k, str(body, k).trim()]))
    const parsed = CreateTokenSchema.safeParse({
      name: form.name,
      role: form.role,
      ...(form.district ? { district: form.district } : {}),
      ...(form.retailer ? { retailer: form.retailer } : {}),
    })
    if (!parsed.success) {
      // The service's binding rule too, so that every problem shows at once.
      const more = await bindingProblems(
        deps.db,
        'token',
        form.role ?? '',
        form.district || undefined,
        form.retailer || undefined,
      )
      return page(c, { form, problems: formProblems(parsed.error, more, LABELS, lang) }, 422)
    }
    try {
      const b = parsed.data
      const created = await createToken(deps.db, deps.clock, ctxOf(c), {
        name: b.name,
        role: b.role,
        districtCode: b.district,
        retailerId: b.retailer,
      })
      return page(c, { secret: { name: created.name, token: created.token } })
    } catch (err) {
      const r = refusalOf(err, lang, LABELS)
      return page(c, { form, ...r }, r.status)
    }
  })

  app.post('/console/admin/tokens/:id/revoke', formFor('manageTokens'), async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) throw notFound({ zh: '令牌不存在', en: 'No such token' })
    try {
      await revokeToken(deps.db, deps.clock, ctxOf(c), id)
    } catch (err) {
      const r = refusalOf(err, shellOf(c).lang)
      return page(c, r, r.status)
    }
    actors.forget(id)
    return c.redirect('/console/admin/tokens', 303)
  })
  return app
}
