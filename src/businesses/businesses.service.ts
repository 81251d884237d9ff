import { sql } from 'kysely'
import { reclassify } from '../credit/credit.service.js'
import { timeOrderedId } from '../db/ids.js'
import { lockRows } from '../db/lock.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { conflict, invalidState, issue, notFound, validationFailed } from '../domain/errors.js'
import { normaliseName } from '../domain/names.js'
import { appendEvent } from '../events/events.repo.js'
import { getBusiness } from './businesses.read.js'
import type { BusinessInput, BusinessMerge } from './businesses.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>

const missing = (id: string) => notFound({ zh: `没有编号为 ${id} 的经营主体`, en: `No business ${id}` })

/**
 * Registers a business (admin). The same normalised name and address, or the same credit code, is the same
 * business: a second registration is a 409 naming the one that exists.
 */
export async function createBusiness(deps: Deps, ctx: RequestContext, input: BusinessInput) {
  if (!deps.districts.has(input.district))
    throw validationFailed([
      issue('body.district', {
        zh: `未知的区县 ${input.district}`,
        en: `unknown district ${input.district}`,
      }),
    ])
  const id = timeOrderedId()
  const nameNorm = normaliseName(input.name)
  const addressNorm = normaliseName(input.address)
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const same = await trx
      .selectFrom('businesses')
      .select(['id', 'credit_code'])
      .where((eb) =>
        eb.or([
          eb.and([eb('name_norm', '=', nameNorm), eb('address_norm', '=', addressNorm)]),
          ...(input.creditCode ? [eb('credit_code', '=', input.creditCode)] : []),
        ]),
      )
      .executeTakeFirst()
    if (same)
      throw conflict({
        zh: `该经营主体已登记（编号 ${same.id}）`,
        en: `This business is already registered (id ${same.id})`,
      })
    await trx
      .insertInto('businesses')
      .values({
        id,
        name: input.name,
        name_norm: nameNorm,
        address: input.address,
        address_norm: addressNorm,
        district_code: input.district,
        credit_code: input.creditCode ?? null,
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'business.registered',
      districtCode: input.district,
      subject: id,
      payload: {
        businessId: id,
        name: input.name,
        district: input.district,
        creditCode: input.creditCode ?? null,
      },
    })
  })
  return getBusiness(deps, id)
}

/**
 * Merges two records of one business (admin): `id` joins `into`. The samples and retailers that pointed at
 * `id` follow, and so do records merged into `id` before (no chains); `id` keeps its name and address keys,
 * so a later sample printed the old way still reaches `into`. Refused: a merge into itself, into a record
 * that was itself merged away, or of a record already merged.
 */
export async function mergeBusiness(deps: Deps, ctx: RequestContext, id: string, input: BusinessMerge) {
  if (id === input.into)
    throw validationFailed([
      issue(
        'body.into',
        { zh: '不能把经营主体合并到它自己', en: 'a business cannot be merged into itself' },
        'self_merge',
      ),
    ])
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const rows = await lockRows(trx, 'businesses', [id, input.into])
    const from = rows.find((r) => r.id === id)
    const into = rows.find((r) => r.id === input.into)
    if (!from) throw missing(id)
    if (!into)
      throw validationFailed([issue('body.into', { zh: '目标经营主体不存在', en: 'no such business' })])
    if (from.merged_into)
      throw invalidState(
        {
          zh: `该记录已合并到 ${from.merged_into}`,
          en: `This record was already merged into ${from.merged_into}`,
        },
        'merged',
      )
    if (into.merged_into)
      throw invalidState(
        {
          zh: `目标记录已合并到 ${into.merged_into}，请合并到该记录`,
          en: `The target was itself merged into ${into.merged_into}; merge into that one`,
        },
        'merged',
      )
    if (from.credit_code && into.credit_code && from.credit_code !== into.credit_code)
      throw conflict({
        zh: '两条记录的统一社会信用代码不同，不是同一经营主体',
        en: 'The two records carry different credit codes: they are not one business',
      })
    // A sample both sold and made by the two records keeps one link per role.
    await sql`delete from business_samples l where l.business_id = ${id}
      and exists (select 1 from business_samples o where o.sample_id = l.sample_id and o.role = l.role
                  and o.business_id = ${input.into})`.execute(trx)
    const moved = await trx
      .updateTable('business_samples')
      .set({ business_id: input.into })
      .where('business_id', '=', id)
      .executeTakeFirst()
    await trx
      .updateTable('retailers')
      .set({ business_id: input.into })
      .where('business_id', '=', id)
      .execute()
    // Rectification cases, inspections and officers' conflicts follow too (a case of the same sample the
    // other record already has stays where it is: it is still in the history of the merged record).
    await sql`update rectifications r set business_id = ${input.into} where r.business_id = ${id}
      and not exists (select 1 from rectifications o where o.business_id = ${input.into} and o.sample_id = r.sample_id)`.execute(
      trx,
    )
    await trx
      .updateTable('inspections')
      .set({ business_id: input.into })
      .where('business_id', '=', id)
      .execute()
    await trx
      .updateTable('complaints')
      .set({ business_id: input.into })
      .where('business_id', '=', id)
      .execute()
    await sql`insert into officer_conflicts (user_id, business_id, reason, created_at, created_by)
      select user_id, ${input.into}, reason, created_at, created_by from officer_conflicts where business_id = ${id}
      on conflict do nothing`.execute(trx)
    await trx
      .updateTable('businesses')
      .set({ merged_into: input.into, updated_at: now, updated_by: actorIdOf(ctx) })
      .where((eb) => eb.or([eb('id', '=', id), eb('merged_into', '=', id)]))
      .execute()
    await sql`update businesses set
        kinds = array(select distinct k from unnest(kinds || ${from.kinds}::text[]) k order by k),
        credit_code = coalesce(credit_code, ${from.credit_code}),
        updated_at = ${now.toISOString()}::timestamptz, updated_by = ${actorIdOf(ctx)}
      where id = ${input.into}`.execute(trx)
    await reclassify(trx, [input.into], now, `merged ${id}`)
    await appendEvent(trx, ctx, now, {
      type: 'business.merged',
      districtCode: into.district_code,
      subject: id,
      payload: {
        businessId: id,
        into: input.into,
        reason: input.reason,
        samplesMoved: Number(moved.numUpdatedRows),
      },
    })
  })
  return getBusiness(deps, input.into)
}
