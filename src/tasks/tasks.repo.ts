import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { bulkInsert } from '../db/bulk-insert.js'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { Transaction } from '../db/transaction.js'
import type { DB, TaskStatus } from '../db/types.js'
import { actorIdOf, callerOf, type RequestContext } from '../domain/context.js'
import { type Level, OPEN_TASK_STATUSES } from '../domain/enums.js'
import type { PlannedTask } from './task-plan.js'

export type TaskRow = Awaited<ReturnType<typeof findTask>> & {}

export function findTask(db: Kysely<DB>, id: string) {
  return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The incident a task belongs to (it always exists: tasks reference it). */
export function findTaskIncident(db: Kysely<DB>, incidentId: string) {
  return db
    .selectFrom('incidents')
    .select(['playbook_hash', 'code', 'exercise'])
    .where('id', '=', incidentId)
    .executeTakeFirstOrThrow()
}

/** The playbook version the task's incident pinned (undefined: no such task). */
export async function taskPlaybookHash(db: Kysely<DB>, taskId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('tasks')
    .innerJoin('incidents', 'incidents.id', 'tasks.incident_id')
    .select('incidents.playbook_hash')
    .where('tasks.id', '=', taskId)
    .executeTakeFirst()
  return row?.playbook_hash
}

/**
 * The self-check (每月自查, scorecard/) still due that links to this task, if any. Read here from its table:
 * scorecard/ files self-checks through the task verbs, so the task verbs cannot import it.
 */
export function findDueSelfCheck(db: Kysely<DB>, taskId: string) {
  return db
    .selectFrom('self_checks')
    .select('id')
    .where('task_id', '=', taskId)
    .where('status', '=', 'due')
    .executeTakeFirst()
}

const taskColumns = [
  ['id', 'uuid'],
  ['incident_id', 'uuid'],
  ['district_code', 'text'],
  ['step_key', 'text'],
  ['occurrence', 'integer'],
  ['level', 'smallint'],
  ['status', 'text'],
  ['ack_due_at', 'timestamptz'],
  ['due_at', 'timestamptz'],
  ['next_escalation_at', 'timestamptz'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
] as const

export interface NewTask {
  id: string
  incident_id: string
  district_code: string
  step_key: string
  occurrence: number
  level: Level
  status: 'pending'
  ack_due_at: Date
  due_at: Date
  next_escalation_at: Date
  created_at: Date
  updated_at: Date
}

/** Writes new pending tasks in one statement. */
export async function writeTasks(trx: Transaction<DB>, rows: NewTask[]): Promise<void> {
  await bulkInsert(
    trx,
    'tasks',
    taskColumns,
    rows.map((r) => [
      r.id,
      r.incident_id,
      r.district_code,
      r.step_key,
      r.occurrence,
      r.level,
      r.status,
      r.ack_due_at.toISOString(),
      r.due_at.toISOString(),
      r.next_escalation_at.toISOString(),
      r.created_at.toISOString(),
      r.updated_at.toISOString(),
    ]),
  )
}

/** Inserts planned tasks; `occurrence` continues after any earlier task of the same step and district. */
export async function insertTasks(
  trx: Transaction<DB>,
  incidentId: string,
  planned: PlannedTask[],
  now: Date,
  occurrences: Map<string, number> = new Map(),
): Promise<NewTask[]> {
  const rows = planned.map((p) => ({
    id: randomUUID(),
    incident_id: incidentId,
    district_code: p.districtCode,
    step_key: p.stepKey,
    occurrence: occurrences.get(`${p.districtCode}/${p.stepKey}`) ?? 0,
    level: p.level,
    status: 'pending' as const,
    ack_due_at: p.ackDueAt,
    due_at: p.dueAt,
    next_escalation_at: p.ackDueAt,
    created_at: now,
    updated_at: now,
  }))
  await writeTasks(trx, rows)
  return rows
}

export async function countTasks(db: Kysely<DB>, incidentId: string): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Next free occurrence number per district/step, for steps that get a task again. */
export async function nextOccurrences(trx: Transaction<DB>, incidentId: string, stepKeys: string[]) {
  const result = new Map<string, number>()
  if (stepKeys.length === 0) return result
  const rows = await trx
    .selectFrom('tasks')
    .select(['district_code', 'step_key', (eb) => eb.fn.max('occurrence').as('max')])
    .where('incident_id', '=', incidentId)
    .where('step_key', 'in', stepKeys)
    .groupBy(['district_code', 'step_key'])
    .execute()
  for (const r of rows) result.set(`${r.district_code}/${r.step_key}`, Number(r.max) + 1)
  return result
}

export interface TaskFilter {
  incident?: string | undefined
  status?: TaskStatus | undefined
  district?: string | undefined
  limit: number
  /** Sort key of the last task of the previous page: due time, district, id. */
  after?: KeyValue[] | undefined
}

export const taskListOrder = ['tasks.due_at', 'tasks.district_code', 'tasks.id']

/** Tasks by due time, one more than `limit` (so the caller knows whether another page follows). */
export function listTasks(db: Kysely<DB>, f: TaskFilter) {
  let q = db
    .selectFrom('tasks')
    .innerJoin('incidents', 'incidents.id', 'tasks.incident_id')
    .selectAll('tasks')
    .select([
      'incidents.code as incident_code',
      'incidents.playbook_hash',
      'incidents.exercise',
      'incidents.title as incident_title',
      'incidents.level as incident_level',
    ])
  if (f.incident) q = q.where('tasks.incident_id', '=', f.incident)
  if (f.status) q = q.where('tasks.status', '=', f.status)
  if (f.district) q = q.where('tasks.district_code', '=', f.district)
  if (f.after) q = q.where(afterCursor(taskListOrder, f.after))
  return q
    .orderBy('tasks.due_at')
    .orderBy('tasks.district_code')
    .orderBy('tasks.id')
    .limit(f.limit + 1)
    .execute()
}

/** Cancels open or declined tasks; returns the ones it changed. */
export function cancelTasks(
  trx: Transaction<DB>,
  where: { incidentId: string; stepKeys?: string[] },
  reason: string,
  now: Date,
) {
  let q = trx
    .updateTable('tasks')
    .set({
      status: 'cancelled',
      cancelled_at: now,
      cancel_reason: reason,
      next_escalation_at: null,
      updated_at: now,
    })
    .where('incident_id', '=', where.incidentId)
    .where('status', 'in', [...OPEN_TASK_STATUSES, 'declined'])
  if (where.stepKeys) {
    if (where.stepKeys.length === 0) return Promise.resolve([])
    q = q.where('step_key', 'in', where.stepKeys)
  }
  return q.returning(['id', 'district_code', 'step_key', 'status']).execute()
}

/** The incident's sum of each named numeric figure over every report so far (reports are increments). */
export async function sumIncidentFigures(
  db: Kysely<DB>,
  incidentId: string,
  names: string[],
): Promise<Record<string, number>> {
  if (names.length === 0) return {}
  const row = await db
    .selectFrom('task_reports')
    .select(
      names.map((name, i) =>
        // A field of the same name may be text in another step: only numbers are summed.
        sql<
          number | null
        >`sum(case when jsonb_typeof(figures -> ${name}) = 'number' then (figures ->> ${name})::numeric end)`.as(
          `f${i}`,
        ),
      ),
    )
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow()
  const values = row as Record<string, number | string | null>
  return Object.fromEntries(names.map((name, i) => [name, Number(values[`f${i}`] ?? 0)]))
}

/**
 * Writes one report row on a task: the figures (increments; a correction's signed change), who filed it and
 * the request. The one writer of `task_reports`, whichever verb files (a report, a disposal record, a
 * correction, a self-check, the last inspection result).
 */
export async function insertTaskReport(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  task: { id: string; incident_id: string; district_code: string },
  r: {
    id: string
    figures: Record<string, unknown>
    note: string | null
    sample?: string | null
    corrects?: string | null
    reason?: string | null
  },
): Promise<void> {
  await trx
    .insertInto('task_reports')
    .values({
      id: r.id,
      task_id: task.id,
      incident_id: task.incident_id,
      district_code: task.district_code,
      figures: JSON.stringify(r.figures),
      note: r.note,
      created_at: now,
      created_by: actorIdOf(ctx),
      created_by_name: callerOf(ctx)?.name ?? null,
      request_id: ctx.requestId,
      sample_id: r.sample ?? null,
      corrects: r.corrects ?? null,
      reason: r.reason ?? null,
    })
    .execute()
}
