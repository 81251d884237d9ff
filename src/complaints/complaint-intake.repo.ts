import { type Insertable, type Kysely, sql } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { ComplaintsTable, DB } from '../db/types.js'
import type { RequestContext } from '../domain/context.js'
import { eventsInsert, type NewEvent } from '../events/events.repo.js'

/**
 * The intake's statements. An intake was about 25 round trips and two commits (the year's counter row in a
 * transaction of its own, which every intake queued on); it is now, in one transaction: the locks and the
 * number (one statement), the complaint with everything it writes (one), the signals' read and write (one
 * each, in the signals module).
 */

/** Year → base of its numbers, per database: a year's base never changes once taken. */
const bases = new WeakMap<object, Map<number, Promise<number>>>()

/**
 * The base of a year's tracking numbers (`nextval - base`), taken the first time any instance numbers a
 * complaint of that year: the sequence's next value then (drawn for it), so the year's numbers start at 1 or
 * just after. Outside the intake's transaction (committed at once, so a base is never cached from a
 * transaction that rolls back); two instances racing for a new year agree on the one inserted first, and the
 * intakes of one instance wait for the same look-up.
 */
export function yearBase(db: Kysely<DB>, year: number): Promise<number> {
  const known = bases.get(db) ?? new Map<number, Promise<number>>()
  bases.set(db, known)
  let base = known.get(year)
  if (!base) {
    base = takeYearBase(db, year)
    known.set(year, base)
    base.catch(() => known.delete(year))
  }
  return base
}

async function takeYearBase(db: Kysely<DB>, year: number): Promise<number> {
  await sql`insert into complaint_years (year, base) values (${year}, nextval('complaint_number_seq'))
    on conflict (year) do nothing`.execute(db)
  const row = await db
    .selectFrom('complaint_years')
    .select('base')
    .where('year', '=', year)
    .executeTakeFirstOrThrow()
  return Number(row.base)
}

/**
 * The intake's first statement: takes the advisory locks it holds to its commit, in the order given (the
 * rows of a function scan come in array order, and the aggregate takes each as it comes), and the number.
 * The number is drawn even if the submission turns out to repeat an earlier one: a gap, not a reuse.
 */
export async function lockAndNumber(trx: Transaction<DB>, locks: readonly string[], base: number) {
  const r = await sql<{ n: number }>`
    select nextval('complaint_number_seq') - ${base}::bigint as n,
      (select count(pg_advisory_xact_lock(hashtextextended(l, 17)))
       from unnest(${[...locks]}::text[]) with ordinality as x(l, i)) as locked`.execute(trx)
  return Number(r.rows[0]!.n)
}

export type ComplaintInsert = Omit<Insertable<ComplaintsTable>, 'business_id'>

export interface IntakeWrite {
  /** Without a submission hash (staff intake), nothing is a repeat. */
  submission: { hash: string; since: Date; codeHash: string } | null
  complaint: ComplaintInsert
  /** The business named, to find or add in the register (normalised name and address: its key). */
  business: {
    id: string
    name: string
    name_norm: string
    address: string | null
    address_norm: string
    district_code: string | null
  } | null
  keys: { match: string; key: string }[]
  /** complaint.received, written with the complaint (not for a repeat). */
  received: NewEvent
}

export type IntakeResult =
  | { repeat: true; id: string; tracking: string }
  | { repeat: false; id: string; tracking: string; businessId: string | null }

/**
 * One statement, after the submission's lock is held (so it sees any identical submission committed before):
 * an identical submission since `since` gains the new code and is answered; otherwise the business is found
 * or added, and the complaint, its event and its signal keys are written. Values are read from jsonb with the
 * tables' row types, so each has its column's type without a cast per parameter.
 */
export async function writeIntake(
  trx: Transaction<DB>,
  ctx: RequestContext,
  at: Date,
  w: IntakeWrite,
): Promise<IntakeResult> {
  // Columns not given keep their defaults rather than becoming null.
  const names = sql.raw(
    Object.entries(w.complaint)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k)
      .join(', '),
  )
  const sub = w.submission
  const receivedAt = new Date(w.complaint.received_at).toISOString()
  const r = await sql<{ id: string; tracking: string; repeat: boolean; business_id: string | null }>`
    with dup as (
      select id, tracking from complaints
      where submission_hash = ${sub?.hash ?? null} and received_at >= ${sub?.since ?? null}
      order by received_at limit 1
    ), repeat as (
      update complaints set code_hashes = array_append(code_hashes, ${sub?.codeHash ?? null}::text)
      where id = (select id from dup)
      returning id, tracking
    ), business_new as (
      insert into businesses (id, name, name_norm, address, address_norm, district_code, created_at)
      select b.id, b.name, b.name_norm, b.address, b.address_norm, b.district_code, ${at.toISOString()}::timestamptz
      from jsonb_populate_record(null::businesses, ${JSON.stringify(w.business ?? {})}::jsonb) b
      where b.id is not null and not exists (select from dup)
      on conflict (name_norm, address_norm) do nothing
      returning id
    ), business as (
      select id from business_new
      union all
      select coalesce(merged_into, id) from businesses
      where name_norm = ${w.business?.name_norm ?? null} and address_norm = ${w.business?.address_norm ?? null}
      limit 1
    ), fresh as (
      insert into complaints (${names}, business_id)
      select ${names}, (select id from business)
      from jsonb_populate_record(null::complaints, ${JSON.stringify(w.complaint)}::jsonb)
      where not exists (select from dup)
      returning id, tracking, business_id
    ), keys as (
      insert into complaint_keys (complaint_id, match, key, received_at, exercise)
      select f.id, k.match, k.key, ${receivedAt}::timestamptz, ${w.complaint.exercise ?? false}::boolean
      from fresh f, unnest(${w.keys.map((k) => k.match)}::text[], ${w.keys.map((k) => k.key)}::text[]) as k(match, key)
    ), received as (${eventsInsert(ctx, at, [w.received], sql`not exists (select from dup)`)})
    select id, tracking, true as repeat, null::uuid as business_id from repeat
    union all
    select id, tracking, false, business_id from fresh`.execute(trx)
  const row = r.rows[0]
  if (!row) throw new Error('the intake statement wrote nothing')
  return row.repeat
    ? { repeat: true, id: row.id, tracking: row.tracking }
    : { repeat: false, id: row.id, tracking: row.tracking, businessId: row.business_id }
}
