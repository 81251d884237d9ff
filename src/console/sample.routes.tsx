import { type Context, Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { AppError } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { importSamples } from '../samples/sample-import.service.js'
import { SampleQuerySchema } from '../samples/samples.schema.js'
import { findSamples } from '../samples/samples.service.js'
import { type Lang, tr } from '../web/i18n.js'
import { Layout, Problems } from './layout.js'
import { type ConsoleEnv, CSRF_FIELD } from './session-auth.js'
import { shellOf } from './task.routes.js'
import type { Shell } from './task-pages.js'

/** The API's `x-access` for the sample routes. */
const READERS = ['sampler', 'reviewer', 'approver', 'admin'] as const
const WRITERS = ['sampler'] as const
const FILTERS = ['no', 'district', 'category', 'verdict', 'producer', 'unit'] as const

const ctxOf = (c: Context<ConsoleEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})

type Samples = Awaited<ReturnType<typeof findSamples>>['items']

function SamplesPage(p: {
  shell: Shell
  q: Record<string, string>
  items: Samples
  next: string | null
  problems: string[]
  canImport: boolean
}) {
  const { lang } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const labels: Record<(typeof FILTERS)[number], string> = {
    no: t('抽样编号', 'Sample no.'),
    district: t('区县代码', 'District code'),
    category: t('食品大类', 'Category'),
    verdict: t('结论', 'Verdict'),
    producer: t('标称生产者', 'Producer'),
    unit: t('被抽样单位', 'Sampled unit'),
  }
  const nextQuery = new URLSearchParams({ ...p.q, ...(p.next ? { cursor: p.next } : {}) })
  return (
    <Layout title={t('抽检样品', 'Samples')} lang={lang} self={p.shell.self} signedInAs={p.shell.who}>
      <h1>{t('抽检样品', 'Samples')}</h1>
      {p.canImport ? (
        <p>
          <a href="/console/samples/import">{t('导入抽检数据', 'Import a sampling file')}</a>
        </p>
      ) : null}
      <Problems items={p.problems} lang={lang} />
      <form method="get" action="/console/samples" class="filters">
        {FILTERS.map((f) =>
          f === 'verdict' ? (
            <label for={`q-${f}`}>
              {labels[f]}
              <select id={`q-${f}`} name={f}>
                <option value="">—</option>
                <option value="pass" selected={p.q[f] === 'pass'}>
                  {t('合格', 'Pass')}
                </option>
                <option value="fail" selected={p.q[f] === 'fail'}>
                  {t('不合格', 'Fail')}
                </option>
              </select>
            </label>
          ) : (
            <label for={`q-${f}`}>
              {labels[f]}
              <input id={`q-${f}`} name={f} value={p.q[f] ?? ''} />
            </label>
          ),
        )}
        <button type="submit">{t('筛选', 'Filter')}</button>
      </form>
      {p.items.length === 0 ? (
        <p class="empty">{t('没有符合条件的样品。', 'No samples match.')}</p>
      ) : (
        <table class="matrix">
          <thead>
            <tr>
              <th>{labels.no}</th>
              <th>{t('食品名称', 'Food')}</th>
              <th>{labels.unit}</th>
              <th>{t('区县', 'District')}</th>
              <th>{labels.verdict}</th>
              <th>{t('公开', 'Public')}</th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((s) => (
              <tr>
                <td>{s.no}</td>
                <td>{s.foodName}</td>
                <td>{s.unit.name}</td>
                <td>{s.district.name}</td>
                <td class={s.verdict === 'fail' ? 'st-overdue' : 'st-completed'}>
                  {s.verdict === 'fail' ? t('不合格', 'Fail') : t('合格', 'Pass')}
                </td>
                <td>{s.public ? t('是', 'Yes') : t('否', 'No')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.next ? (
        <p>
          <a href={`/console/samples?${nextQuery}`}>{t('下一页', 'Next page')}</a>
        </p>
      ) : null}
    </Layout>
  )
}

function ImportPage(p: {
  shell: Shell
  problems: string[]
  refusal?: string | undefined
  done?: string | undefined
}) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  return (
    <Layout
      title={t('导入抽检数据', 'Import samples')}
      lang={lang}
      self={p.shell.self}
      signedInAs={p.shell.who}
    >
      <p>
        <a href="/console/samples">← {t('抽检样品', 'Samples')}</a>
      </p>
      <h1>{t('导入抽检数据', 'Import samples')}</h1>
      {p.done ? (
        <p class="notice" role="status">
          {p.done}
        </p>
      ) : null}
      {p.refusal ? (
        <div class="problems" role="alert">
          <p>{p.refusal}</p>
        </div>
      ) : null}
      <Problems items={p.problems} lang={lang} />
      <form method="post" action="/console/samples/import" enctype="multipart/form-data">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <label for="file">
          {t('CSV 文件（UTF-8 或 GB18030）', 'CSV file (UTF-8 or GB18030)')}
          <input id="file" type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">{t('导入', 'Import')}</button>
      </form>
    </Layout>
  )
}

const lineText = (lang: Lang, i: { path: string; message: string; text?: { zh: string; en: string } }) =>
  `${i.path}：${i.text?.[lang] ?? i.message}`

/** The sampling office: samples with filters, and the file import with every bad line listed. */
export function consoleSampleRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.get('/console/samples', requireRoles(READERS), async (c) => {
    const shell = shellOf(c)
    const raw = c.req.query()
    const q = Object.fromEntries(FILTERS.flatMap((f) => (raw[f] ? [[f, raw[f]]] : [])))
    const parsed = SampleQuerySchema.safeParse({
      ...q,
      ...(raw.cursor ? { cursor: raw.cursor } : {}),
      limit: '50',
    })
    const canImport = (WRITERS as readonly string[]).includes(c.get('actor')?.role ?? '')
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
      return c.html(
        <SamplesPage shell={shell} q={q} items={[]} next={null} problems={problems} canImport={canImport} />,
        422,
      )
    }
    const page = await findSamples(deps, parsed.data)
    return c.html(
      <SamplesPage
        shell={shell}
        q={q}
        items={page.items}
        next={page.next}
        problems={[]}
        canImport={canImport}
      />,
    )
  })
  app.get('/console/samples/import', requireRoles(WRITERS), (c) =>
    c.html(<ImportPage shell={shellOf(c)} problems={[]} />),
  )
  app.post('/console/samples/import', requireRoles(WRITERS), async (c) => {
    const shell = shellOf(c)
    const file = (await c.req.parseBody()).file
    if (!(file instanceof File) || file.size === 0)
      return c.html(
        <ImportPage shell={shell} problems={[tr(shell.lang, { zh: '请选择文件', en: 'Choose a file' })]} />,
        422,
      )
    try {
      const r = await importSamples(deps, ctxOf(c), {
        text: await file.text(),
        name: file.name.slice(0, 200),
      })
      const done = r.duplicate
        ? tr(shell.lang, {
            zh: '此文件此前已导入，未新增。',
            en: 'This file was imported before; nothing added.',
          })
        : tr(shell.lang, {
            zh: `已导入 ${r.samples} 份样品（不合格 ${r.failing} 份）。`,
            en: `Imported ${r.samples} samples (${r.failing} failing).`,
          })
      return c.html(<ImportPage shell={shell} problems={[]} done={done} />)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      const problems = (err.extra.issues ?? []).map((i) => lineText(shell.lang, i))
      return c.html(<ImportPage shell={shell} problems={problems} refusal={err.detail?.[shell.lang]} />, 422)
    }
  })
  return app
}
