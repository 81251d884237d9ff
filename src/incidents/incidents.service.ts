import { randomUUID } from 'node:crypto'
import { alertOnActivation, alertOnLevelChange } from '../alerts/incident-alerts.js'
import { lockRoot } from '../db/lock.js'
import { inTransaction, type Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { type Level, levelName } from '../domain/enums.js'
import {
  AppError,
  invalidState,
  issue,
  notFound,
  type ProblemIssue,
  validationFailed,
} from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { textIssues } from '../domain/text.js'
import { appendEvents } from '../events/events.repo.js'
import type { LoadedPlaybook } from '../playbooks/playbook.loader.js'
import { closeLockedIncident } from '../tasks/incident-closing.js'
import { levelDelta, planTasks, stepsAtLevel } from '../tasks/task-plan.js'
import { taskCancelledEvent, taskCreatedEvent } from '../tasks/tasks.events.js'
import { cancelTasks, countTasks, insertTasks, type NewTask, nextOccurrences } from '../tasks/tasks.repo.js'
import { type ActivateInput, activationHash, keyScope } from './activation-key.js'
import {
  claimIdempotencyKey,
  findIdempotencyKey,
  findIncident,
  type IncidentRow,
  incidentColumns,
  nextIncidentNumber,
} from './incidents.repo.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>

export type { ActivateInput }

const incidentNotFound = () => notFound({ zh: '事件不存在', en: 'No such incident' })

class KeyTaken extends Error {}

/** Local calendar year in the configured zone: the incident number restarts each year. */
function localYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at))
}

async function replay(
  deps: Deps,
  scope: string,
  key: string,
  hash: string,
): Promise<{ incident: IncidentRow; created: false; taskCount: number }> {
  const existing = await findIdempotencyKey(deps.db, scope, key)
  if (!existing) throw new AppError('conflict', { zh: '请重试', en: 'Concurrent request; retry' })
  if (existing.request_hash !== hash)
    throw new AppError('idempotency_mismatch', {
      zh: `幂等键「${key}」已用于另一份内容不同的启动请求`,
      en: `Idempotency-Key "${key}" was already used with a different body`,
    })
  const incident = await findIncident(deps.db, existing.resource_id)
  if (!incident) throw incidentNotFound()
  return { incident, created: false as const, taskCount: await countTasks(deps.db, incident.id) }
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
  const hash = activationHash(input)
  const scope = keyScope(ctx)
  if (idempotencyKey && (await findIdempotencyKey(db, scope, idempotencyKey)))
    return replay(deps, scope, idempotencyKey, hash)

  const issues: ProblemIssue[] = textIssues('body', [
    ['title', input.title, { max: 200 }],
    ['hazard', input.hazard, { max: 500 }],
    ['note', input.note, { max: 4000, optional: true }],
    ...(input.products ?? []).map(
      (p, i) => [`products[${i}].name`, p.name, { max: 200, name: true }] as const,
    ),
  ])
  const loaded = deps.playbooks.get(input.playbook)
  if (!loaded)
    issues.push(
      issue(
        'body.playbook',
        { zh: `预案「${input.playbook}」不存在`, en: `unknown playbook "${input.playbook}"` },
        'unknown_playbook',
      ),
    )
  else if (!loaded.playbook.levels.includes(input.level))
    issues.push(
      issue(
        'body.level',
        {
          zh: `预案 ${input.playbook} 只能以 ${loaded.playbook.levels.map(levelName).join('/')} 级启动`,
          en: `playbook ${input.playbook} is activated at ${loaded.playbook.levels.map(levelName).join('/')} only`,
        },
        'level_not_in_playbook',
      ),
    )
  let districts: string[] = []
  if (input.districts === 'all') districts = deps.districts.codes()
  else {
    input.districts.forEach((code, i) => {
      if (!deps.districts.has(code))
        issues.push(
          issue(
            `body.districts[${i}]`,
            { zh: `未知的区县代码 ${code}`, en: `unknown district code ${code}` },
            'unknown_district',
          ),
        )
    })
    districts = [...new Set(input.districts)].sort()
  }
  if (issues.length > 0 || !loaded) throw validationFailed(issues)

  const now = clock.now()
  const id = randomUUID()
  try {
    const { incident, taskCount } = await inTransaction(db, async (trx) => {
      if (
        idempotencyKey &&
        !(await claimIdempotencyKey(trx, {
          scope,
          key: idempotencyKey,
          request_hash: hash,
          resource_id: id,
          created_at: now,
        }))
      )
        throw new KeyTaken()
      const opened = await openIncident(trx, deps, ctx, { id, now, loaded, input, districts })
      // The public alert of an activation. Not in openIncident: a publication's disposal
      // incident is announced by the announcement's own product alerts (src/alerts/announcement-alerts.ts).
      await alertOnActivation(trx, ctx, now, opened.incident, loaded.playbook, deps.districts)
      return { incident: opened.incident, taskCount: opened.tasks.length }
    })
    return { incident, created: true, taskCount }
  } catch (err) {
    // Another request with the same key committed first: answer as a replay of it.
    if (err instanceof KeyTaken && idempotencyKey) return replay(deps, scope, idempotencyKey, hash)
    throw err
  }
}

