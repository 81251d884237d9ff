import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { notFound } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { filledRoles } from './contacts.events.js'
import {
  type CityContacts,
  cityContacts,
  type DistrictContacts,
  districtContacts,
  replaceCityContacts,
  upsertDistrictContacts,
} from './contacts.repo.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>

const noDistrict = (code: string) =>
  notFound({ zh: `没有代码为 ${code} 的区县`, en: `No district with code ${code}` })

export async function getDistrictContacts(deps: Deps, code: string): Promise<DistrictContacts> {
  if (!deps.districts.has(code)) throw noDistrict(code)
  return (await districtContacts(deps.db, [code])).get(code) ?? { dutyOfficer: null, head: null }
}

/** Replaces a district's contacts; the change and its event commit together. */
export async function putDistrictContacts(
  deps: Deps,
  ctx: RequestContext,
  code: string,
  input: DistrictContacts,
) {
  if (!deps.districts.has(code)) throw noDistrict(code)
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    await upsertDistrictContacts(trx, code, input, now, actorIdOf(ctx))
    await appendEvent(trx, ctx, now, {
      type: 'contacts.updated',
      districtCode: code,
      payload: { scope: 'district', district: code, filled: filledRoles(input) },
    })
  })
  return input
}

export function getCityContacts(deps: Deps): Promise<CityContacts> {
  return cityContacts(deps.db)
}

export async function putCityContacts(deps: Deps, ctx: RequestContext, input: CityContacts) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    await replaceCityContacts(trx, input, now, actorIdOf(ctx))
    await appendEvent(trx, ctx, now, {
      type: 'contacts.updated',
      payload: { scope: 'city', filled: filledRoles(input) },
    })
  })
  return input
}
