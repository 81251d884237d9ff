import { type Context, Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requireRoles } from '../http/auth.js'
import { RetailerIdParam, RetailerInputSchema, RetailerPatchSchema } from '../retailers/retailers.schema.js'
import { createRetailer, findRetailers, getRetailer, updateRetailer } from '../retailers/retailers.service.js'
import { tr } from '../web/i18n.js'
import {
  ADMIN_PAGE,
  AdminPage,
  districtOptions,
  Field,
  NewForm,
  Pager,
  PostForm,
  Select,
  Table,
  trailOf,
} from './admin-view.js'
import { ctxOf, formProblems, refusalOf, str } from './console-forms.js'
import { formFor } from './form-access.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

const LABELS = {
  id: { zh: '编号（看板地址，可留空自动生成）', en: 'Id (the board address; left empty, one is made)' },
  name: { zh: '名称', en: 'Name' },
  nameEn: { zh: '英文名称', en: 'English name' },
  district: { zh: '区县', en: 'District' },
  address: { zh: '地址', en: 'Address' },
  categories: { zh: '经营类别（以逗号或顿号分隔）', en: 'Categories (comma-separated)' },
  contactName: { zh: '联系人', en: 'Contact' },
  contactPhone: { zh: '联系电话', en: 'Contact phone' },
  contact: { zh: '联系人', en: 'Contact' },
  'contact.name': { zh: '联系人', en: 'Contact' },
  'contact.phone': { zh: '联系电话', en: 'Contact phone' },
}
const FIELDS = [
  'id',
  'name',
  'nameEn',
  'district',
  'address',
  'categories',
  'contactName',
  'contactPhone',
] as const
type Form = Partial<Record<(typeof FIELDS)[number], string>>

/** The form as the API's body: empty optional fields are "none"; a contact needs both its name and phone. */
const bodyOf = (f: Form) => ({
  name: f.name,
  nameEn: f.nameEn ? f.nameEn : null,
  district: f.district,
  address: f.address,
  categories: (f.categories ?? '')
    .split(/[,，、\n]/)
    .map((x) => x.trim())
    .filter(Boolean),
  contact:
    f.contactName || f.contactPhone ? { name: f.contactName ?? '', phone: f.contactPhone ?? '' } : null,
})

/**
 * Retailers in the console, over the services of `POST/GET/PATCH /api/v1/retailers`: registering or editing
 * one relinks its samples and records `retailer.registered` / `retailer.updated` for the signed-in admin.
 */
