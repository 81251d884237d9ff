import type { Context } from 'hono'
import type { AppDeps } from '../deps.js'
import { may } from '../domain/access.js'
import { incidentDetail, incidentReport, incidentTasks } from '../incidents/incident-reads.service.js'
import { localTime, pageLang, tr } from '../web/i18n.js'
import { ctxOf } from './console-forms.js'
import { cellState, IncidentPage, type LevelName, type MatrixCell } from './incident-pages.js'
import { TaskForms } from './incident-task-forms.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

/**
 * The incident page as the signed-in person may see it (the service scopes a district officer to the own
 * rows), shared by the incident routes and the task moves that answer on it.
 */
export function incidentRenderer(deps: AppDeps) {
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
    // The command centre's moves (level, close, reassign, cancel) share one role rule; each form's guard checks its own.
    const command = may(c.get('actor')?.role, 'changeIncidentLevel')
    const { report } = await incidentReport(deps, ctxOf(c), d.id)
    // Each level change with what it added and cancelled, where the commander looks.
    const changes = await deps.db
      .selectFrom('events')
      .select(['type', 'payload', 'created_at'])
      .where('incident_id', '=', d.id)
      .where('type', 'in', ['incident.level_raised', 'incident.level_lowered'])
      .orderBy('id')
      .execute()
    const levelChanges = changes.map((e) => {
      const p = e.payload as { from: string; to: string; reason: string; added: number; cancelled: number }
      return `${localTime(e.created_at, lang)} ${tr(lang, {
        zh: `${p.from}级 → ${p.to}级（${p.reason}）：新增 ${p.added} 项任务，取消 ${p.cancelled} 项任务`,
        en: `level ${p.from} → ${p.to} (${p.reason}): ${p.added} tasks added, ${p.cancelled} cancelled`,
      })}`
    })
    const rates = {
      city: report.city.onTimeRate,
      districts: Object.fromEntries(report.districts.map((r) => [r.district, r.onTimeRate])),
    }
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
        command={command}
        rates={rates}
        levelChanges={levelChanges}
        taskForms={
          command ? (
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

  return { detailOf, incidentPage }
}
