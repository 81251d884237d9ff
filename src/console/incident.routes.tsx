import { createHash, randomUUID } from 'node:crypto'
import { type Context, Hono } from 'hono'
import type { z } from 'zod'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { levelFromName } from '../domain/enums.js'
import { AppError, type ProblemIssue } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { reportCsv, timelineCsv } from '../incidents/incident-csv.js'
import {
  incidentDetail,
  incidentReport,
  incidentTimeline,
  listIncidentsFor,
} from '../incidents/incident-reads.service.js'
import { incidentTasks } from '../incidents/incidents.repo.js'
import {
  ActivateSchema,
  CloseSchema,
  LevelChangeSchema,
  toActivateInput,
} from '../incidents/incidents.schema.js'
import { activateIncident, changeLevel, closeIncident } from '../incidents/incidents.service.js'
import { reassignTask } from '../tasks/reassign.service.js'
import { stepsAtLevel } from '../tasks/task-plan.js'
import { isOverdue } from '../tasks/task-view.js'
import { ReasonSchema, ReassignSchema } from '../tasks/tasks.schema.js'
import { cancelTask, loadTaskFor } from '../tasks/tasks.service.js'
import { type Lang, pageLang, tr } from '../web/i18n.js'
import {
  type ActivateForm,
  type ActiveIncident,
  CommandPage,
  cellState,
  IncidentPage,
  type LevelName,
  type MatrixCell,
  PreviewPage,
} from './incident-pages.js'
import { TaskForms } from './incident-task-forms.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'
import { STATUS_TEXT } from './task-view.js'

/** The API's `x-access` lists for the incident routes. */
const COMMAND = ['admin', 'commander'] as const
const READERS = ['admin', 'commander', 'district'] as const

const ctxOf = (c: Context<ConsoleEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})
const str = (form: Record<string, unknown>, name: string) => {
  const v = form[name]
  return typeof v === 'string' ? v : ''
}

/** The activation form as posted: district checkboxes are named `district.<code>` (one value each). */
function activateFormOf(form: Record<string, unknown>): ActivateForm {
  return {
    playbook: str(form, 'playbook'),
    level: str(form, 'level'),
    title: str(form, 'title'),
    all: str(form, 'all') === '1',
    districts: Object.keys(form)
      .filter((k) => k.startsWith('district.') && form[k] === '1')
      .map((k) => k.slice('district.'.length)),
    products: str(form, 'products'),
    exercise: str(form, 'exercise') === '1',
  }
}

/** "name batch" per line; the last word is the batch when there are two or more. */
function productsOf(text: string) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const parts = l.split(/\s+/)
      return parts.length > 1 ? { name: parts.slice(0, -1).join(' '), batch: parts.at(-1)! } : { name: l }
    })
}