export function consoleAdminRetailerRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.use('/console/admin/retailers', requireRoles(ACCESS.manageRetailers))
  app.use('/console/admin/retailers/*', requireRoles(ACCESS.manageRetailers))

  const fields = (c: Context<ConsoleEnv>, form: Form, id: string, withId: boolean) => {
    const { lang } = shellOf(c)
    const label = (k: keyof typeof LABELS) => tr(lang, LABELS[k])
    return (
      <>
        {withId ? <Field form={id} name="id" label={label('id')} value={form.id} /> : null}
        <Field form={id} name="name" label={label('name')} value={form.name} />
        <Field form={id} name="nameEn" label={label('nameEn')} value={form.nameEn} />
        <Select
          form={id}
          name="district"
          label={label('district')}
          value={form.district}
          options={districtOptions(deps.districts.items, lang, { zh: '请选择', en: 'Choose' })}
        />
        <Field form={id} name="address" label={label('address')} value={form.address} />
        <Field form={id} name="categories" label={label('categories')} value={form.categories} />
        <Field form={id} name="contactName" label={label('contactName')} value={form.contactName} />
        <Field
          form={id}
          name="contactPhone"
          label={label('contactPhone')}
          value={form.contactPhone}
          type="tel"
        />
      </>
    )
  }

  const list = async (
    c: Context<ConsoleEnv>,
    extra: { form?: Form; problems?: string[]; refusal?: string } = {},
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const trail = trailOf(c.req.query('at'))
    const page = await findRetailers(deps, ctxOf(c), { limit: ADMIN_PAGE, cursor: trail.at(-1) })
    return c.html(
      <AdminPage shell={shell} title={{ zh: '经营者', en: 'Retailers' }} {...extra}>
        <NewForm title={t('登记经营者', 'Register a retailer')} open={!!extra.form}>
          <PostForm
            action="/console/admin/retailers"
            csrf={shell.csrf}
            submit={t('登记', 'Register')}
            id="new-retailer"
          >
            {fields(c, extra.form ?? {}, 'r', true)}
          </PostForm>
        </NewForm>
        <Table
          id="retailers"
          lang={lang}
          head={[t('编号', 'Id'), t('名称', 'Name'), t('区县', 'District'), t('关联样品', 'Linked samples')]}
          rows={page.items.map((r) => [
            <a href={`/console/admin/retailers/${r.id}`}>{r.id}</a>,
            r.name,
            r.districtName,
            r.linkedSamples,
          ])}
        />
        <Pager path="/console/admin/retailers" trail={trail} next={page.next} lang={lang} />
      </AdminPage>,
      status,
    )
  }

  const formOf = (body: Record<string, unknown>): Form =>
    Object.fromEntries(FIELDS.map((f) => [f, str(body, f).trim()]))

  app.get('/console/admin/retailers', (c) => list(c))

  app.post('/console/admin/retailers', formFor('manageRetailers'), async (c) => {
    const { lang } = shellOf(c)
    const form = formOf(await c.req.parseBody())
    const parsed = RetailerInputSchema.safeParse({ ...(form.id ? { id: form.id } : {}), ...bodyOf(form) })
    if (!parsed.success) return list(c, { form, problems: formProblems(parsed.error, [], LABELS, lang) }, 422)
    try {
      const r = await createRetailer(deps, ctxOf(c), parsed.data)
      return c.redirect(`/console/admin/retailers/${r.id}?saved=1`, 303)
    } catch (err) {
      const r = refusalOf(err, lang, LABELS)
      return list(c, { form, ...r }, r.status)
    }
  })

  const edit = async (
    c: Context<ConsoleEnv>,
    extra: { form?: Form; problems?: string[]; refusal?: string; saved?: boolean },
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const t = (zh: string, en: string) => tr(shell.lang, { zh, en })
    const r = await getRetailer(deps, ctxOf(c), idOf(c))
    const form: Form = extra.form ?? {
      name: r.name,
      nameEn: r.nameEn ?? '',
      district: r.district,
      address: r.address ?? '',
      categories: r.categories.join('、'),
      contactName: r.contact?.name ?? '',
      contactPhone: r.contact?.phone ?? '',
    }
    return c.html(
      <AdminPage shell={shell} title={{ zh: `经营者 ${r.id}`, en: `Retailer ${r.id}` }} {...extra}>
        {extra.saved ? <p class="notice">{t('已保存。', 'Saved.')}</p> : null}
        <p class="meta">
          {t(`关联样品 ${r.linkedSamples} 份；看板：`, `${r.linkedSamples} linked sample(s); board: `)}
          <a href={`/boards/${r.id}`}>{`/boards/${r.id}`}</a>
        </p>
        <PostForm
          action={`/console/admin/retailers/${r.id}`}
          csrf={shell.csrf}
          submit={t('保存', 'Save')}
          id="edit-retailer"
        >
          {fields(c, form, 'e', false)}
        </PostForm>
        <p>
          <a href="/console/admin/retailers">{t('‹ 返回经营者列表', '‹ Back to the retailers')}</a>
        </p>
      </AdminPage>,
      status,
    )
  }

  /** A malformed id is the service's own 404 (it finds no such retailer). */
  const idOf = (c: Context<ConsoleEnv>) => {
    const id = c.req.param('id') ?? ''
    return RetailerIdParam.safeParse({ id }).success ? id : '-'
  }

  app.get('/console/admin/retailers/:id', (c) => edit(c, { saved: c.req.query('saved') === '1' }))

  app.post('/console/admin/retailers/:id', formFor('manageRetailers'), async (c) => {
    const { lang } = shellOf(c)
    await getRetailer(deps, ctxOf(c), idOf(c))
    const form = formOf(await c.req.parseBody())
    const parsed = RetailerPatchSchema.safeParse(bodyOf(form))
    if (!parsed.success) return edit(c, { form, problems: formProblems(parsed.error, [], LABELS, lang) }, 422)
    try {
      await updateRetailer(deps, ctxOf(c), idOf(c), parsed.data)
    } catch (err) {
      const r = refusalOf(err, lang, LABELS)
      return edit(c, { form, ...r }, r.status)
    }
    return c.redirect(`/console/admin/retailers/${idOf(c)}?saved=1`, 303)
  })
  return app
}
