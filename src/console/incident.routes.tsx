import { createHash, randomUUID } from 'node:crypto'
import { type Context, Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { levelFromName } from '../domain/enums.js'
import { requireRoles } from '../http/auth.js'
import { incidentTasks, listIncidentsFor } from '../incidents/incident-reads.service.js'
import {
  ActivateSchema,
  CloseSchema,
  LevelChangeSchema,
  toActivateInput,
} from '../incidents/incidents.schema.js'
import { activateIncident, changeLevel, closeIncident } from '../incidents/incidents.service.js'
import { levelDelta, stepsAtLevel } from '../tasks/task-plan.js'
import { isOverdue } from '../tasks/task-view.js'
import { pageLang, tr } from '../web/i18n.js'
import { ConfirmPage, cancelsText } from './confirm-page.js'
import { ctxOf, refusalOf, str, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import {
  type ActivateForm,
  type ActiveIncident,
  CommandPage,
  type LevelName,
  PreviewPage,
} from './incident-pages.js'
import { incidentRenderer } from './incident-render.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'
import { STATUS_TEXT } from './task-view.js'

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
  app.get('/console', (c, next) => (may(c.get('actor')?.role, 'activateIncident') ? command(c) : next()))

  app.post('/console/incidents/preview', formFor('activateIncident'), async (c) => {
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
          ...(parsed.success ? [] : zodProblems(parsed.error, lang)),
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

  app.post('/console/incidents', formFor('activateIncident'), async (c) => {
    const lang = pageLang(c)
    const body = await c.req.parseBody()
    const form = activateFormOf(body)
    const parsed = activation(form)
    if (!parsed.success) return command(c, form, zodProblems(parsed.error, lang), 422)
    const key = str(body, 'idempotencyKey').slice(0, 200) || undefined
    try {
      const { incident } = await activateIncident(deps, ctxOf(c), toActivateInput(parsed.data), key)
      return c.redirect(`/console/incidents/${incident.id}`, 303)
    } catch (err) {
      const r = refusalOf(err, lang)
      return command(c, form, [r.refusal, ...r.problems], r.status)
    }
  })

  const { detailOf, incidentPage } = incidentRenderer(deps)

  app.get('/console/incidents/:id', requireRoles(ACCESS.readIncidents), (c) => incidentPage(c))

  // Live cells: a small JSON fragment polled with If-None-Match (the session authorises it, scoped exactly
  // like the incident read), so the page recolours without reload and without a bearer token in the page.
  app.get('/console/incidents/:id/cells.json', requireRoles(ACCESS.readIncidents), async (c) => {
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

  const OPEN = ['pending', 'acknowledged', 'in_progress', 'declined']
  /** Lowering a level cancels tasks: say how many, where and which, before the second press. */
  const levelConsequences = async (c: Context<ConsoleEnv>, to: LevelName, reason: string) => {
    const lang = pageLang(c)
    const { d } = await detailOf(c, c.req.param('id')!)
    const target = levelFromName(to)
    const current = levelFromName(d.level as LevelName)
    if (target <= current) return null
    const playbook = await deps.playbooks.pinned(deps.db, d.playbookHash)
    const dropped = levelDelta(playbook, current, target).dropped
    const keys = new Set(dropped.map((s) => s.key))
    const open = (await incidentTasks(deps.db, d.id)).filter(
      (t) => keys.has(t.step_key) && OPEN.includes(t.status),
    )
    const districts = new Set(open.map((t) => t.district_code)).size
    return c.html(
      <ConfirmPage
        shell={shellOf(c)}
        title={tr(lang, { zh: `确认降为 ${to} 级`, en: `Confirm lowering to level ${to}` })}
        consequences={[
          tr(lang, {
            zh: `事件级别由 ${d.level} 级降为 ${to} 级`,
            en: `lower the incident from level ${d.level} to ${to}`,
          }),
          cancelsText(
            lang,
            open.length,
            districts,
            dropped.map((s) => tr(lang, s.title)).join(lang === 'zh' ? '、' : ', '),
          ),
        ]}
        action={`/console/incidents/${d.id}/level`}
        fields={[
          ['level', to],
          ['reason', reason],
        ]}
        confirmLabel={tr(lang, { zh: '确认降级', en: 'Lower the level' })}
        back={`/console/incidents/${d.id}`}
      />,
    )
  }
  /** Closing with open tasks cancels them: say how many and where, before the second press. */
  const closeConsequences = async (c: Context<ConsoleEnv>, summary: string) => {
    const lang = pageLang(c)
    const { d } = await detailOf(c, c.req.param('id')!)
    const open = (await incidentTasks(deps.db, d.id)).filter((t) => OPEN.includes(t.status))
    if (open.length === 0) return null
    const districts = new Set(open.map((t) => t.district_code)).size
    return c.html(
      <ConfirmPage
        shell={shellOf(c)}
        title={tr(lang, { zh: '确认关闭事件', en: 'Confirm closing the incident' })}
        consequences={[
          tr(lang, {
            zh: `关闭事件 ${d.code}，总结报告随之定稿`,
            en: `close ${d.code}; its after-action report becomes final`,
          }),
          cancelsText(lang, open.length, districts, ''),
        ]}
        action={`/console/incidents/${d.id}/close`}
        fields={[['summary', summary]]}
        confirmLabel={tr(lang, { zh: '确认关闭', en: 'Close the incident' })}
        back={`/console/incidents/${d.id}`}
      />,
    )
  }

  app.post('/console/incidents/:id/level', formFor('changeIncidentLevel'), async (c) => {
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const parsed = LevelChangeSchema.safeParse({ level: str(form, 'level'), reason: str(form, 'reason') })
    if (!parsed.success)
      return incidentPage(c, { problems: zodProblems(parsed.error, lang, INCIDENT_FORM_LABELS) }, 422)
    if (str(form, 'confirm') !== '1') {
      const ask = await levelConsequences(c, parsed.data.level, parsed.data.reason)
      if (ask) return ask
    }
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

  app.post('/console/incidents/:id/close', formFor('closeIncident'), async (c) => {
    const lang = pageLang(c)
    const form = await c.req.parseBody()
    const parsed = CloseSchema.safeParse({ summary: str(form, 'summary') })
    if (!parsed.success)
      return incidentPage(c, { problems: zodProblems(parsed.error, lang, INCIDENT_FORM_LABELS) }, 422)
    if (str(form, 'confirm') !== '1') {
      const ask = await closeConsequences(c, parsed.data.summary)
      if (ask) return ask
    }
    try {
      await closeIncident(deps, ctxOf(c), c.req.param('id'), parsed.data)
    } catch (err) {
      const r = refusalOf(err, lang)
      return incidentPage(c, r, r.status)
    }
    return c.redirect(`/console/incidents/${c.req.param('id')}`, 303)
  })

  return app
}

/** The level and close forms' fields, to name each problem in the page's language. */
const INCIDENT_FORM_LABELS = {
  level: { zh: '级别', en: 'Level' },
  reason: { zh: '原因', en: 'Reason' },
  summary: { zh: '处置总结', en: 'Summary' },
}
