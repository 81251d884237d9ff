import type { Updateable } from 'kysely'
import { linkRetailerToBusiness } from '../businesses/business-links.js'
import { lockRoot } from '../db/lock.js'
import { inTransaction } from '../db/transaction.js'
import type { RetailersTable } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, districtScopeOf, type RequestContext } from '../domain/context.js'
import { AppError, duplicateKeyOf, issue, notFound, validationFailed } from '../domain/errors.js'
import { checkIfMatch, versionTag } from '../domain/etag.js'
import { normaliseName } from '../domain/names.js'
import { appendEvent } from '../events/events.repo.js'
import { normaliseAddress, relinkRetailer } from './retailer-links.js'
import { listRetailers, type RetailerRow, retailerRows, retailerSamples } from './retailers.repo.js'
import type { RetailerInput, RetailerPatch } from './retailers.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

export function retailerDto(r: RetailerRow, districtName: (code: string) => string) {
  return {
    id: r.id,
    name: r.name_zh,
    nameEn: r.name_en,
    district: r.district_code,
    districtName: districtName(r.district_code),
    address: r.address,
    categories: r.categories,
    contact: r.contact_name && r.contact_phone ? { name: r.contact_name, phone: r.contact_phone } : null,
    linkedSamples: Number(r.linked),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: iso(r.updated_at),
  }
}

/**
 * The retailer's entity tag (`ETag`): over what an editor sees and changes, not the count of linked samples,
 * so an import that links samples does not make an editor's copy stale.
 */
export function retailerTag(r: ReturnType<typeof retailerDto>): string {
  return versionTag([r.id, r.name, r.nameEn, r.district, r.address, r.categories, r.contact, r.updatedAt])
}

export const nameOf = (deps: Pick<AppDeps, 'districts'>) => {
  const names = new Map(deps.districts.items.map((d) => [d.code, d.nameZh]))
  return (code: string) => names.get(code) ?? code
}

const missing = (id: string) => notFound({ zh: `没有编号为 ${id} 的经营者`, en: `No retailer ${id}` })

/** A district reads its own retailers only; others look missing to it (as the house does for tasks). */
async function visible(deps: Deps, ctx: RequestContext, id: string) {
  const [row] = await retailerRows(deps.db, [id])
  const scope = districtScopeOf(ctx)
  if (!row || (scope !== undefined && row.district_code !== scope)) throw missing(id)
  return row
}

function districtIssue(deps: Deps, code: string | undefined) {
  return code !== undefined && !deps.districts.has(code)
    ? [issue('body.district', { zh: `未知的区县 ${code}`, en: `unknown district ${code}` })]
    : []
}

export async function createRetailer(deps: Deps, ctx: RequestContext, input: RetailerInput) {
  const problems = districtIssue(deps, input.district)
  if (problems.length > 0) throw validationFailed(problems)
  const id = input.id ?? `r-${crypto.randomUUID().slice(0, 13)}`
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const nameNorm = normaliseName(input.name)
    const addressNorm = normaliseAddress(input.address)
    await trx
      .insertInto('retailers')
      .values({
        id,
        name_zh: input.name,
        name_en: input.nameEn ?? null,
        district_code: input.district,
        address: input.address,
        categories: input.categories ?? [],
        contact_name: input.contact?.name ?? null,
        contact_phone: input.contact?.phone ?? null,
        name_norm: nameNorm,
        address_norm: addressNorm,
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .execute()
    const linked = await relinkRetailer(trx, { id, nameNorm, addressNorm }, now)
    await linkRetailerToBusiness(
      trx,
      { id, name: input.name, address: input.address, district: input.district },
      now,
    )
    await appendEvent(trx, ctx, now, {
      type: 'retailer.registered',
      districtCode: input.district,
      subject: id,
      payload: { retailerId: id, name: input.name, district: input.district, linkedSamples: linked },
    })
  }).catch((err: unknown) => {
    // The primary key decides (also between two admins at once); the transaction helper has mapped it to a
    // 409, worded here for the field the caller sent.
    if (duplicateKeyOf(err, 'retailers'))
      throw new AppError(
        'conflict',
        { zh: `经营者编号 ${id} 已存在`, en: `Retailer ${id} already exists` },
        {
          issues: [
            issue('id', { zh: '与已有经营者重复', en: 'duplicates an existing retailer' }, 'duplicate'),
          ],
        },
      )
    throw err
  })
  return getRetailer(deps, ctx, id)
}

/**
 * Applies a patch under the retailer's lock (db/lock.ts), reading the row inside the transaction and
 * writing only the columns the patch names: two admins editing different fields at once both keep their
 * edit. A changed name or address relinks the samples.
 */
/**
 * Changes what the patch names, under the row lock. With `ifMatch` (the `If-Match` header), refused with 412
 * when the retailer changed since the client read the tag.
 */
export async function updateRetailer(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  patch: RetailerPatch,
  ifMatch?: string,
) {
  const problems = districtIssue(deps, patch.district)
  if (problems.length > 0) throw validationFailed(problems)
  const scope = districtScopeOf(ctx)
  const changes = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined)
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const current = await lockRoot(trx, 'retailers', id)
    if (!current || (scope !== undefined && current.district_code !== scope)) throw missing(id)
    checkIfMatch(ifMatch, retailerTag(retailerDto({ ...current, linked: 0 }, nameOf(deps))), {
      zh: `经营者 ${id} `,
      en: `Retailer ${id}`,
    })
    const set: Updateable<RetailersTable> = {}
    if (patch.name !== undefined) {
      set.name_zh = patch.name
      set.name_norm = normaliseName(patch.name)
    }
    if (patch.nameEn !== undefined) set.name_en = patch.nameEn
    if (patch.district !== undefined) set.district_code = patch.district
    if (patch.address !== undefined) {
      set.address = patch.address
      set.address_norm = normaliseAddress(patch.address)
    }
    if (patch.categories !== undefined) set.categories = patch.categories
    if (patch.contact !== undefined) {
      set.contact_name = patch.contact?.name ?? null
      set.contact_phone = patch.contact?.phone ?? null
    }
    await trx
      .updateTable('retailers')
      .set({ ...set, updated_at: now, updated_by: actorIdOf(ctx) })
      .where('id', '=', id)
      .execute()
    const linked = await relinkRetailer(
      trx,
      {
        id,
        nameNorm: set.name_norm ?? current.name_norm,
        addressNorm: set.address_norm ?? current.address_norm,
      },
      now,
    )
    await appendEvent(trx, ctx, now, {
      type: 'retailer.updated',
      districtCode: set.district_code ?? current.district_code,
      subject: id,
      payload: { retailerId: id, changes, linkedSamples: linked },
    })
  })
  return getRetailer(deps, ctx, id)
}

export async function getRetailer(deps: Deps, ctx: RequestContext, id: string) {
  return retailerDto(await visible(deps, ctx, id), nameOf(deps))
}

export async function findRetailers(
  deps: Deps,
  ctx: RequestContext,
  q: { limit: number; cursor?: string | undefined; district?: string | undefined; q?: string | undefined },
) {
  const scope = districtScopeOf(ctx)
  const page = await listRetailers(deps.db, { ...q, district: scope ?? q.district })
  return { items: page.items.map((r) => retailerDto(r, nameOf(deps))), next: page.next }
}

export async function samplesOfRetailer(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: { limit: number; cursor?: string | undefined },
) {
  await visible(deps, ctx, id)
  return retailerSamples(deps.db, id, q)
}