const zodProblems = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '—'}: ${i.message}`)
const issueLines = (issues: ProblemIssue[], lang: Lang) =>
  issues.map((i) => `${i.path.replace(/^body\./, '')}：${i.text?.[lang] ?? i.message}`)

/** A refusal from the service as page text: its reason and every issue it names. */
function refusalOf(err: unknown, lang: Lang) {
  if (!(err instanceof AppError) || err.code === 'not_found' || err.status >= 500) throw err
  return {
    status: (err.status === 409 ? 409 : 422) as 409 | 422,
    refusal: err.detail?.[lang] ?? err.message,
    problems: issueLines(err.extra.issues ?? [], lang),
  }
}

/**
 * The command centre: active incidents, activation in two steps (choose, then confirm the previewed steps,
 * one Idempotency-Key per preview so a double submit activates once), and the incident page with its live
 * matrix. Every move is the API's verb with the signed-in person as actor.
 */
export function consoleIncidentRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()

  const activation = (form: ActivateForm) =>
    ActivateSchema.safeParse({
      playbook: form.playbook,
      level: form.level,
      title: form.title,
      districts: form.all ? 'all' : form.districts,
      ...(form.products?.trim() ? { products: productsOf(form.products) } : {}),
      exercise: form.exercise,
    })

  const command = async (
    c: Context<ConsoleEnv>,
    form: ActivateForm = {},
    problems: string[] = [],
    status: 200 | 409 | 422 = 200,
  ) => {
    const ctx = ctxOf(c)
    const now = deps.clock.now()
    const page = await listIncidentsFor(deps, ctx, { status: 'active', limit: 100 })
    const incidents: ActiveIncident[] = []
    for (const i of page.items) {
      const tasks = (await incidentTasks(deps.db, i.id)).filter((t) => t.status !== 'cancelled')
      incidents.push({
        id: i.id,
        code: i.code,
        title: i.title,
        level: (['I', 'II', 'III', 'IV'] as const)[i.level - 1]!,
        exercise: i.exercise,
        createdAt: i.created_at,
        tasks: tasks.length,
        acknowledged: tasks.filter((t) => t.acknowledged_at !== null).length,
        overdue: tasks.filter((t) => isOverdue(t, now) !== null).length,
      })
    }
    const lang = pageLang(c)
    return c.html(
      <CommandPage
        shell={shellOf(c)}
        incidents={incidents}
        playbooks={deps.playbooks.list().map((l) => ({ id: l.playbook.id, name: tr(lang, l.playbook.name) }))}
        districts={deps.districts.items}
        now={now}
        form={{ level: 'IV', ...form }}
        problems={problems}
      />,
      status,
    )
  }

  // The command centre is the home page of those who may activate; others go on to their own home.
  app.get('/console', (c, next) =>
    (COMMAND as readonly string[]).includes(c.get('actor')?.role ?? '') ? command(c) : next(),
  )

  app.post('/console/incidents/preview', requireRoles(COMMAND), async (c) => {
    const lang = pageLang(c)
    const form = activateFormOf(await c.req.parseBody())
    const parsed = activation(form)
    const loaded = deps.playbooks.get(form.playbook ?? '')
    if (!parsed.success || !loaded)
      return command(
        c,
        form,
        [
          ...(loaded ? [] : [tr(lang, { zh: 'playbook：没有这个预案', en: 'playbook: no such playbook' })]),
          ...(parsed.success ? [] : zodProblems(parsed.error)),
        ],
        422,
      )
    const level = parsed.data.level as LevelName
    const fields: [string, string][] = [
      ['playbook', form.playbook ?? ''],
      ['level', level],
      ['title', form.title ?? ''],
      ['products', form.products ?? ''],
      ...(form.all ? [['all', '1'] as [string, string]] : []),
      ...(form.exercise ? [['exercise', '1'] as [string, string]] : []),
      ...(form.districts ?? []).map((d): [string, string] => [`district.${d}`, '1']),
    ]
    const names = form.all
      ? [tr(lang, { zh: '全市', en: 'All districts' })]
      : (form.districts ?? []).map((code) => {
          const d = deps.districts.items.find((x) => x.code === code)
          return d ? tr(lang, { zh: d.nameZh, en: d.nameEn }) : code
        })
    return c.html(
      <PreviewPage
        shell={shellOf(c)}
        playbook={loaded.playbook}
        level={level}
        steps={stepsAtLevel(loaded.playbook, levelFromName(level))}
        fields={fields}
        districtNames={names}
        idempotencyKey={randomUUID()}
      />,
    )
  })

  app.post('/console/incidents', requireRoles(COMMAND), async (c) => {
    const lang = pageLang(c)
    const body = await c.req.parseBody()
    const form = activateFormOf(body)
    const parsed = activation(form)
    if (!parsed.success) return command(c, form, zodProblems(parsed.error), 422)
    const key = str(body, 'idempotencyKey').slice(0, 200) || undefined
    try {
      const { incident } = await activateIncident(deps, ctxOf(c), toActivateInput(parsed.data), key)
      return c.redirect(`/console/incidents/${incident.id}`, 303)
    } catch (err) {
      const r = refusalOf(err, lang)
      return command(c, form, [r.refusal, ...r.problems], r.status)
    }
  })

  const detailOf = async (c: Context<ConsoleEnv>, id: string) => {
    const ctx = ctxOf(c)
    const lang = pageLang(c)
    const d = await incidentDetail(deps, ctx, id)
    const tasks = await incidentTasks(deps.db, d.id)
    const escalated = new Set(tasks.filter((t) => t.escalation_count > 0).map((t) => t.id))
    const names = new Map(deps.districts.items.map((x) => [x.code, tr(lang, { zh: x.nameZh, en: x.nameEn })]))
    const rows = d.matrix.districts.map((r) => ({
      district: r.district,
      name: names.get(r.district) ?? r.district,
      cells: Object.fromEntries(
        Object.entries(r.cells).map(([k, cell]): [string, MatrixCell] => [
          k,
          { task: cell.task, state: cellState(cell, escalated.has(cell.task)) },
        ]),
      ),
    }))
    return { d, rows, lang }
  }

  const incidentPage = async (
    c: Context<ConsoleEnv>,
    extra: { problems?: string[]; refusal?: string } = {},
    status: 200 | 409 | 422 = 200,
    id: string = c.req.param('id')!,
  ) => {
    const { d, rows, lang } = await detailOf(c, id)
    const playbook = await deps.playbooks.pinned(deps.db, d.playbookHash)
    const seen = new Set<string>()
    const figureNames = playbook.steps
      .flatMap((s) => s.reportFields)
      .filter((f) => (f.type === 'integer' || f.type === 'number') && !seen.has(f.name) && seen.add(f.name))
      .map((f) => ({ name: f.name, label: `${tr(lang, f.label)}${f.unit ? `（${tr(lang, f.unit)}）` : ''}` }))
    const steps = d.matrix.steps.filter((s) => rows.some((r) => r.cells[s.key]))
    return c.html(
      <IncidentPage
        shell={shellOf(c)}
        incident={{ ...d, level: d.level as LevelName }}
        steps={steps}
        rows={rows}
        overdue={d.overdue.map((o) => ({
          id: o.id,
          district: names(o.district),
          step: o.step,
          lateBySeconds: o.lateBySeconds,
        }))}
        totals={d.totals}
        figureNames={figureNames}
        now={deps.clock.now()}
        problems={extra.problems ?? []}
        refusal={extra.refusal}
        taskForms={
          (COMMAND as readonly string[]).includes(c.get('actor')?.role ?? '') ? (
            <TaskForms
              tasks={(await incidentTasks(deps.db, d.id)).map((t, _, all) => ({
                id: t.id,
                district: names(t.district_code),
                step: playbook.steps.find((s) => s.key === t.step_key)?.title[lang] ?? t.step_key,
                status: t.status,
                reassigned: all.some((o) => o.reassigned_from === t.id),
              }))}
              districts={deps.districts.items.map((x) => ({
                code: x.code,
                name: tr(lang, { zh: x.nameZh, en: x.nameEn }),
              }))}
              csrf={shellOf(c).csrf}
              lang={lang}
            />
          ) : null
        }
      />,
      status,
    )
    function names(code: string) {
      return rows.find((r) => r.district === code)?.name ?? code
    }
  }

  app.get('/console/incidents/:id', requireRoles(READERS), (c) => incidentPage(c))

  // Live cells: a small JSON fragment polled with If-None-Match (the session authorises it, scoped exactly
  // like the incident read), so the page recolours without reload and without a bearer token in the page.
  app.get('/console/incidents/:id/cells.json', requireRoles(READERS), async (c) => {
    const { rows, lang } = await detailOf(c, c.req.param('id'))
    const cells: Record<string, { state: string; label: string }> = {}
    for (const r of rows)
      for (const cell of Object.values(r.cells))
        if (cell) cells[cell.task] = { state: cell.state, label: tr(lang, STATUS_TEXT[cell.state]) }
    const body = JSON.stringify({ cells })
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
    c.header('ETag', etag)
    c.header('Cache-Control', 'no-cache, private')
    if (c.req.header('if-none-match') === etag) return c.body(null, 304)
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' })
  })

  app.post('/console/incidents/:id/level', requireRoles(COMMAND), async (c) => {
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const parsed = LevelChangeSchema.safeParse({ level: str(form, 'level'), reason: str(form, 'reason') })
    if (!parsed.success) return incidentPage(c, { problems: zodProblems(parsed.error) }, 422)
    try {
      await changeLevel(deps, ctxOf(c), c.req.param('id'), {
        level: levelFromName(parsed.data.level),
        reason: parsed.data.reason,
      })
    } catch (err) {
      const r = refusalOf(err, lang)
      return incidentPage(c, r, r.status)
    }
    return c.redirect(`/console/incidents/${c.req.param('id')}`, 303)
  })

  app.post('/console/incidents/:id/close', requireRoles(COMMAND), async (c) => {
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const parsed = CloseSchema.safeParse({ summary: str(form, 'summary') })
    if (!parsed.success) return incidentPage(c, { problems: zodProblems(parsed.error) }, 422)
    try {
      await closeIncident(deps, ctxOf(c), c.req.param('id'), parsed.data)
    } catch (err) {
      const r = refusalOf(err, lang)
      return incidentPage(c, r, r.status)
    }
    return c.redirect(`/console/incidents/${c.req.param('id')}`, 303)
  })

  // Task moves of the command centre, answered on the incident page: the form checked by the API's own
  // schema (every problem at once), then the API's verb; a refusal comes back with the service's reason.
  const taskMove =
    <T,>(
      schema: z.ZodType<T>,
      bodyOf: (form: Record<string, unknown>) => unknown,
      move: (ctx: RequestContext, id: string, input: T) => Promise<unknown>,
    ) =>
    async (c: Context<ConsoleEnv>) => {
      const lang = pageLang(c)
      const ctx = ctxOf(c)
      const task = await loadTaskFor(deps.db, ctx, c.req.param('id')!)
      const parsed = schema.safeParse(bodyOf(await c.req.parseBody()))
      if (!parsed.success)
        return incidentPage(c, { problems: zodProblems(parsed.error) }, 422, task.incident_id)
      try {
        await move(ctx, task.id, parsed.data)
      } catch (err) {
        const r = refusalOf(err, lang)
        return incidentPage(c, r, r.status, task.incident_id)
      }
      return c.redirect(`/console/incidents/${task.incident_id}`, 303)
    }

  app.post(
    '/console/tasks/:id/reassign',
    requireRoles(COMMAND),
    taskMove(
      ReassignSchema,
      (form) => ({
        ...(str(form, 'district') ? { district: str(form, 'district') } : {}),
        reason: str(form, 'reason'),
      }),
      (ctx, id, input) => reassignTask(deps, ctx, id, input),
    ),
  )
  app.post(
    '/console/tasks/:id/cancel',
    requireRoles(COMMAND),
    taskMove(
      ReasonSchema,
      (form) => ({ reason: str(form, 'reason') }),
      (ctx, id, input) => cancelTask(deps, ctx, id, input.reason),
    ),
  )

  app.get('/console/incidents/:id/report.csv', requireRoles(READERS), async (c) => {
    const { incident, report } = await incidentReport(deps, ctxOf(c), c.req.param('id'))
    return reportCsv(c, incident.code, report)
  })

  app.get('/console/incidents/:id/timeline.csv', requireRoles(COMMAND), async (c) => {
    const { incident, page } = await incidentTimeline(deps, ctxOf(c), c.req.param('id'), { limit: null })
    return timelineCsv(c, incident.code, page.items)
  })
  return app
}
