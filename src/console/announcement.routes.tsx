import type { z } from '@hono/zod-openapi'
import { type Context, Hono } from 'hono'
import { DISPOSAL_PLAYBOOK } from '../announcements/announcement-publish.js'
import {
  correctAnnouncement,
  pendingRevision,
  retractAnnouncement,
} from '../announcements/announcement-revisions.service.js'
import { DraftSamplesSchema, editDraftSamples } from '../announcements/announcement-samples.service.js'
import {
  announcementById,
  announcementDetail,
  announcementPage,
} from '../announcements/announcements.read.js'
import {
  CorrectSchema,
  DecisionSchema,
  PublishSchema,
  RetractSchema,
} from '../announcements/announcements.schema.js'
import {
  approveAnnouncement,
  publishOrSchedule,
  reviewAnnouncement,
  submitAnnouncement,
} from '../announcements/announcements.service.js'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { AppError, issue, validationFailed } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { zodIssues } from '../http/errors.js'
import { stepsAtLevel } from '../tasks/task-plan.js'
import { pageLang, tr } from '../web/i18n.js'
import { draftFromForm, refusalLines, sampleNumbers, textFields } from './announcement-forms.js'
import { AnnouncementList } from './announcement-list.js'
import { AnnouncementDetail, beijingInput, type DetailView, STATUSES } from './announcement-pages.js'
import { AnnouncementPreview } from './announcement-preview.js'
import { ConfirmPage } from './confirm-page.js'
import { ctxOf } from './console-forms.js'
import { formFor } from './form-access.js'
import { pagingOf } from './paging.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

type Status = 200 | 403 | 409 | 422
const DRAFT_FIELDS = ['number', 'title', 'period', 'sampleNos'] as const

/** A Beijing time typed in the form (`2026-11-30T09:00`, seconds optional, `T` or a space). */
const TYPED_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/

/** Refuses a form with its problems, in the shape the API's verbs refuse (422 with every issue). */
const refuse = (problems: { path: string; zh: string; en: string }[]) =>
  validationFailed(problems.map((p) => issue(`body.${p.path}`, { zh: p.zh, en: p.en }, 'invalid')))
const schemaRefusal = (error: z.ZodError) => validationFailed(zodIssues(error, 'body'))

/**
 * Announcements in the console: the list (by status, paged) with the draft form; one announcement with the
 * buttons of its next step (submit, review, approve, publish now or at a time, correct, retract) shown only
 * to who may press them. Every button calls the API's verb as the signed-in person; a refusal comes back
 * on the page with its reason and what was typed.
 */
