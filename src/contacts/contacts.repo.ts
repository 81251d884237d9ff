import type { Kysely } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { Contact } from '../escalation/escalation.events.js'
import type { EscalationTarget } from '../playbooks/playbook.schema.js'

export interface DistrictContacts {
  dutyOfficer: Contact | null
  head: Contact | null
}
export interface CityContacts {
  commandCentre: Contact | null
  cityLeadership: Contact | null
}

const pair = (name: string | null, phone: string | null): Contact | null =>
  name !== null && phone !== null ? { name, phone } : null

export async function districtContacts(
  db: Kysely<DB>,
  codes: string[],
): Promise<Map<string, DistrictContacts>> {
  const out = new Map<string, DistrictContacts>()
  if (codes.length === 0) return out
  const rows = await db
    .selectFrom('district_contacts')
    .selectAll()
    .where('district_code', 'in', codes)
    .execute()
  for (const r of rows)
    out.set(r.district_code, {
      dutyOfficer: pair(r.duty_officer_name, r.duty_officer_phone),
      head: pair(r.head_name, r.head_phone),
    })
  return out
}

/**
 * The contact on file now for each (target, district) asked: a district's duty officer or head, or the
 * city's command centre or leadership. Null where none is on file.
 */
export async function contactsOfTargets(
  db: Kysely<DB>,
  wants: readonly { notify: EscalationTarget; district: string | null }[],
): Promise<(Contact | null)[]> {
  if (wants.length === 0) return []
  const codes = [...new Set(wants.flatMap((w) => (w.district ? [w.district] : [])))]
  const districts = await districtContacts(db, codes)
  const city = wants.some((w) => w.notify === 'command_centre' || w.notify === 'city_leadership')
    ? await cityContacts(db)
    : undefined
  return wants.map(({ notify, district }) => {
    if (notify === 'command_centre') return city?.commandCentre ?? null
    if (notify === 'city_leadership') return city?.cityLeadership ?? null
    const d = district ? districts.get(district) : undefined
    return (notify === 'district_head' ? d?.head : d?.dutyOfficer) ?? null
  })
}

export async function cityContacts(db: Kysely<DB>): Promise<CityContacts> {
  const rows = await db.selectFrom('city_contacts').selectAll().execute()
  const get = (t: string) => {
    const r = rows.find((x) => x.target === t)
    return r ? { name: r.name, phone: r.phone } : null
  }
  return { commandCentre: get('command_centre'), cityLeadership: get('city_leadership') }
}

export function upsertDistrictContacts(
  db: Transaction<DB>,
  code: string,
  c: DistrictContacts,
  at: Date,
  by: string | null,
) {
  const values = {
    duty_officer_name: c.dutyOfficer?.name ?? null,
    duty_officer_phone: c.dutyOfficer?.phone ?? null,
    head_name: c.head?.name ?? null,
    head_phone: c.head?.phone ?? null,
    updated_at: at,
    updated_by: by,
  }
  return db
    .insertInto('district_contacts')
    .values({ district_code: code, ...values })
    .onConflict((oc) => oc.column('district_code').doUpdateSet(values))
    .execute()
}

export async function replaceCityContacts(db: Transaction<DB>, c: CityContacts, at: Date, by: string | null) {
  await db.deleteFrom('city_contacts').execute()
  const rows = (
    [
      ['command_centre', c.commandCentre],
      ['city_leadership', c.cityLeadership],
    ] as const
  ).flatMap(([target, v]) =>
    v ? [{ target, name: v.name, phone: v.phone, updated_at: at, updated_by: by }] : [],
  )
  if (rows.length > 0) await db.insertInto('city_contacts').values(rows).execute()
}

/** Who a rung's target is for a task in `district`; null when nobody is on file. */
export function resolveContact(
  target: EscalationTarget,
  district: DistrictContacts | undefined,
  city: CityContacts,
): Contact | null {
  switch (target) {
    case 'district_duty_officer':
      return district?.dutyOfficer ?? null
    case 'district_head':
      return district?.head ?? null
    case 'command_centre':
      return city.commandCentre
    case 'city_leadership':
      return city.cityLeadership
  }
}
