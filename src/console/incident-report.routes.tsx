import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import type { Event } from '../events/event-schemas.js'
import { requireRoles } from '../http/auth.js'
import { csvResponse } from '../http/csv.js'
import { reportCsvForPeople, timelineCsvForPeople } from '../incidents/incident-csv.js'
import { incidentReport, incidentTasks, incidentTimeline } from '../incidents/incident-reads.service.js'
import type { Playbook } from '../playbooks/playbook.schema.js'
import { type Lang, pageLang, tr } from '../web/i18n.js'
import { ctxOf } from './console-forms.js'
import {
  IncidentReportPage,
  type ReportDistrictRow,
  type ReportTimelineEntry,
} from './incident-report-page.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

/** The events a printed timeline keeps: the incident's own, and what went wrong or was moved in a district. */
const TIMELINE_TYPES = /^(incident\.|task\.(declined|reassigned|escalated))/

/**
 * The after-action report for people: a printable page (zh, English with `?lang=en`) and CSV downloads with
 * headers in the page's language, district names beside codes, Beijing times and no JSON in cells.
 */
export function consoleIncidentReportRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  const districtName = (lang: Lang) => (code: string) => {
    const d = deps.districts.items.find((x) => x.code === code)
    return d ? tr(lang, { zh: d.nameZh, en: d.nameEn }) : code
  }
  const figureLabels = (playbook: Playbook, lang: Lang) => {
    const labels = new Map<string, string>()
    for (const s of playbook.steps)
      for (const f of s.reportFields)
        if (!labels.has(f.name))
          labels.set(f.name, `${tr(lang, f.label)}${f.unit ? `（${tr(lang, f.unit)}）` : ''}`)
    labels.set(
      'units_removed',
      labels.get('units_removed') ?? tr(lang, { zh: '下架数量（件）', en: 'Units removed' }),
    )
    labels.set(
      'stock_sealed_kg',
      labels.get('stock_sealed_kg') ?? tr(lang, { zh: '封存（千克）', en: 'Stock sealed (kg)' }),
    )
    labels.set('not_on_sale', tr(lang, { zh: '未见在售（批次）', en: 'Not found on sale (samples)' }))
    return labels
  }

  app.get('/console/incidents/:id/report', requireRoles(ACCESS.readIncidents), async (c) => {
    const lang = pageLang(c)
    const ctx = ctxOf(c)
    const { incident, report } = await incidentReport(deps, ctx, c.req.param('id'))
    const [playbook, tasks, timeline] = await Promise.all([
      deps.playbooks.pinned(deps.db, incident.playbook_hash),
      incidentTasks(deps.db, incident.id),
      incidentTimeline(deps, ctx, incident.id, { limit: null }),
    ])
    const name = districtName(lang)
    const steps = new Map(playbook.steps.map((s) => [s.key, tr(lang, s.title)]))
    const command = may(c.get('actor')?.role, 'readIncidentEvents')
    const own = c.get('actor')?.districtCode
    const events = timeline.page.items.filter(
      (e) => TIMELINE_TYPES.test(e.type) && (command || !e.district || e.district === own),
    )
    const rows: ReportDistrictRow[] = report.districts.map((r) => {
      const mine = tasks.filter((t) => t.district_code === r.district)
      const acks = mine.flatMap((t) => (t.acknowledged_at ? [t.acknowledged_at.getTime()] : []))
      const dones = mine.flatMap((t) => (t.completed_at ? [t.completed_at.getTime()] : []))
      return {
        ...r,
        name: name(r.district),
        firstAcknowledgedAt: acks.length ? new Date(Math.min(...acks)) : null,
        lastCompletedAt: dones.length ? new Date(Math.max(...dones)) : null,
      }
    })
    const labels = figureLabels(playbook, lang)
    const figureNames = Object.keys(report.city.figures)
      .filter((n) => labels.has(n))
      .map((n) => ({ name: n, label: labels.get(n)! }))
    return c.html(
      <IncidentReportPage
        shell={shellOf(c)}
        incident={{
          id: incident.id,
          code: incident.code,
          title: incident.title,
          level: (['I', 'II', 'III', 'IV'] as const)[incident.level - 1]!,
          status: incident.status,
          exercise: incident.exercise,
          createdAt: incident.created_at,
          closedAt: incident.closed_at,
          summary: incident.summary,
          playbookHash: incident.playbook_hash,
        }}
        playbook={playbook}
        levels={levelHistory(timeline.page.items, lang)}
        timeline={events.map((e) => ({ at: new Date(e.at), text: eventText(e, lang, name, steps) }))}
        rows={rows}
        city={report.city}
        figureNames={figureNames}
        now={deps.clock.now()}
      />,
    )
  })

  app.get('/console/incidents/:id/report.csv', requireRoles(ACCESS.readIncidents), async (c) => {
    const lang = pageLang(c)
    const { incident, report } = await incidentReport(deps, ctxOf(c), c.req.param('id'))
    const playbook = await deps.playbooks.pinned(deps.db, incident.playbook_hash)
    const labels = figureLabels(playbook, lang)
    return csvResponse(
      c,
      reportCsvForPeople(incident.code, report, {
        lang,
        districtName: districtName(lang),
        figureLabel: (n) => labels.get(n) ?? n,
      }),
    )
  })

  app.get('/console/incidents/:id/timeline.csv', requireRoles(ACCESS.readIncidentEvents), async (c) => {
    const lang = pageLang(c)
    const { incident, page } = await incidentTimeline(deps, ctxOf(c), c.req.param('id'), { limit: null })
    const playbook = await deps.playbooks.pinned(deps.db, incident.playbook_hash)
    const labels = figureLabels(playbook, lang)
    const steps = new Map(playbook.steps.map((s) => [s.key, tr(lang, s.title)]))
    return csvResponse(
      c,
      timelineCsvForPeople(incident.code, page.items, {
        lang,
        districtName: districtName(lang),
        stepName: (k) => steps.get(k) ?? k,
        figureLabel: (n) => labels.get(n) ?? n,
      }),
    )
  })
  return app
}

