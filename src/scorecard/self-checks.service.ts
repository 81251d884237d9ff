import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { chinaIso, workingCalendar } from '../calendar/working-days.js'
import { timeOrderedId } from '../db/ids.js'
import { lockRoot } from '../db/lock.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, districtScopeOf, type RequestContext, systemContext } from '../domain/context.js'
import { forbidden, invalidState, notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { appendEvent, appendEvents } from '../events/events.repo.js'
import { openIncident } from '../incidents/incidents.service.js'
import { districtCard, monthBounds } from './scorecard.read.js'
import { completeSelfCheckTask } from './self-check-task.js'
import type { SelfCheckReport } from './self-checks.schema.js'

/** Working days after its month ends that a district has to file the month's self-check. */
export const SELF_CHECK_WORKING_DAYS = 5
/** After downtime, months made up at most (one a month is the rhythm; a year of gap is not made up). */
const MAX_CATCH_UP = 12
const LOCK_ID = 0x52530012 // "RS" + self-checks

/** The month (YYYY-MM, China time) an instant falls in, and the month before a month. */
export const monthOf = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7)
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** When the self-check of a month is due: the end of the 5th working day after the month ends. */
export const selfCheckDue = (month: string) =>
  workingCalendar().deadline(new Date(monthBounds(month).to.getTime() - 1), SELF_CHECK_WORKING_DAYS)

/** The month's self-check incident: one for the city, opened with a task for every district. */
export const SELF_CHECK_PLAYBOOK = 'monthly-self-check'
const LEVEL = 4

/** 「2026年11月 每月自查」 */
export function selfCheckTitle(month: string) {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return `${y}年${m}月 每月自查`
}

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts' | 'config' | 'playbooks'>

/**
 * 每月自查: once a month has ended (China time), every district gets that month's self-check, due
 * SELF_CHECK_WORKING_DAYS working days later. Each month opens one incident of the built-in
 * `monthly-self-check` playbook (not an exercise, no public alert) with a task per district whose due time
 * is the self-check's, so the check is on the officer's task list and climbs the playbook's ladder like any
 * task; each self-check row links to its task. Runs with the recurring tasks each minute and does nothing
 * until a month ends; after downtime it makes up each missed month since the latest it opened (at most 12;
 * on the very first run, only the month just ended). The advisory lock and the (district, month) key make a
 * second instance, or a second run, open nothing twice. Without the playbook loaded it opens nothing.
 * Returns how many self-checks it opened.
 */
export async function openMonthlySelfChecks(deps: Deps) {
  // A deployment whose PLAYBOOKS_DIR leaves the playbook out has chosen no monthly self-checks.
  if (!deps.playbooks.get(SELF_CHECK_PLAYBOOK)) return 0
  const now = deps.clock.now()
  const last = previousMonth(monthOf(now))
  return inTransaction(deps.db, async (trx) => {
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${LOCK_ID}) as ok`.execute(trx)
    if (!lock.rows[0]?.ok) return 0
    const latest = await trx
      .selectFrom('self_checks')
      .select((eb) => eb.fn.max('month').as('month'))
      .executeTakeFirst()
    const since = latest?.month ?? null
    const months: string[] = []
    let m = last
    while (months.length < MAX_CATCH_UP && (since === null ? months.length === 0 : m > since)) {
      months.unshift(m)
      m = previousMonth(m)
    }
    if (months.length === 0) return 0
    const loaded = deps.playbooks.get(SELF_CHECK_PLAYBOOK)
    if (!loaded) throw new Error(`the built-in playbook ${SELF_CHECK_PLAYBOOK} is not loaded`)
    const ctx = systemContext('self-checks')
    const codes = deps.districts.codes()
    let opened = 0
    for (const month of months) {
      const dueAt = selfCheckDue(month)
      const { tasks } = await openIncident(trx, deps, ctx, {
        id: randomUUID(),
        now,
        loaded,
        districts: codes,
        dueAt,
        input: {
          playbook: SELF_CHECK_PLAYBOOK,
          level: LEVEL,
          title: selfCheckTitle(month),
          hazard: `${month} 各区县按时办结情况 / each district's deadlines kept in ${month}`,
          districts: 'all',
          exercise: false,
          note: `每月自查 ${month}，${chinaIso(dueAt)} 前报送 / monthly self-check of ${month}`,
        },
      })
      const made = await trx
        .insertInto('self_checks')
        .values(
          tasks.map((t) => ({
            id: timeOrderedId(),
            district_code: t.district_code,
            month,
            opened_at: now,
            due_at: dueAt,
            task_id: t.id,
          })),
        )
        .onConflict((oc) => oc.columns(['district_code', 'month']).doNothing())
        .returning(['id', 'district_code', 'month', 'due_at', 'task_id'])
        .execute()
      await appendEvents(
        trx,
        ctx,
        now,
        made.map((r) => ({
          type: 'self_check.opened' as const,
          districtCode: r.district_code,
          subject: r.id,
          payload: {
            selfCheckId: r.id,
            month: r.month,
            dueAt: chinaIso(new Date(r.due_at)),
            taskId: r.task_id,
          },
        })),
      )
      opened += made.length
    }
    return opened
  })
}

/**
 * The district files its self-check (its own district only, once): the summary and measures, and the month's
 * scorecard figures as they stand now, kept with it. Late is allowed and counted as late. In the same
 * transaction its task is done through the task verbs (self-check-task.ts): acknowledged if it was not, a
 * report with the figures, completed; and the month's incident closes itself after the last district.
 */
export async function fileSelfCheck(deps: Deps, ctx: RequestContext, id: string, input: SelfCheckReport) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const row = isUuid(id) ? await lockRoot(trx, 'self_checks', id) : undefined
    if (!row) throw notFound({ zh: `没有编号为 ${id} 的自查`, en: `No self-check ${id}` })
    const scope = districtScopeOf(ctx)
    if (scope !== undefined && row.district_code !== scope)
      throw forbidden({ zh: '该自查不属于本区县', en: 'This self-check belongs to another district' })
    if (row.status !== 'due')
      throw invalidState({ zh: '该月自查已报送', en: 'This self-check has been filed already' }, row.status)
    const { selfChecks: _own, ...figures } = await districtCard(
      { db: trx, districts: deps.districts },
      row.district_code,
      row.month,
    )
    const onTime = now <= new Date(row.due_at)
    await trx
      .updateTable('self_checks')
      .set({
        status: 'filed',
        summary: input.summary,
        measures: input.measures ? input.measures : null,
        figures: JSON.stringify(figures),
        filed_at: now,
        filed_by: actorIdOf(ctx),
      })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'self_check.filed',
      districtCode: row.district_code,
      subject: id,
      payload: { selfCheckId: id, month: row.month, onTime, taskId: row.task_id },
    })
    if (row.task_id !== null) await completeSelfCheckTask(trx, deps, ctx, row.task_id, figures, input)
  })
}