/**
 * The insert part of an activation, inside the caller's transaction: the incident with its number, its
 * tasks and their events. The caller has checked the input. An announcement's publication uses it to open
 * its disposal incident in the publishing transaction.
 */
export async function openIncident(
  trx: Transaction<DB>,
  deps: Pick<Deps, 'config'>,
  ctx: RequestContext,
  spec: {
    id: string
    now: Date
    loaded: LoadedPlaybook
    input: ActivateInput
    districts: string[]
    /** The announcement behind the incident, named in its `incident.activated` event. */
    announcement?: { id: string; number: string }
    /**
     * One due time for every task instead of the step's duration: a deadline the working calendar sets (the
     * monthly self-check's), which no ISO-8601 duration can say.
     */
    dueAt?: Date
  },
): Promise<{ incident: IncidentRow; tasks: NewTask[] }> {
  const { id, now, loaded, input, districts } = spec
  const { config } = deps
  const planned = planTasks(stepsAtLevel(loaded.playbook, input.level), districts, now, config.TZ)
  const due = spec.dueAt
  const tasks = due ? planned.map((t) => ({ ...t, dueAt: due })) : planned
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
      created_by: actorIdOf(ctx),
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
        level: levelName(input.level),
        districts,
        exercise: input.exercise ?? false,
        taskCount: rows.length,
        ...(spec.announcement && {
          announcementId: spec.announcement.id,
          announcementNumber: spec.announcement.number,
        }),
      },
    },
    ...rows.map((t) => taskCreatedEvent(t, row.exercise)),
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
  input: { level: Level; reason: string },
) {
  const { db, clock, config } = deps
  const textual = textIssues('body', [['reason', input.reason, { max: 2000 }]])
  if (textual.length > 0) throw validationFailed(textual)
  const now = clock.now()
  return inTransaction(db, async (trx) => {
    const incident = isUuid(incidentId) ? await lockRoot(trx, 'incidents', incidentId) : undefined
    if (!incident) throw incidentNotFound()
    if (incident.status !== 'active')
      throw invalidState({ zh: '事件已关闭，不能调整级别', en: 'The incident is closed' }, incident.status)
    if (incident.level === input.level) return { incident, added: 0, cancelled: 0 }
    const playbook = await deps.playbooks.pinned(trx, incident.playbook_hash)
    if (!playbook.levels.includes(input.level))
      throw validationFailed([
        issue(
          'body.level',
          {
            zh: `预案只有 ${playbook.levels.map(levelName).join('/')} 级`,
            en: `playbook allows ${playbook.levels.map(levelName).join('/')} only`,
          },
          'level_not_in_playbook',
        ),
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
    const from = levelName(incident.level)
    const to = levelName(input.level)
    await appendEvents(trx, ctx, now, [
      {
        // I is the most severe: a smaller number is a higher level.
        type: input.level < incident.level ? 'incident.level_raised' : 'incident.level_lowered',
        incidentId,
        subject: incident.code,
        payload: {
          from,
          to,
          reason: input.reason,
          added: newTasks.length,
          cancelled: cancelled.length,
          exercise: incident.exercise,
        },
      },
      ...newTasks.map((t) => taskCreatedEvent(t, incident.exercise)),
      ...cancelled.map((t) => taskCancelledEvent(incidentId, t, `level lowered to ${to}`, incident.exercise)),
    ])
    await alertOnLevelChange(trx, ctx, now, { ...incident, level: input.level }, playbook, deps.districts)
    return {
      incident: { ...incident, level: input.level },
      added: newTasks.length,
      cancelled: cancelled.length,
    }
  })
}

/**
 * Closes the incident (the command centre): open tasks are cancelled (kept), and the after-action report
 * becomes final. An incident of a `closes_when_done` playbook also closes itself when its last task ends
 * (tasks/incident-closing.ts, which holds the write both share).
 */
export async function closeIncident(
  deps: Deps,
  ctx: RequestContext,
  incidentId: string,
  input: { summary: string },
) {
  const { db, clock } = deps
  const textual = textIssues('body', [['summary', input.summary, { max: 20000 }]])
  if (textual.length > 0) throw validationFailed(textual)
  const now = clock.now()
  return inTransaction(db, async (trx) => {
    const incident = isUuid(incidentId) ? await lockRoot(trx, 'incidents', incidentId) : undefined
    if (!incident) throw incidentNotFound()
    if (incident.status !== 'active')
      throw invalidState({ zh: '事件已关闭', en: 'The incident is already closed' }, incident.status)
    await closeLockedIncident(trx, ctx, now, incident, input)
    return { ...incident, status: 'closed' as const, closed_at: now, summary: input.summary }
  })
}
