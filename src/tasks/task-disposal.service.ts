import { z } from '@hono/zod-openapi'
import { timeOrderedId } from '../db/ids.js'
import { lockRoot, lockRows } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import { inTransaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { invalidState, issue, notFound, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { trimmedText } from '../domain/text.js'
import { appendEvents, type NewEvent } from '../events/events.repo.js'
import { addDuration } from '../playbooks/duration.js'
import type { ReportField } from '../playbooks/playbook.schema.js'
import { FIGURE_LIMIT, totalOutOfRange, totalRangeIssues } from './figures.js'
import {
  currentFigures,
  DISPOSAL_FIELDS,
  DISPOSAL_FIGURES,
  type FiledReport,
  taskReports,
} from './task-disposal.read.js'
import type { Figures } from './tasks.events.js'
import { insertTaskReport, sumIncidentFigures, type TaskRow } from './tasks.repo.js'
import { loadTaskFor, taskStep } from './tasks.service.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'playbooks'>

const DISPOSAL_NUMBERS = DISPOSAL_FIELDS.filter((f) => f.type !== 'boolean')

const say = (zh: string, en: string) => ({ message: en, params: { zh, en } })

/** What was done about one failing sample: 下架 (units taken off sale), 封存 (kg sealed), or 未见在售. */
export const DisposalRecordSchema = z
  .strictObject({
    sample: z.uuid(say('请选择样品', 'Choose the sample')),
    unitsRemoved: z
      .number()
      .optional()
      .openapi({ description: '下架数量 (units taken off sale): a whole number ≥ 0' }),
    sealedKg: z.number().optional().openapi({ description: '封存 (stock sealed, kg): ≥ 0' }),
    notOnSale: z.boolean().optional().openapi({ description: '未见在售 (not found on sale)' }),
    note: trimmedText(4000).optional(),
  })
  // The rules as custom issues, so that each is a sentence in both languages.
  .superRefine((v, ctx) => {
    const problem = (path: string, zh: string, en: string) =>
      ctx.addIssue({ code: 'custom', path: [path], ...say(zh, en) })
    const units = v.unitsRemoved
    if (units !== undefined && (!Number.isInteger(units) || units < 0 || units > FIGURE_LIMIT.integer))
      problem(
        'unitsRemoved',
        '下架数量请填写不小于 0 的整数',
        'Units removed must be a whole number, 0 or more',
      )
    const kg = v.sealedKg
    if (kg !== undefined && (kg < 0 || kg > 1e9))
      problem('sealedKg', '封存重量请填写不小于 0 的数（千克）', 'Stock sealed must be 0 kg or more')
    const any = (units ?? 0) > 0 || (kg ?? 0) > 0 || v.notOnSale === true
    if (!any)
      problem(
        'unitsRemoved',
        '请填写下架数量或封存重量，或勾选“未见在售”',
        'Give the units removed or the stock sealed, or tick “not found on sale”',
      )
    if (v.notOnSale === true && ((units ?? 0) > 0 || (kg ?? 0) > 0))
      problem(
        'notOnSale',
        '“未见在售”与下架、封存数量不能同时填写',
        '“Not found on sale” cannot go with units removed or stock sealed',
      )
  })
  .openapi('DisposalRecord')
export type DisposalRecordInput = z.infer<typeof DisposalRecordSchema>

/** A correcting report: the corrected values of the numeric figures that were wrong, and why. */
export const ReportCorrectionSchema = z
  .strictObject({
    figures: z
      .record(
        z.string().max(100),
        z.number(say('更正后的数值应为数字', 'A corrected figure must be a number')),
      )
      .openapi({ description: 'The corrected value of each figure that was wrong, by field name' }),
    reason: z
      .string()
      .trim()
      .max(2000, say('更正原因至多 2000 字', 'The reason is at most 2000 characters'))
      .refine((r) => r.length > 0, say('请填写更正原因', 'Give the reason for the correction'))
      .openapi({ description: 'Why the figure was wrong (required, at most 2000 characters)' }),
  })
  .openapi('ReportCorrection')
export type ReportCorrectionInput = z.infer<typeof ReportCorrectionSchema>

const taskNotFound = () => notFound({ zh: '任务不存在', en: 'No such task' })

/** Locks the incident, then the task (src/db/lock.ts order), and returns both as they are now. */
async function lockTask(trx: Transaction<DB>, task: TaskRow) {
  const incident = await lockRoot(trx, 'incidents', task.incident_id)
  const [locked] = await lockRows(trx, 'tasks', [task.id])
  if (!incident || !locked) throw taskNotFound()
  return { incident, locked }
}

const canRecord = (t: TaskRow) => t.status === 'acknowledged' || t.status === 'in_progress'

const recordRefused = (t: TaskRow) =>
  invalidState(
    t.status === 'pending'
      ? { zh: '请先确认接收任务，再记录处置情况', en: 'Acknowledge the task before recording what was done' }
      : { zh: '任务已结束，不能再记录处置情况', en: 'The task is finished; nothing more can be recorded' },
    t.status,
  )

/**
 * Records what was done about one of the task's failing samples. The record is a report on the task (its
 * figures add to the task's and the incident's sums like any report); it moves an acknowledged task to in
 * progress and restarts its overdue clock, as a report does.
 */
export async function recordSampleDisposal(
  deps: Deps,
  ctx: RequestContext,
  taskId: string,
  input: DisposalRecordInput,
) {
  const task = await loadTaskFor(deps.db, ctx, taskId)
  if (!canRecord(task)) throw recordRefused(task)
  const { step, playbook } = await taskStep(deps, task)
  const figures: Figures = {
    ...(input.unitsRemoved !== undefined ? { [DISPOSAL_FIGURES.unitsRemoved]: input.unitsRemoved } : {}),
    ...(input.sealedKg !== undefined ? { [DISPOSAL_FIGURES.sealedKg]: input.sealedKg } : {}),
    ...(input.notOnSale !== undefined ? { [DISPOSAL_FIGURES.notOnSale]: input.notOnSale } : {}),
  }
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const { incident, locked } = await lockTask(trx, task)
    if (!canRecord(locked)) throw recordRefused(locked)
    const sample = isUuid(input.sample)
      ? await trx
          .selectFrom('disposal_task_samples as d')
          .innerJoin('samples as s', 's.id', 'd.sample_id')
          .select(['s.id', 's.no'])
          .where('d.task_id', '=', taskId)
          .where('d.sample_id', '=', input.sample)
          .executeTakeFirst()
      : undefined
    if (!sample)
      throw validationFailed([
        issue(
          'body.sample',
          { zh: '此样品不在本任务的处置清单中', en: 'This sample is not on the task’s list' },
          'not_on_task',
        ),
      ])
    const overflow = totalRangeIssues(DISPOSAL_NUMBERS, await incidentSums(trx, locked.incident_id), figures)
    if (overflow.length > 0) throw totalOutOfRange(overflow)
    const next =
      locked.due_at > now
        ? step?.reportEvery
          ? new Date(Math.min(addDuration(now, step.reportEvery).getTime(), locked.due_at.getTime()))
          : locked.due_at
        : addDuration(now, step?.reportEvery ?? playbook.escalation.repeatEvery)
    const row = await trx
      .updateTable('tasks')
      .set({
        status: 'in_progress',
        ...(locked.started_at ? {} : { started_at: now }),
        last_report_at: now,
        next_escalation_at: next,
        escalation_clock: null,
        clock_started_at: null,
        escalation_position: 0,
        updated_at: now,
      })
      .where('id', '=', taskId)
      .returningAll()
      .executeTakeFirstOrThrow()
    const id = timeOrderedId()
    const note = input.note ? input.note : null
    await insertTaskReport(trx, ctx, now, locked, { id, figures, note, sample: sample.id })
    const base = { incidentId: locked.incident_id, taskId, districtCode: locked.district_code }
    const events: NewEvent[] = []
    if (locked.status === 'acknowledged')
      events.push({
        ...base,
        type: 'task.started',
        payload: {
          step: locked.step_key,
          exercise: incident.exercise,
          from: 'acknowledged',
          to: 'in_progress',
        },
      })
    events.push({
      ...base,
      type: 'task.disposal_recorded',
      subject: id,
      payload: {
        step: locked.step_key,
        exercise: incident.exercise,
        sample: sample.id,
        sampleNo: sample.no,
        figures,
        note,
      },
    })
    await appendEvents(trx, ctx, now, events)
    return { task: row, report: { id, sample: sample.id, figures, note, createdAt: now } }
  })
}

