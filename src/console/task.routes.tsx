import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { unconfirmedBoards } from '../boards/boards.service.js'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import type { RequestContext } from '../domain/context.js'
import { AppError, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { zodIssues } from '../http/errors.js'
import { selfCheckOfTask } from '../scorecard/self-checks.read.js'
import { taskSheetOf } from '../tasks/task-disposal.read.js'
import {
  correctTaskReport,
  DisposalRecordSchema,
  ReportCorrectionSchema,
  recordSampleDisposal,
} from '../tasks/task-disposal.service.js'
import { CompleteSchema, ReasonSchema, ReportSchema } from '../tasks/tasks.schema.js'
import {
  acknowledgeTask,
  completeTask,
  declineTask,
  listTasksFor,
  reportOnTask,
  startTask,
  taskWithStep,
} from '../tasks/tasks.service.js'
import { type Lang, pageLang, tr } from '../web/i18n.js'
import { refusalOf, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import type { ConsoleEnv } from './session-auth.js'
import { type ListedTask, type Shell, TaskListPage, TaskPage, type TaskPageState } from './task-pages.js'
import { deadlineOf, figuresFromForm, isOpen } from './task-view.js'

const ctxOf = (c: Context<ConsoleEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})

export function shellOf(c: Context<ConsoleEnv>): Shell {
  const s = c.get('session')!
  const url = new URL(c.req.url)
  return { lang: pageLang(c), self: `${url.pathname}${url.search}`, who: s.actor.name, csrf: s.csrfToken }
}

const str = (form: Record<string, unknown>, name: string) => {
  const v = form[name]
  return typeof v === 'string' ? v : ''
}

/** An issue's text in the page language (issues from zod carry English only). */
const issueText = (i: ProblemIssue, lang: Lang) => i.text?.[lang] ?? i.message

/**
 * The district officer's pages: a face over the task verbs. Nothing is decided here: every move calls the
 * service the API calls, with the signed-in person as the actor; a refusal is shown on the page with the
 * service's own reason, and another district's task is the service's 404.
 */
export function consoleTaskRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  // The task reads' rule (the same people as the API's, the same district scoping in the service); each form
  // below is guarded by its own verb's rule as well.
  app.use('/console/tasks', requireRoles(ACCESS.readTasks))
  app.use('/console/tasks/*', requireRoles(ACCESS.readTasks))

  app.get('/console/tasks', async (c) => {
    const ctx = ctxOf(c)
    const [page, retailers] = await Promise.all([
      listTasksFor(deps, ctx, { limit: 500 }),
      // The district's overdue list holds its retailers unconfirmed past 24 h too.
      unconfirmedBoards(deps, ctx, { limit: 100, overdue: 'true' }),
    ])
    const now = deps.clock.now()
    const titles = new Map<string, Awaited<ReturnType<typeof deps.playbooks.pinned>>>()
    const listed: ListedTask[] = []
    for (const t of page.items) {
      let pb = titles.get(t.playbook_hash)
      if (!pb) {
        pb = await deps.playbooks.pinned(deps.db, t.playbook_hash)
        titles.set(t.playbook_hash, pb)
      }
      const d = deps.districts.items.find((x) => x.code === t.district_code)
      listed.push({
        task: t,
        title: pb.steps.find((s) => s.key === t.step_key)?.title ?? null,
        districtName: d ? tr(pageLang(c), { zh: d.nameZh, en: d.nameEn }) : t.district_code,
      })
    }
    const open = listed
      .filter((l) => isOpen(l.task.status))
      .sort((a, b) => deadlineOf(a.task).at.getTime() - deadlineOf(b.task).at.getTime())
    const done = listed
      .filter((l) => !isOpen(l.task.status))
      .sort((a, b) => b.task.updated_at.getTime() - a.task.updated_at.getTime())
      .slice(0, 20)
    return c.html(
      <TaskListPage
        shell={shellOf(c)}
        open={open}
        done={done}
        now={now}
        overdueRetailers={retailers.items}
      />,
    )
  })

  const render = async (
    c: Context<ConsoleEnv>,
    id: string,
    state: TaskPageState,
    status: 200 | 409 | 422 = 200,
  ) => {
    const ctx = ctxOf(c)
    const { task, step } = await taskWithStep(deps, ctx, id)
    const [sheet, check] = await Promise.all([taskSheetOf(deps, task), selfCheckOfTask(deps, ctx, id)])
    const role = c.get('session')?.actor.role
    return c.html(
      <TaskPage
        shell={shellOf(c)}
        task={task}
        sheet={sheet}
        step={step}
        now={deps.clock.now()}
        state={state}
        selfCheck={check && { check, canFile: may(role, 'fileSelfCheck') }}
      />,
      status,
    )
  }

  app.get('/console/tasks/:id', (c) => {
    const lang = pageLang(c)
    const done = c.req.query('done')
    const notice = done ? (NOTICES as Record<string, { zh: string; en: string }>)[done] : undefined
    return render(c, c.req.param('id'), { notice: notice && tr(lang, notice) })
  })

  /** Runs a verb; success goes back to the task page (post/redirect/get), a refusal is shown on it. */
  const act = async (
    c: Context<ConsoleEnv>,
    done: keyof typeof NOTICES,
    verb: () => Promise<unknown>,
    kept: TaskPageState = {},
  ) => {
    const id = c.req.param('id')!
    try {
      await verb()
    } catch (err) {
      // Absent or another district's: the error page (404). Anything else the service refused is shown
      // on the task page with its reason, keeping what was typed.
      if (!(err instanceof AppError) || err.code === 'not_found' || err.status >= 500) throw err
      const lang = pageLang(c)
      const state: TaskPageState = { ...kept, refusal: err.detail?.[lang] ?? err.message }
      if (err.extra.issues) {
        const fieldErrors: Record<string, string[]> = {}
        const problems: string[] = []
        for (const i of err.extra.issues) {
          const name = /^body\.figures\.(.+)$/.exec(i.path)?.[1]
          const label = name ? (kept.labels?.[name] ?? name) : i.path
          problems.push(`${label}：${issueText(i, lang)}`)
          if (name) fieldErrors[name] = [...(fieldErrors[name] ?? []), issueText(i, lang)]
        }
        state.problems = problems
        state.fieldErrors = fieldErrors
      }
      return render(c, id, state, err.status === 409 ? 409 : 422)
    }
    return c.redirect(`/console/tasks/${id}?done=${done}`, 303)
  }

  app.post('/console/tasks/:id/ack', formFor('moveTask'), (c) =>
    act(c, 'ack', () => acknowledgeTask(deps, ctxOf(c), c.req.param('id'))),
  )
  app.post('/console/tasks/:id/start', formFor('moveTask'), (c) =>
    act(c, 'start', () => startTask(deps, ctxOf(c), c.req.param('id'))),
  )

  app.post('/console/tasks/:id/reports', formFor('reportTask'), async (c) => {
    const id = c.req.param('id')
    const ctx = ctxOf(c)
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const { step } = await taskWithStep(deps, ctx, id)
    const fields = step?.reportFields ?? []
    const { figures, typed } = figuresFromForm(fields, form)
    const note = str(form, 'note').trim()
    const labels = Object.fromEntries(fields.map((f) => [f.name, tr(lang, f.label)]))
    return act(
      c,
      'report',
      () => {
        // The API's input rule (a note too long is refused with its reason, not cut short).
        const parsed = ReportSchema.safeParse({ figures, ...(note ? { note } : {}) })
        if (!parsed.success) throw validationFailed(zodIssues(parsed.error, 'body'))
        return reportOnTask(deps, ctx, id, parsed.data)
      },
      { typed, note, labels },
    )
  })

  /** A per-sample record or a correction: refused ones come back on the page with their form open. */
  const sheetAct = async (
    c: Context<ConsoleEnv>,
    form: string,
    typed: Record<string, string>,
    verb: () => Promise<unknown>,
    anchor: string,
    done: keyof typeof NOTICES,
  ) => {
    const id = c.req.param('id')!
    const lang = pageLang(c)
    try {
      await verb()
    } catch (err) {
      const r = refusalOf(err, lang, SHEET_LABELS)
      const errors = r.problems.length > 0 ? r.problems : [r.refusal]
      return render(c, id, { sheet: { form, typed, errors } }, r.status)
    }
    return c.redirect(`/console/tasks/${id}?done=${done}#${anchor}`, 303)
  }

  app.post('/console/tasks/:id/disposals', formFor('recordDisposal'), async (c) => {
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const typed = {
      unitsRemoved: str(form, 'unitsRemoved').trim(),
      sealedKg: str(form, 'sealedKg').trim(),
      notOnSale: str(form, 'notOnSale') === '1' ? '1' : '',
      note: str(form, 'note').trim(),
    }
    const sample = str(form, 'sample')
    const input = {
      sample,
      ...(typed.unitsRemoved ? { unitsRemoved: numberOrText(typed.unitsRemoved) } : {}),
      ...(typed.sealedKg ? { sealedKg: numberOrText(typed.sealedKg) } : {}),
      ...(typed.notOnSale ? { notOnSale: true } : {}),
      ...(typed.note ? { note: typed.note } : {}),
    }
    const parsed = DisposalRecordSchema.safeParse(input)
    if (!parsed.success)
      return render(
        c,
        c.req.param('id'),
        { sheet: { form: `sample:${sample}`, typed, errors: formLines(parsed.error, lang) } },
        422,
      )
    return sheetAct(
      c,
      `sample:${sample}`,
      typed,
      () => recordSampleDisposal(deps, ctxOf(c), c.req.param('id'), parsed.data),
      `sample-${sample}`,
      'disposal',
    )
  })

  app.post('/console/tasks/:id/reports/:rid/corrections', formFor('correctReport'), async (c) => {
    const lang = pageLang(c)
    const rid = c.req.param('rid')
    const form = await c.req.parseBody()
    const typed: Record<string, string> = { reason: str(form, 'reason').trim() }
    const figures: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(form)) {
      const name = /^figure\.(.+)$/.exec(k)?.[1]
      if (!name || typeof v !== 'string' || v.trim() === '') continue
      typed[name] = v.trim()
      figures[name] = numberOrText(v.trim())
    }
    const parsed = ReportCorrectionSchema.safeParse({ figures, reason: typed.reason })
    const formKey = `correct:${rid}`
    if (!parsed.success)
      return render(
        c,
        c.req.param('id'),
        { sheet: { form: formKey, typed, errors: formLines(parsed.error, lang) } },
        422,
      )
    return sheetAct(
      c,
      formKey,
      typed,
      () => correctTaskReport(deps, ctxOf(c), c.req.param('id'), rid, parsed.data),
      `report-${rid}`,
      'correction',
    )
  })

  app.post('/console/tasks/:id/complete', formFor('moveTask'), async (c) => {
    const form = await c.req.parseBody()
    const parsed = CompleteSchema.safeParse({
      ...(str(form, 'note').trim() ? { note: str(form, 'note').trim() } : {}),
    })
    return act(c, 'complete', () => {
      // Refused as the API refuses it, rather than completing without the note.
      if (!parsed.success) throw validationFailed(zodIssues(parsed.error, 'body'))
      return completeTask(deps, ctxOf(c), c.req.param('id'), parsed.data.note)
    })
  })

  app.post('/console/tasks/:id/decline', formFor('moveTask'), async (c) => {
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const reason = str(form, 'reason')
    const parsed = ReasonSchema.safeParse({ reason })
    if (!parsed.success)
      return render(
        c,
        c.req.param('id'),
        {
          reason,
          reasonError: tr(lang, {
            zh: '请填写拒绝原因（至多 2000 字），指挥中心据此改派。',
            en: 'Give the reason (up to 2000 characters); the command centre reassigns on it.',
          }),
          problems: [tr(lang, { zh: '拒绝原因：必填', en: 'Reason: required' })],
        },
        422,
      )
    return act(c, 'decline', () => declineTask(deps, ctxOf(c), c.req.param('id'), parsed.data.reason), {
      reason,
    })
  })
  return app
}