export function consoleAnnouncementRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()

  const list = async (
    c: Context<ConsoleEnv>,
    draft?: { form: Record<string, string>; problems: string[] },
  ) => {
    const shell = shellOf(c)
    const role = c.get('actor')?.role
    const raw = c.req.query('status')
    const status = STATUSES.find((s) => s === raw)
    const paged = pagingOf(c)
    const problems = paged.ok ? [] : paged.problems
    if (raw && !status)
      problems.push(`status: ${tr(shell.lang, { zh: '不是可选的状态', en: 'not a status' })}`)
    const page =
      problems.length === 0
        ? await announcementPage(
            deps,
            { status, limit: paged.paging.limit, cursor: paged.paging.cursor },
            false,
          ).catch((err: unknown) => {
            problems.push(...refusalLines(err, shell.lang).slice(1))
            return { items: [], next: null }
          })
        : { items: [], next: null }
    const mayDraft = may(role, 'draftAnnouncement')
    return c.html(
      <AnnouncementList
        shell={shell}
        items={page.items}
        status={status}
        paging={paged.paging}
        next={page.next}
        problems={problems}
        {...(mayDraft ? { draft: draft ?? { form: {}, problems: [] } } : {})}
      />,
      problems.length > 0 || (draft?.problems.length ?? 0) > 0 ? 422 : 200,
    )
  }

  app.get('/console/announcements', requireRoles(ACCESS.readAnnouncements), (c) => list(c))

  app.post('/console/announcements', formFor('draftAnnouncement'), async (c) => {
    const form = textFields(await c.req.parseBody(), DRAFT_FIELDS)
    const r = await draftFromForm(deps, c, {
      number: form.number ?? '',
      title: form.title ?? '',
      period: form.period ?? '',
      sampleNos: sampleNumbers(form.sampleNos ?? ''),
    })
    if ('id' in r) return c.redirect(`/console/announcements/${r.id}`, 303)
    return list(c, { form, problems: r.problems })
  })

  const detail = async (
    c: Context<ConsoleEnv>,
    problems: string[] = [],
    forms: DetailView['forms'] = {},
    status: Status = 200,
  ) => {
    const a = await announcementById(deps, c.req.param('id')!)
    const me = c.get('actor')
    // What the reviewer and approver sign: every row, and for a correction the standing version too.
    const { samples } = await announcementDetail(deps, a.id, false)
    const standing = a.refersTo ? (await announcementDetail(deps, a.refersTo, false)).samples : undefined
    const editable = a.status === 'draft' && a.kind !== 'retraction' && may(me?.role, 'editAnnouncementDraft')
    const view: DetailView = {
      shell: shellOf(c),
      a,
      role: me?.role ?? '',
      me: me?.type === 'user' ? me.id : null,
      pending: a.shownAs === 'published' ? await pendingRevision(deps.db, a.id) : undefined,
      problems,
      forms,
      preview: (
        <AnnouncementPreview
          lang={pageLang(c)}
          samples={samples}
          standing={standing}
          removeForm={editable ? 'draft-samples' : undefined}
        />
      ),
      editable,
    }
    return c.html(<AnnouncementDetail {...view} />, status)
  }

  app.get('/console/announcements/:id', requireRoles(ACCESS.readAnnouncements), (c) => detail(c))

  /**
   * Each step is the API's verb with the signed-in person as actor. `keep` names the form the typed values
   * go back into when refused; a new announcement (correction, retraction) is opened on success.
   */
  const step =
    (
      move: (c: Context<ConsoleEnv>, form: Record<string, string>) => Promise<unknown>,
      keep?: { form: 'correct' | 'retract' | 'at'; fields: readonly string[] },
    ) =>
    async (c: Context<ConsoleEnv>) => {
      const form = textFields(await c.req.parseBody(), keep?.fields ?? ['decision', 'comment'])
      try {
        const made = await move(c, form)
        const to = typeof made === 'string' ? made : c.req.param('id')
        return c.redirect(`/console/announcements/${to}`, 303)
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') throw err
        const lines = refusalLines(err, pageLang(c))
        const status: Status =
          err instanceof AppError && (err.status === 403 || err.status === 409) ? err.status : 422
        const kept = keep ? { [keep.form]: keep.form === 'at' ? form.at : form } : {}
        return detail(c, lines, kept, status)
      }
    }

  const decisionOf = (form: Record<string, string>) => {
    const parsed = DecisionSchema.safeParse(form)
    if (!parsed.success) throw schemaRefusal(parsed.error)
    return parsed.data
  }

  /** The typed Beijing time as the API's `at`; a bad value or a time already past is refused. */
  const publishAtOf = (typed: string) => {
    const m = TYPED_TIME.exec(typed.trim())
    const at = m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}+08:00` : ''
    const parsed = PublishSchema.safeParse({ at })
    const date = new Date(at)
    const now = deps.clock.now()
    if (!typed.trim()) throw refuse([{ path: 'at', zh: '请填写发布时间', en: 'Enter the publication time' }])
    if (!m || !parsed.success || Number.isNaN(date.getTime()) || beijingInput(date) !== at.slice(0, 19))
      throw refuse([
        {
          path: 'at',
          zh: `「${typed}」不是有效的时间，请按 2026-11-30 09:00 填写`,
          en: `"${typed}" is not a time; write it as 2026-11-30 09:00`,
        },
      ])
    if (date.getTime() <= now.getTime())
      throw refuse([
        {
          path: 'at',
          zh: `发布时间须晚于现在（${beijingInput(now).replace('T', ' ')}，北京时间）`,
          en: `The time must be later than now (${beijingInput(now).replace('T', ' ')} Beijing time)`,
        },
      ])
    return date.toISOString()
  }

  const id = (c: Context<ConsoleEnv>) => c.req.param('id')!
  app.post(
    '/console/announcements/:id/submit',
    formFor('submitAnnouncement'),
    step((c) => submitAnnouncement(deps, ctxOf(c), id(c))),
  )
  // Samples removed (a row's button) or added (ticked in the sample list, or all of its page), by the API's verb.
  app.post('/console/announcements/:id/samples', formFor('editAnnouncementDraft'), async (c) => {
    const body = await c.req.parseBody({ all: true })
    const list = (v: unknown) =>
      (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '')
    const add = body.scope === 'page' ? list(body.pageIds) : list(body.add)
    const parsed = DraftSamplesSchema.safeParse({
      ...(add.length > 0 ? { add } : {}),
      ...(list(body.remove).length > 0 ? { remove: list(body.remove) } : {}),
    })
    try {
      if (!parsed.success) throw schemaRefusal(parsed.error)
      await editDraftSamples(deps, ctxOf(c), id(c), parsed.data)
      return c.redirect(`/console/announcements/${id(c)}`, 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw err
      const status: Status =
        err instanceof AppError && (err.status === 403 || err.status === 409) ? err.status : 422
      return detail(c, refusalLines(err, pageLang(c)), {}, status)
    }
  })
  app.post(
    '/console/announcements/:id/review',
    formFor('reviewAnnouncement'),
    step((c, f) => reviewAnnouncement(deps, ctxOf(c), id(c), decisionOf(f))),
  )
  app.post(
    '/console/announcements/:id/approve',
    formFor('approveAnnouncement'),
    step((c, f) => approveAnnouncement(deps, ctxOf(c), id(c), decisionOf(f))),
  )
  const publishNow = step((c) => publishOrSchedule(deps, ctxOf(c), id(c), {}))
  app.post('/console/announcements/:id/publish', formFor('publishAnnouncement'), async (c) => {
    const form = await c.req.parseBody()
    const a = await announcementById(deps, id(c))
    const me = c.get('actor')
    // The first press by the one who may publish says what publishing does; anyone else meets the verb's
    // own refusal at once.
    if (form.confirm === '1' || a.status !== 'approved' || me?.type !== 'user' || a.approved?.id !== me.id)
      return publishNow(c)
    const lang = pageLang(c)
    const { samples } = await announcementDetail(deps, a.id, false)
    const failing = samples.filter((x) => x.verdict === 'fail')
    const districts = new Set(failing.map((x) => x.district.code))
    const disposal = deps.playbooks.get(DISPOSAL_PLAYBOOK)
    const steps = disposal ? stepsAtLevel(disposal.playbook, 4).length : 0
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    return c.html(
      <ConfirmPage
        shell={shellOf(c)}
        title={t(`确认发布：${a.number}`, `Confirm publishing ${a.number}`)}
        consequences={[
          t(
            `向公众公布 ${samples.length} 批次（不合格 ${failing.length} 批次，合格 ${samples.length - failing.length} 批次）`,
            `publish ${samples.length} samples (${failing.length} failing, ${samples.length - failing.length} passing)`,
          ),
          ...(failing.length > 0
            ? [
                t(
                  `为每个不合格批次发出消费提示，并在 ${districts.size} 个区县启动不合格食品核查处置（IV级），共 ${districts.size * steps} 项任务`,
                  `issue a consumer alert per failing sample and open the level-IV disposal in ${districts.size} districts: ${districts.size * steps} tasks`,
                ),
              ]
            : []),
          ...(a.refersTo
            ? [t('原公告将显示为已更正或已撤回', 'the original will show as corrected or retracted')]
            : []),
        ]}
        action={`/console/announcements/${a.id}/publish`}
        fields={[]}
        confirmLabel={t('确认发布', 'Publish now')}
        back={`/console/announcements/${a.id}`}
      />,
    )
  })
  app.post(
    '/console/announcements/:id/schedule',
    formFor('publishAnnouncement'),
    step((c, f) => publishOrSchedule(deps, ctxOf(c), id(c), { at: publishAtOf(f.at ?? '') }), {
      form: 'at',
      fields: ['at'],
    }),
  )
  app.post(
    '/console/announcements/:id/correct',
    formFor('reviseAnnouncement'),
    step(
      (c, f) => {
        const nos = sampleNumbers(f.sampleNos ?? '')
        const parsed = CorrectSchema.safeParse({
          number: f.number,
          title: f.title,
          ...(f.period ? { period: f.period } : {}),
          ...(nos.length > 0 ? { sampleNos: nos } : {}),
        })
        if (!parsed.success) throw schemaRefusal(parsed.error)
        return correctAnnouncement(deps, ctxOf(c), id(c), parsed.data)
      },
      { form: 'correct', fields: DRAFT_FIELDS },
    ),
  )
  app.post(
    '/console/announcements/:id/retract',
    formFor('reviseAnnouncement'),
    step(
      (c, f) => {
        const parsed = RetractSchema.safeParse(f)
        if (!parsed.success) throw schemaRefusal(parsed.error)
        return retractAnnouncement(deps, ctxOf(c), id(c), parsed.data)
      },
      { form: 'retract', fields: ['number', 'title', 'reason'] },
    ),
  )
  return app
}