/**
 * Corrects figures of a filed report with a correcting report: it states the reason and carries the signed
 * change (corrected value minus the value as it stands), so the task's and the incident's sums follow while
 * the original stays as filed. Numbers only: anything else is put right by reporting again.
 */
export async function correctTaskReport(
  deps: Deps,
  ctx: RequestContext,
  taskId: string,
  reportId: string,
  input: ReportCorrectionInput,
) {
  const task = await loadTaskFor(deps.db, ctx, taskId)
  const { step } = await taskStep(deps, task)
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const { incident, locked } = await lockTask(trx, task)
    if (incident.status === 'closed')
      throw invalidState(
        {
          zh: '事件已结束，上报不能再更正',
          en: 'The incident is closed; its reports can no longer be corrected',
        },
        'closed',
      )
    if (locked.status === 'pending' || locked.status === 'cancelled')
      throw invalidState(
        { zh: '此任务没有可更正的上报', en: 'This task has no report that can be corrected' },
        locked.status,
      )
    const reports = await taskReports(trx, taskId)
    const found = isUuid(reportId) ? reports.find((r) => r.id === reportId) : undefined
    if (!found) throw notFound({ zh: '此任务没有这份上报', en: 'No such report on this task' })
    // A correction of a correction puts right the original it belongs to.
    const original = found.corrects ? (reports.find((r) => r.id === found.corrects) ?? found) : found
    const fields = correctableFields(original, step?.reportFields ?? [])
    const current = currentFigures(original, reports)
    const issues: ProblemIssue[] = []
    const change: Record<string, number> = {}
    for (const [name, value] of Object.entries(input.figures)) {
      const field = fields.get(name)
      const path = `body.figures.${name}`
      if (!field) {
        issues.push(
          issue(
            path,
            {
              zh: `这份上报没有可更正的数值“${name}”；可更正：${[...fields.keys()].join('、') || '（无）'}`,
              en: `this report has no number “${name}” to correct; correctable: ${[...fields.keys()].join(', ') || '(none)'}`,
            },
            'not_correctable',
          ),
        )
        continue
      }
      if (field.type === 'integer' && !Number.isInteger(value))
        issues.push(issue(path, { zh: '应为整数', en: 'must be a whole number' }, 'invalid_type'))
      else if (field.min !== undefined && value < field.min)
        issues.push(
          issue(path, { zh: `应不小于 ${field.min}`, en: `must be at least ${field.min}` }, 'too_small'),
        )
      else if (field.max !== undefined && value > field.max)
        issues.push(
          issue(path, { zh: `应不大于 ${field.max}`, en: `must be at most ${field.max}` }, 'too_big'),
        )
      else if (Math.abs(value) > FIGURE_LIMIT[field.type === 'integer' ? 'integer' : 'number'])
        issues.push(issue(path, { zh: '数值过大', en: 'too large' }, 'too_big'))
      else {
        const delta = Math.round((value - Number(current[name] ?? 0)) * 1e6) / 1e6
        if (delta !== 0) change[name] = delta
      }
    }
    if (issues.length === 0 && Object.keys(change).length === 0)
      issues.push(
        issue(
          'body.figures',
          {
            zh: '更正后的数值与现有数值相同，请填写正确的数值',
            en: 'The corrected figures are the same as those standing; give the right figures',
          },
          'unchanged',
        ),
      )
    if (issues.length > 0) throw validationFailed(issues)
    const overflow = totalRangeIssues(
      [...fields.values()],
      await incidentSums(trx, locked.incident_id, [...fields.keys()]),
      change,
    )
    if (overflow.length > 0) throw totalOutOfRange(overflow)
    const id = timeOrderedId()
    await insertTaskReport(trx, ctx, now, locked, {
      id,
      figures: change,
      note: null,
      sample: original.sample,
      corrects: original.id,
      reason: input.reason,
    })
    await appendEvents(trx, ctx, now, [
      {
        incidentId: locked.incident_id,
        taskId,
        districtCode: locked.district_code,
        type: 'task.report_corrected',
        subject: id,
        payload: {
          step: locked.step_key,
          exercise: incident.exercise,
          report: original.id,
          sample: original.sample,
          change,
          reason: input.reason,
        },
      },
    ])
    return {
      report: {
        id,
        corrects: original.id,
        sample: original.sample,
        figures: change,
        reason: input.reason,
        createdAt: now,
      },
    }
  })
}

/** The numbers a report may have corrected: a disposal record's two, or the step's numeric fields. */
function correctableFields(report: FiledReport, stepFields: ReportField[]): Map<string, ReportField> {
  return new Map(
    (report.sample ? DISPOSAL_NUMBERS : stepFields)
      .filter((f) => f.type === 'integer' || f.type === 'number')
      .map((f) => [f.name, f] as const),
  )
}

async function incidentSums(
  trx: Transaction<DB>,
  incidentId: string,
  names: string[] = [DISPOSAL_FIGURES.unitsRemoved, DISPOSAL_FIGURES.sealedKg],
) {
  return sumIncidentFigures(trx, incidentId, names)
}
