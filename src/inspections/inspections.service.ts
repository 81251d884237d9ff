import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { reclassify } from '../credit/credit.service.js'
import { timeOrderedId } from '../db/ids.js'
import { lockRoot } from '../db/lock.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, districtScopeOf, type RequestContext } from '../domain/context.js'
import { forbidden, invalidState, issue, notFound, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { openIncident } from '../incidents/incidents.service.js'
import { openInspectionRectification } from '../rectifications/rectification-open.js'
import { type Candidate, CLASSES, type Class, draw } from './inspection-draw.js'
import { completeInspectionTask } from './inspection-task.js'
import type { ConflictInput, InspectionPlanInput, InspectionResultInput } from './inspections.schema.js'

export const INSPECTION_PLAYBOOK = 'random-inspection'
const LEVEL = 4

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts' | 'config' | 'playbooks'>

const missing = (id: string) =>
  notFound({ zh: `没有编号为 ${id} 的抽查计划`, en: `No inspection plan ${id}` })

/** Makes a plan (command centre). Shares that draw nothing, unknown districts: every problem at once. */
export async function createInspectionPlan(deps: Deps, ctx: RequestContext, input: InspectionPlanInput) {
  const problems = input.population.districts
    .map((d, i) =>
      deps.districts.has(d)
        ? null
        : issue(`body.population.districts.${i}`, { zh: `未知的区县 ${d}`, en: `unknown district ${d}` }),
    )
    .filter((p) => p !== null)
  if (CLASSES.every((c) => input.shares[c] === 0))
    problems.push(
      issue('body.shares', {
        zh: '各类抽取比例均为 0，计划抽不到任何经营主体',
        en: 'every share is 0: the plan would draw nobody',
      }),
    )
  if (problems.length > 0) throw validationFailed(problems)
  const id = timeOrderedId()
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('inspection_plans')
      .values({
        id,
        title: input.title,
        period: input.period,
        population: JSON.stringify(input.population),
        shares: JSON.stringify(input.shares),
        seed: input.seed,
        checklist: JSON.stringify(input.checklist),
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'inspection.planned',
      subject: id,
      payload: { planId: id, title: input.title, seed: input.seed, shares: input.shares },
    })
  })
  return id
}

/**
 * Draws a plan (once): the businesses and two officers each, from the published seed (inspection-draw.ts
 * says how), then opens the level-IV `random-inspection` incident whose district tasks carry the
 * inspections. A class with a share but no business in the population, or a drawn business whose district
 * has fewer than two eligible officers, refuses the draw naming each.
 */
export async function drawInspectionPlan(deps: Deps, ctx: RequestContext, id: string) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const plan = await lockRoot(trx, 'inspection_plans', id)
    if (!plan) throw missing(id)
    if (plan.status !== 'planned')
      throw invalidState({ zh: '该计划已抽取', en: 'The plan has been drawn already' }, plan.status)
    const population = await sql<Candidate>`
      select b.id::text as id, b.district_code as district, coalesce(c.class, 'A') as class
      from businesses b left join business_credit c on c.business_id = b.id
      where b.merged_into is null and b.district_code is not null
        and (cardinality(${plan.population.districts}::text[]) = 0 or b.district_code = any(${plan.population.districts}::text[]))
        and (cardinality(${plan.population.kinds}::text[]) = 0 or b.kinds && ${plan.population.kinds}::text[])`.execute(
      trx,
    )
    const problems = CLASSES.filter(
      (c) => plan.shares[c] > 0 && !population.rows.some((b) => b.class === c),
    ).map((c) =>
      issue(`shares.${c}`, {
        zh: `${c} 类在抽查范围内没有经营主体，无法按比例抽取`,
        en: `class ${c} has no business in the population to draw from`,
      }),
    )
    if (problems.length > 0) throw validationFailed(problems)
    const officers = await trx
      .selectFrom('users')
      .select(['id', 'district_code'])
      .where('role', '=', 'district')
      .where('disabled_at', 'is', null)
      .execute()
    const conflicts = await trx.selectFrom('officer_conflicts').select(['user_id', 'business_id']).execute()
    const conflicted = new Set(conflicts.map((c) => `${c.user_id}:${c.business_id}`))
    const list = draw(plan.seed, plan.shares as Record<Class, number>, population.rows, (b) =>
      officers
        .filter((o) => o.district_code === b.district && !conflicted.has(`${o.id}:${b.id}`))
        .map((o) => o.id),
    )
    const short = list.filter((d) => d.inspectors.length < 2)
    if (short.length > 0)
      throw validationFailed(
        short.map((d) =>
          issue('draw', {
            zh: `区县 ${d.business.district} 可选派的执法人员不足两名（经营主体 ${d.business.id}）`,
            en: `district ${d.business.district} has fewer than two eligible officers (business ${d.business.id})`,
          }),
        ),
      )
    const loaded = deps.playbooks.get(INSPECTION_PLAYBOOK)
    if (!loaded) throw new Error(`the built-in playbook ${INSPECTION_PLAYBOOK} is not loaded`)
    const districts = [...new Set(list.map((d) => d.business.district))].sort()
    const incidentId = randomUUID()
    const { tasks } = await openIncident(trx, deps, ctx, {
      id: incidentId,
      now,
      loaded,
      districts,
      input: {
        playbook: INSPECTION_PLAYBOOK,
        level: LEVEL,
        title: `双随机抽查：${plan.title}`,
        hazard: `${plan.period}，种子 ${plan.seed}，${list.length} 户`,
        districts,
        exercise: false,
        note: `抽查计划 ${plan.id} / inspection plan ${plan.id}`,
      },
    })
    const taskOf = new Map(tasks.map((t) => [t.district_code, t.id]))
    if (list.length > 0)
      await trx
        .insertInto('inspections')
        .values(
          list.map((d, i) => ({
            plan_id: id,
            position: i + 1,
            business_id: d.business.id,
            district_code: d.business.district,
            credit_class: d.business.class,
            inspectors: d.inspectors,
            task_id: taskOf.get(d.business.district) ?? null,
          })),
        )
        .execute()
    await trx
      .updateTable('inspection_plans')
      .set({ status: 'drawn', incident_id: incidentId, drawn_at: now, drawn_by: actorIdOf(ctx) })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'inspection.drawn',
      incidentId,
      subject: id,
      payload: {
        planId: id,
        seed: plan.seed,
        drawn: list.length,
        byClass: Object.fromEntries(
          CLASSES.map((c) => [c, list.filter((d) => d.business.class === c).length]),
        ) as Record<Class, number>,
        population: population.rows.length,
      },
    })
  })
}