const NOTICES = {
  ack: { zh: '已确认接收。', en: 'Acknowledged.' },
  start: { zh: '已开始处置。', en: 'Work started.' },
  report: { zh: '已上报。', en: 'Report filed.' },
  complete: { zh: '任务已完成。', en: 'Task completed.' },
  selfCheck: { zh: '自查已报送，任务已完成。', en: 'Self-check filed; the task is completed.' },
  disposal: { zh: '处置情况已记录。', en: 'Record saved.' },
  correction: { zh: '更正已提交，合计已随之更新。', en: 'Correction filed; the totals follow it.' },
  decline: { zh: '已拒绝，指挥中心将改派。', en: 'Declined; the command centre will reassign it.' },
} as const satisfies Record<string, { zh: string; en: string }>

/** A typed number as a number; anything else as the text, for the schema to name as the wrong type. */
const numberOrText = (raw: string) => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : raw)

/** A form's problems as sentences: a number typed as something else is said so, in the page's language. */
function formLines(error: z.ZodError, lang: Lang): string[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.')
    const label = SHEET_LABELS[path as keyof typeof SHEET_LABELS]
    if (i.code === 'invalid_type' && i.expected === 'number' && label)
      return tr(lang, { zh: `${label.zh}请填写数字`, en: `${label.en}: enter a number` })
    return zodProblems(new z.ZodError([i]), lang, SHEET_LABELS)[0] ?? ''
  })
}

/** The per-sample and correction forms' fields, to name each problem. */
const SHEET_LABELS = {
  sample: { zh: '样品', en: 'Sample' },
  unitsRemoved: { zh: '下架数量', en: 'Units removed' },
  sealedKg: { zh: '封存重量', en: 'Stock sealed' },
  notOnSale: { zh: '未见在售', en: 'Not found on sale' },
  note: { zh: '备注', en: 'Note' },
  reason: { zh: '更正原因', en: 'Reason' },
  figures: { zh: '更正数值', en: 'Corrected figures' },
  'figures.units_removed': { zh: '下架数量', en: 'Units removed' },
  'figures.stock_sealed_kg': { zh: '封存重量', en: 'Stock sealed' },
}
