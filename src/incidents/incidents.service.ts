import { createHash, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB, IncidentProduct } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { appendEvents } from '../events/events.repo.js'
import type { RequestContext } from '../http/app-env.js'
import { isUuid } from '../http/ids.js'
import { AppError, invalidState, notFound, type ProblemIssue, validationFailed } from '../http/problem.js'
import type { LoadedPlaybook } from '../playbooks/playbook.loader.js'
import { levelName } from '../playbooks/playbook.schema.js'
import { taskCancelledEvent, taskCreatedEvent } from '../tasks/task-events.js'
import { levelDelta, planTasks, stepsAtLevel } from '../tasks/task-plan.js'
import { cancelTasks, insertTasks, type NewTask, nextOccurrences } from '../tasks/tasks.repo.js'
import {
  claimIdempotencyKey,
  findIdempotencyKey,
  findIncident,
  type IncidentRow,
  incidentColumns,
  lockIncident,
  nextIncidentNumber,
} from './incidents.repo.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>

export interface ActivateInput {
  playbook: string
  level: number
  title: string
  hazard?: string | undefined
  products?: IncidentProduct[] | undefined
  districts: 'all' | string[]
  exercise?: boolean | undefined
  note?: string | undefined
}

const ACTIVATE_SCOPE = 'incident.activate'
const incidentNotFound = () => notFound({ zh: '事件不存在', en: 'No such incident' })

class KeyTaken extends Error {}

function requestHash(input: ActivateInput): string {
  const canonical = { ...input, districts: input.districts === 'all' ? 'all' : [...input.districts].sort() }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}

/** Local calendar year in the configured zone: the incident number restarts each year. */
function localYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at))
}

async function replay(
  deps: Deps,
  key: string,
  hash: string,
): Promise<{ incident: IncidentRow; created: false; taskCount: number }> {
  const existing = await findIdempotencyKey(deps.db, ACTIVATE_SCOPE, key)
  if (!existing) throw new AppError('conflict', { zh: '请重试', en: 'Concurrent request; retry' })
  if (existing.request_hash !== hash)
    throw new AppError('idempotency_mismatch', {
      zh: `幂等键「${key}」已用于另一份内容不同的启动请求`,
      en: `Idempotency-Key "${key}" was already used with a different body`,
    })
  const incident = await findIncident(deps.db, existing.resource_id)
  if (!incident) throw incidentNotFound()
  const tasks = await deps.db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('incident_id', '=', incident.id)
    .executeTakeFirstOrThrow()
  return { incident, created: false as const, taskCount: Number(tasks.n) }
}

/**
 * Activates a playbook: the incident, every district task and all their events commit in one transaction.
 * With an idempotency key, a repeat of the same request returns the first incident.
 */
export async function activateIncident(
  deps: Deps,
  ctx: RequestContext,
  input: ActivateInput,
  idempotencyKey?: string,
): Promise<{ incident: IncidentRow; created: boolean; taskCount: number }> {
  const { db, clock } = deps
  const hash = requestHash(input)
  if (idempotencyKey && (await findIdempotencyKey(db, ACTIVATE_SCOPE, idempotencyKey)))
    return replay(deps, idempotencyKey, hash)

  const issues: ProblemIssue[] = []
  const loaded = deps.playbooks.get(input.playbook)
  if (!loaded) issues.push({ path: 'body.playbook', message: `unknown playbook "${input.playbook}"` })
  else if (!loaded.playbook.levels.includes(input.level as 1))
    issues.push({
      path: 'body.level',
      message: `playbook ${input.playbook} is activated at ${loaded.playbook.levels.map(levelName).join('/')} only`,
    })
  let districts: string[] = []
  if (input.districts === 'all') districts = deps.districts.codes()
  else {
    input.districts.forEach((code, i) => {
      if (!deps.districts.has(code))
        issues.push({ path: `body.districts[${i}]`, message: `unknown district code ${code}` })
    })
    districts = [...new Set(input.districts)].sort()
  }
  if (issues.length > 0 || !loaded) throw validationFailed(issues)

  const now = clock.now()
  const id = randomUUID()
  try {
    const { incident, taskCount } = await db.transaction().execute(async (trx) => {
      if (
        idempotencyKey &&
        !(await claimIdempotencyKey(trx, {
          scope: ACTIVATE_SCOPE,
          key: idempotencyKey,
          request_hash: hash,
          resource_id: id,
          created_at: now,
        }))
      )
        throw new KeyTaken()
      const opened = await openIncident(trx, deps, ctx, { id, now, loaded, input, districts })
      return { incident: opened.incident, taskCount: opened.tasks.length }
    })
    return { incident, created: true, taskCount }
  } catch (err) {
    // Another request with the same key committed first: answer as a replay of it.
    if (err instanceof KeyTaken && idempotencyKey) return replay(deps, idempotencyKey, hash)
    throw err
  }
}

/**
 * The insert part of an activation, inside the caller's transaction: the incident with its number, its
 * tasks and their events. The caller has checked the input. An announcement's publication uses it to open
 * its disposal incident in the publishing transaction.
 */