/**
 * Records one inspection's result (its district, or the command centre); the business is reclassified. A
 * result of `rectification_opened` opens the business's rectification case, and the last result of a
 * district's draw completes that district's inspection task with its figures, all in one transaction.
 */
export async function recordInspectionResult(
  deps: Deps,
  ctx: RequestContext,
  planId: string,
  position: number,
  input: InspectionResultInput,
) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const plan = await lockRoot(trx, 'inspection_plans', planId)
    if (!plan) throw missing(planId)
    const row = await trx
      .selectFrom('inspections')
      .selectAll()
      .where('plan_id', '=', planId)
      .where('position', '=', position)
      .executeTakeFirst()
    if (!row)
      throw notFound({ zh: `该计划没有第 ${position} 户`, en: `The plan has no inspection ${position}` })
    const scope = districtScopeOf(ctx)
    if (scope !== undefined && row.district_code !== scope)
      throw forbidden({ zh: '该检查不属于本区县', en: 'This inspection belongs to another district' })
    if (row.result !== null)
      throw invalidState({ zh: '该检查结果已录入', en: 'The result is recorded already' }, row.result)
    await trx
      .updateTable('inspections')
      .set({ result: input.result, note: input.note ?? null, recorded_at: now, recorded_by: actorIdOf(ctx) })
      .where('plan_id', '=', planId)
      .where('position', '=', position)
      .execute()
    // 责令整改: the case opens with the result, so no recorded finding is ever without its case.
    const rectificationId =
      input.result === 'rectification_opened'
        ? await openInspectionRectification(
            trx,
            deps,
            ctx,
            {
              planId,
              position,
              businessId: row.business_id,
              district: row.district_code,
              note: input.note ?? null,
            },
            now,
          )
        : null
    await appendEvent(trx, ctx, now, {
      type: 'inspection.recorded',
      districtCode: row.district_code,
      subject: planId,
      payload: { planId, position, businessId: row.business_id, result: input.result, rectificationId },
    })
    await reclassify(trx, [row.business_id], now, `inspection ${planId}#${position} ${input.result}`)
    if (row.task_id !== null) await completeInspectionTask(trx, deps, ctx, planId, row.task_id)
  })
}

/** Flags an officer as conflicted with a business (command centre): never drawn to inspect it. */
export async function flagConflict(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  ctx: RequestContext,
  input: ConflictInput,
) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const [user, business] = await Promise.all([
      trx.selectFrom('users').select(['id', 'role']).where('id', '=', input.userId).executeTakeFirst(),
      trx.selectFrom('businesses').select('id').where('id', '=', input.businessId).executeTakeFirst(),
    ])
    const problems = [
      ...(user ? [] : [issue('body.userId', { zh: '没有该用户', en: 'no such user' })]),
      ...(business ? [] : [issue('body.businessId', { zh: '没有该经营主体', en: 'no such business' })]),
    ]
    if (problems.length > 0) throw validationFailed(problems)
    await trx
      .insertInto('officer_conflicts')
      .values({
        user_id: input.userId,
        business_id: input.businessId,
        reason: input.reason,
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .onConflict((oc) => oc.columns(['user_id', 'business_id']).doUpdateSet({ reason: input.reason }))
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'inspection.conflict_flagged',
      subject: input.businessId,
      payload: { userId: input.userId, businessId: input.businessId },
    })
  })
}
