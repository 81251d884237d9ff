import type { Context } from 'hono'
import type { AppDeps } from '../deps.js'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'
import { requestContextOf } from '../http/app-env.js'
import { zodIssues } from '../http/errors.js'
import { newRouter } from '../http/router.js'
import { issueLines } from '../web/form-problems.js'
import { pageLang } from '../web/i18n.js'
import { pageHeaders } from '../web/security.js'
import { intakeIssues, submitComplaint } from './complaint-intake.service.js'
import { ComplaintFormPage, type FormValues, ReceiptPage, TrackPage } from './complaint-pages.js'
import { publicStatus } from './complaint-reads.service.js'
import { PublicComplaintSchema } from './complaints.schema.js'

const html = (node: unknown) => `<!doctype html>${String(node)}`

const LABELS = {
  kind: { zh: '类型', en: 'Kind' },
  description: { zh: '发生了什么', en: 'What happened' },
  'product.name': { zh: '商品名称', en: 'Product name' },
  'product.brand': { zh: '品牌', en: 'Brand' },
  'product.batch': { zh: '批次', en: 'Batch' },
  'product.spec': { zh: '规格', en: 'Size' },
  product: { zh: '商品或服务', en: 'Product or service' },
  'business.name': { zh: '经营者名称', en: 'Business name' },
  'business.address': { zh: '经营者地址', en: 'Business address' },
  business: { zh: '经营者', en: 'Business' },
  purchasedOn: { zh: '购买日期', en: 'Date of purchase' },
  amount: { zh: '金额', en: 'Amount' },
  'contact.name': { zh: '姓名', en: 'Name' },
  'contact.phone': { zh: '联系电话', en: 'Phone' },
  contact: { zh: '联系方式', en: 'Contact' },
}

const FIELDS = [
  'kind',
  'contact_phone',
  'contact_name',
  'description',
  'product_name',
  'product_brand',
  'product_batch',
  'product_spec',
  'business_name',
  'business_address',
  'purchasedOn',
  'amount',
] as const

/** The flat form as the API's body: empty fields left out, groups left out when wholly empty. */
function bodyOf(v: FormValues) {
  const opt = (k: string) => (v[k]?.trim() ? v[k] : undefined)
  const group = (o: Record<string, string | undefined>) =>
    Object.values(o).some((x) => x !== undefined)
      ? Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined))
      : undefined
  return Object.fromEntries(
    Object.entries({
      kind: v.kind || 'complaint',
      product: group({
        name:
          opt('product_name') ??
          (opt('product_brand') || opt('product_batch') || opt('product_spec') ? '' : undefined),
        brand: opt('product_brand'),
        batch: opt('product_batch'),
        spec: opt('product_spec'),
      }),
      business: group({
        name: opt('business_name') ?? (opt('business_address') ? '' : undefined),
        address: opt('business_address') ?? (opt('business_name') ? '' : undefined),
      }),
      purchasedOn: opt('purchasedOn'),
      amount: opt('amount'),
      description: v.description ?? '',
      contact: group({ name: opt('contact_name'), phone: opt('contact_phone') }),
    }).filter(([, x]) => x !== undefined),
  )
}

/** `/complaints/new` (the form; works without script), `/complaints/track` and `/complaints/{tracking}`. */
export function complaintPageRoutes(deps: AppDeps) {
  const app = newRouter()
  app.get('/complaints/new', (c) => {
    pageHeaders(c)
    return c.html(html(<ComplaintFormPage lang={pageLang(c)} v={{}} />))
  })
  app.post('/complaints/new', async (c) => {
    pageHeaders(c)
    // The receipt and the status carry the check code or its result: never stored by a cache.
    c.header('Cache-Control', 'no-store')
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const v: FormValues = {}
    for (const f of FIELDS) if (typeof form[f] === 'string') v[f] = form[f] as string
    const parsed = PublicComplaintSchema.safeParse(bodyOf(v))
    if (!parsed.success) {
      const more = intakeIssues(deps, deps.clock.now(), {
        purchasedOn: v.purchasedOn,
        address: v.business_address,
      })
      // The schema's problems, then the checks it could not make on the fields it passed.
      const schemaIssues = zodIssues(parsed.error, 'body')
      const flagged = new Set(schemaIssues.map((i) => i.path))
      const problems = issueLines(
        [...schemaIssues, ...more.filter((i) => !flagged.has(i.path))],
        lang,
        LABELS,
      )
      return c.html(html(<ComplaintFormPage lang={lang} v={v} problems={problems} />), 422)
    }
    try {
      const r = await submitComplaint(deps, requestContextOf(c), parsed.data)
      return c.html(html(<ReceiptPage lang={lang} tracking={r.tracking} code={r.code} />), 201)
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err
      const problems = issueLines(err.extra.issues ?? [], lang, LABELS)
      return c.html(html(<ComplaintFormPage lang={lang} v={v} problems={problems} />), 422)
    }
  })
  const track = async (c: Context<AppEnv>, tracking: string | undefined) => {
    pageHeaders(c)
    // The receipt and the status carry the check code or its result: never stored by a cache.
    c.header('Cache-Control', 'no-store')
    const lang = pageLang(c)
    const code = c.req.query('code')
    if (!tracking || !code) return c.html(html(<TrackPage lang={lang} tracking={tracking} />))
    try {
      const status = await publicStatus(deps, tracking.trim(), code)
      return c.html(html(<TrackPage lang={lang} tracking={tracking} status={status} />))
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err
      return c.html(html(<TrackPage lang={lang} tracking={tracking} notFound />), 404)
    }
  }
  app.get('/complaints/track', (c) => track(c, c.req.query('tracking')))
  app.get('/complaints/:tracking{12315-\\d{4}-\\d{7}}', (c) => track(c, c.req.param('tracking')))
  return app
}
