import { type Context, Hono } from 'hono'
import { takenSamples } from '../announcements/announcements.read.js'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { AppError } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { bytesSource } from '../samples/csv-decode.js'
import { importSamples } from '../samples/sample-import.service.js'
import { SampleQuerySchema } from '../samples/samples.schema.js'
import { findSamples } from '../samples/samples.service.js'
import { tr } from '../web/i18n.js'
import { draftFromForm, textFields } from './announcement-forms.js'
import { ctxOf, issueLines, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import { pagingOf } from './paging.js'
import { DRAFT_FIELDS, FILTERS, ImportPage, SamplesPage, type SamplesView } from './sample-pages.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

/**
 * The sampling office: samples with filters, paged; ticking samples a draft may take and drafting an
 * announcement from them (the API's draft verb); the file import with every bad line listed.
 */
export function consoleSampleRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()

  /** The list for the request's filters and page; `draft` is what the draft form sent, when it did. */
  const list = async (
    c: Context<ConsoleEnv>,
    draft?: { form: Record<string, string>; picked: string[]; problems: string[] },
  ) => {
    const shell = shellOf(c)
    const role = c.get('actor')?.role
    const raw = c.req.query()
    const q = Object.fromEntries(FILTERS.flatMap((f) => (raw[f] ? [[f, raw[f]]] : [])))
    const paged = pagingOf(c)
    const parsed = SampleQuerySchema.safeParse({
      ...q,
      cursor: paged.paging.cursor,
      limit: paged.paging.limit,
    })
    const problems = [
      ...(paged.ok ? [] : paged.problems),
      ...(parsed.success ? [] : zodProblems(parsed.error, shell.lang)),
    ]
    const page =
      problems.length === 0 && parsed.success
        ? await findSamples(deps, parsed.data).catch((err: unknown) => {
            if (!(err instanceof AppError) || err.status !== 422) throw err
            problems.push(...issueLines(err.extra.issues ?? [], shell.lang))
            return { items: [], next: null }
          })
        : { items: [], next: null }
    const view: SamplesView = {
      shell,
      q,
      paging: paged.paging,
      items: page.items,
      next: page.next,
      problems,
      canImport: may(role, 'importSamples'),
      districts: deps.districts.items.map((d) => ({
        code: d.code,
        name: tr(shellOf(c).lang, { zh: d.nameZh, en: d.nameEn }),
      })),
    }
    if (may(role, 'draftAnnouncement'))
      view.draft = {
        taken: await takenSamples(
          deps.db,
          page.items.map((s) => s.id),
          [],
        ),
        form: draft?.form ?? {},
        picked: draft?.picked ?? [],
        problems: draft?.problems ?? [],
      }
    const status = problems.length > 0 || (draft?.problems.length ?? 0) > 0 ? 422 : 200
    return c.html(<SamplesPage {...view} />, status)
  }

  app.get('/console/samples', requireRoles(ACCESS.readSamples), (c) => list(c))

  // The ticked samples and the draft's fields; on refusal the same list comes back, ticks and text kept.
  app.post('/console/samples/draft', formFor('draftAnnouncement'), async (c) => {
    const body = await c.req.parseBody({ all: true })
    const form = textFields(body, DRAFT_FIELDS)
    const ticked = body.sampleNos
    const picked = (Array.isArray(ticked) ? ticked : [ticked]).filter(
      (v): v is string => typeof v === 'string',
    )
    const r = await draftFromForm(deps, c, {
      number: form.number ?? '',
      title: form.title ?? '',
      period: form.period ?? '',
      sampleNos: picked,
    })
    if ('id' in r) return c.redirect(`/console/announcements/${r.id}`, 303)
    return list(c, { form, picked, problems: r.problems })
  })

  app.get('/console/samples/import', requireRoles(ACCESS.importSamples), (c) =>
    c.html(<ImportPage shell={shellOf(c)} problems={[]} />),
  )
  app.post('/console/samples/import', formFor('importSamples'), async (c) => {
    const shell = shellOf(c)
    const file = (await c.req.parseBody()).file
    if (!(file instanceof File) || file.size === 0)
      return c.html(
        <ImportPage shell={shell} problems={[tr(shell.lang, { zh: '请选择文件', en: 'Choose a file' })]} />,
        422,
      )
    try {
      const r = await importSamples(deps, ctxOf(c), {
        source: bytesSource(new Uint8Array(await file.arrayBuffer())),
        contentType: file.type,
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
      // What comes next: draft an announcement from these samples (the list's tick boxes and draft form).
      const next = (
        <p>
          {tr(shell.lang, {
            zh: '下一步：在样品列表中勾选本次导入的样品，填写公告文号、标题和期间，起草抽检公告，再提交审核。',
            en: 'Next: tick these samples in the sample list, give the announcement’s number, title and period, draft it, then submit it for review.',
          })}{' '}
          <a href="/console/samples?verdict=fail">
            {tr(shell.lang, { zh: '查看不合格样品并起草公告 →', en: 'See the failing samples and draft →' })}
          </a>{' '}
          <a href="/console/samples">{tr(shell.lang, { zh: '全部样品', en: 'All samples' })}</a>
        </p>
      )
      return c.html(<ImportPage shell={shell} problems={[]} done={done} next={next} />)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      // Each bad row's message says where (第 3 行，第 11 列 / row 3, column 11) and what, in the page's language.
      const problems = (err.extra.issues ?? []).map((i) => i.text?.[shell.lang] ?? i.message)
      return c.html(<ImportPage shell={shell} problems={problems} refusal={err.detail?.[shell.lang]} />, 422)
    }
  })
  return app
}
