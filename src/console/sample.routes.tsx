import { type Context, Hono } from 'hono'
import {
  announcementById,
  DRAFT_MAX_SAMPLES,
  samplesMatching,
  takenSamples,
} from '../announcements/announcements.read.js'
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
import {
  DRAFT_FIELDS,
  FILTERS,
  ImportPage,
  NextAfterImport,
  SamplesPage,
  type SamplesView,
} from './sample-pages.js'
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
    if (may(role, 'draftAnnouncement')) {
      const filtered = problems.length === 0 && parsed.success && Object.keys(q).length > 0
      const matching = filtered ? await samplesMatching(deps.db, parsed.data) : undefined
      view.draft = {
        taken: await takenSamples(
          deps.db,
          page.items.map((s) => s.id),
          [],
        ),
        form: draft?.form ?? {},
        picked: draft?.picked ?? [],
        problems: draft?.problems ?? [],
        ...(matching && {
          matching: {
            total: matching.total,
            free: matching.free.length,
            tooMany: matching.total > DRAFT_MAX_SAMPLES,
          },
        }),
      }
      const into = await draftToAddTo(c.req.query('into'))
      if (into) view.into = into
    }
    const status = problems.length > 0 || (draft?.problems.length ?? 0) > 0 ? 422 : 200
    return c.html(<SamplesPage {...view} />, status)
  }

  /** `?into=`: a draft the samples ticked go to (only a draft; anything else lists as usual). */
  const draftToAddTo = async (into: string | undefined) => {
    if (!into) return undefined
    const a = await announcementById(deps, into).catch(() => undefined)
    return a && a.status === 'draft' && a.kind !== 'retraction' ? { id: a.id, number: a.number } : undefined
  }

  app.get('/console/samples', requireRoles(ACCESS.readSamples), (c) => list(c))

  // The draft's fields and which samples: the ticked ones, all free ones on the page, all matching the list's
  // filters (taken server side from the filters, not from N ticks) or all of one import. On refusal the same
  // list comes back, ticks and text kept.
  app.post('/console/samples/draft', formFor('draftAnnouncement'), async (c) => {
    const body = await c.req.parseBody({ all: true })
    const form = textFields(body, DRAFT_FIELDS)
    const values = (v: unknown) =>
      (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
    const picked = values(body.sampleNos)
    const raw = c.req.query()
    const filters = Object.fromEntries(FILTERS.flatMap((f) => (raw[f] ? [[f, raw[f]]] : [])))
    const importId = typeof body.importId === 'string' ? body.importId : ''
    const fields = { number: form.number ?? '', title: form.title ?? '', period: form.period ?? '' }
    const r = await draftFromForm(
      deps,
      c,
      body.scope === 'import'
        ? { ...fields, importId }
        : body.scope === 'matching'
          ? { ...fields, matching: filters }
          : { ...fields, sampleNos: body.scope === 'page' ? values(body.pageNos) : picked },
    )
    if ('id' in r) return c.redirect(`/console/announcements/${r.id}`, 303)
    if (body.scope === 'import') {
      const shell = shellOf(c)
      return c.html(
        <ImportPage
          shell={shell}
          problems={r.problems}
          next={<NextAfterImport shell={shell} importId={importId} form={form} />}
        />,
        422,
      )
    }
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
      // What comes next: draft an announcement from the samples this file brought.
      const next = <NextAfterImport shell={shell} importId={r.importId} form={{}} />
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