export async function openIncident(
  trx: Kysely<DB>,
  deps: Pick<Deps, 'config'>,
  ctx: RequestContext,
  spec: {
    id: string
    now: Date
    loaded: LoadedPlaybook
    input: ActivateInput
    districts: string[]
    /** Extra fields for the `incident.activated` event (e.g. the announcement behind it). */
    extra?: Record<string, unknown>
  },
): Promise<{ incident: IncidentRow; tasks: NewTask[] }> {
  const { id, now, loaded, input, districts } = spec
  const { config } = deps
  const tasks = planTasks(stepsAtLevel(loaded.playbook, input.level), districts, now, config.TZ)
  const year = localYear(now, config.TZ)
  const number = await nextIncidentNumber(trx, year)
  const code = `FS-${year}-${String(number).padStart(4, '0')}`
  const row = await trx
    .insertInto('incidents')
    .values({
      id,
      code,
      playbook_id: loaded.playbook.id,
      playbook_hash: loaded.hash,
      title: input.title,
      hazard: input.hazard ?? null,
      products: JSON.stringify(input.products ?? []),
      level: input.level,
      all_districts: input.districts === 'all',
      districts,
      status: 'active',
      exercise: input.exercise ?? false,
      note: input.note ?? null,
      created_at: now,
      created_by: ctx.actor?.id ?? null,
    })
    .returning(incidentColumns)
    .executeTakeFirstOrThrow()
  const rows = await insertTasks(trx, id, tasks, now)
  await appendEvents(trx, ctx, now, [
    {
      type: 'incident.activated',
      incidentId: id,
      subject: code,
      payload: {
        code,
        playbook: loaded.playbook.id,
        playbookHash: loaded.hash,
        level: levelName(input.level as 1),
        districts,
        exercise: input.exercise ?? false,
        taskCount: rows.length,
        ...spec.extra,
      },
    },
    ...rows.map((t) => taskCreatedEvent(t)),
  ])
  return { incident: row, tasks: rows }
}

/**
 * Raising the level adds the new level's tasks in every district in scope; lowering cancels the tasks no
 * longer required. Nothing is deleted.
 */
export async function changeLevel(
  deps: Deps,
  ctx: RequestContext,
  incidentId: string,
  input: { level: number; reason: string },
) {
  const { db, clock, config } = deps
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const incident = isUuid(incidentId) ? await lockIncident(trx, incidentId) : undefined
    if (!incident) throw incidentNotFound()
    if (incident.status !== 'active')
      throw invalidState({ zh: '事件已关闭，不能调整级别', en: 'The incident is closed' }, incident.status)
    if (incident.level === input.level) return { incident, added: 0, cancelled: 0 }
    const playbook = await deps.playbooks.pinned(trx, incident.playbook_hash)
    if (!playbook.levels.includes(input.level as 1))
      throw validationFailed([
        { path: 'body.level', message: `playbook allows ${playbook.levels.map(levelName).join('/')} only` },
      ])
    const { added, dropped } = levelDelta(playbook, incident.level, input.level)
    const occurrences = await nextOccurrences(
      trx,
      incidentId,
      added.map((s) => s.key),
    )
    const newTasks = await insertTasks(
      trx,
      incidentId,
      planTasks(added, incident.districts, now, config.TZ),
      now,
      occurrences,
    )
    const cancelled = await cancelTasks(
      trx,
      { incidentId, stepKeys: dropped.map((s) => s.key) },
      `level lowered: ${input.reason}`,
      now,
    )
    await trx.updateTable('incidents').set({ level: input.level }).where('id', '=', incidentId).execute()
    const from = levelName(incident.level as 1)
    const to = levelName(input.level as 1)
    await appendEvents(trx, ctx, now, [
      {
        type: input.level < incident.level ? 'incident.level_raised' : 'incident.level_lowered',
        incidentId,
        subject: incident.code,
        payload: { from, to, reason: input.reason, added: newTasks.length, cancelled: cancelled.length },
      },
      ...newTasks.map((t) => taskCreatedEvent(t)),
      ...cancelled.map((t) => taskCancelledEvent(incidentId, t, `level lowered to ${to}`)),
    ])
    return {
      incident: { ...incident, level: input.level },
      added: newTasks.length,
      cancelled: cancelled.length,
    }
  })
}

/** Closes the incident: open tasks are cancelled (kept), and the after-action report becomes final. */
export async function closeIncident(
  deps: Deps,
  ctx: RequestContext,
  incidentId: string,
  input: { summary: string },
) {
  const { db, clock } = deps
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const incident = isUuid(incidentId) ? await lockIncident(trx, incidentId) : undefined
    if (!incident) throw incidentNotFound()
    if (incident.status !== 'active')
      throw invalidState({ zh: '事件已关闭', en: 'The incident is already closed' }, incident.status)
    const cancelled = await cancelTasks(trx, { incidentId }, 'incident closed', now)
    await trx
      .updateTable('incidents')
      .set({ status: 'closed', closed_at: now, closed_by: ctx.actor?.id ?? null, summary: input.summary })
      .where('id', '=', incidentId)
      .execute()
    await appendEvents(trx, ctx, now, [
      {
        type: 'incident.closed',
        incidentId,
        subject: incident.code,
        payload: { summary: input.summary, cancelledTasks: cancelled.length },
      },
      ...cancelled.map((t) => taskCancelledEvent(incidentId, t, 'incident closed')),
    ])
    return { ...incident, status: 'closed' as const, closed_at: now, summary: input.summary }
  })
}