function levelHistory(events: Event[], lang: Lang): ReportTimelineEntry[] {
  const out: ReportTimelineEntry[] = []
  for (const e of events) {
    const p = e.payload as Record<string, unknown>
    if (e.type === 'incident.activated')
      out.push({
        at: new Date(e.at),
        text: tr(lang, { zh: `启动，${String(p.level)}级`, en: `Activated at level ${String(p.level)}` }),
      })
    else if (e.type === 'incident.level_raised' || e.type === 'incident.level_lowered')
      out.push({
        at: new Date(e.at),
        text: tr(lang, {
          zh: `${String(p.from)}级 → ${String(p.to)}级（${String(p.reason)}）：新增 ${String(p.added)} 项任务，取消 ${String(p.cancelled)} 项`,
          en: `Level ${String(p.from)} → ${String(p.to)} (${String(p.reason)}): ${String(p.added)} tasks added, ${String(p.cancelled)} cancelled`,
        }),
      })
    else if (e.type === 'incident.closed')
      out.push({
        at: new Date(e.at),
        text: tr(lang, {
          zh: `关闭，取消未完成任务 ${String(p.cancelledTasks)} 项`,
          en: `Closed; ${String(p.cancelledTasks)} open tasks cancelled`,
        }),
      })
  }
  return out
}

function eventText(e: Event, lang: Lang, name: (code: string) => string, steps: Map<string, string>): string {
  const p = e.payload as Record<string, unknown>
  const where = e.district ? `${name(e.district)} · ` : ''
  const step = typeof p.step === 'string' ? (steps.get(p.step) ?? p.step) : ''
  const who = e.actor.name ? `（${e.actor.name}）` : ''
  switch (e.type) {
    case 'incident.activated':
      return tr(lang, { zh: `事件启动${who}`, en: `Incident activated${who}` })
    case 'incident.level_raised':
    case 'incident.level_lowered':
      return tr(lang, {
        zh: `级别 ${String(p.from)} → ${String(p.to)}：${String(p.reason)}${who}`,
        en: `Level ${String(p.from)} → ${String(p.to)}: ${String(p.reason)}${who}`,
      })
    case 'incident.closed':
      return tr(lang, { zh: `事件关闭${who}`, en: `Incident closed${who}` })
    case 'task.declined':
      return `${where}${step}：${tr(lang, { zh: '拒绝', en: 'declined' })} — ${String(p.reason)}`
    case 'task.reassigned':
      return `${where}${step}：${tr(lang, { zh: '改派至', en: 'reassigned to' })} ${name(String(p.district))}`
    default:
      if (e.type.startsWith('task.escalated'))
        return `${where}${step}：${tr(lang, { zh: '已升级通知', en: 'escalated to' })} ${String(p.notify ?? '')}`
      return `${where}${e.type}`
  }
}
