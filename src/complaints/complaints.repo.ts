import { type Kysely, sql } from 'kysely'
import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'

/** Every column of a complaint, numerics and dates as text (exact yuan, calendar dates). */
export const complaintColumns = [
  'id',
  'tracking',
  'code_hashes',
  'kind',
  'channel',
  'status',
  'received_at',
  'district_code',
  'owner_id',
  'owner_name',
  'taken_at',
  'product_name',
  'product_brand',
  'product_batch',
  'product_spec',
  'business_name',
  'business_address',
  'business_id',
  sql<string | null>`purchased_on::text`.as('purchased_on'),
  sql<string | null>`amount::text`.as('amount'),
  'description',
  'contact_name',
  'contact_phone',
  'anonymous',
  'decide_due_at',
  'decided_at',
  'decision',
  'decline_reasons',
  'close_due_at',
  'closed_at',
  'outcome',
  sql<string | null>`recovered::text`.as('recovered'),
  'close_note',
  'rules_hash',
  'exercise',
  'incident_id',
  'alarm_clock',
  'alarm_rung',
  'next_alarm_at',
  'personal_cleared_at',
] as const

export async function findComplaint(db: Kysely<DB>, id: string) {
  return db.selectFrom('complaints').select(complaintColumns).where('id', '=', id).executeTakeFirst()
}
export type ComplaintRow = NonNullable<Awaited<ReturnType<typeof findComplaint>>>

export async function findByTracking(db: Kysely<DB>, tracking: string) {
  return db
    .selectFrom('complaints')
    .select(complaintColumns)
    .where('tracking', '=', tracking)
    .executeTakeFirst()
}

/** The row locked (the caller has locked the root with lockRoot) re-read with exact numerics. */
export const reread = (trx: Transaction<DB>, id: string) => findComplaint(trx, id) as Promise<ComplaintRow>

export async function listComplaints(
  db: Kysely<DB>,
  q: {
    limit: number
    cursor?: string | undefined
    status?: string | undefined
    kind?: string | undefined
    district?: string | undefined
    cityQueue?: boolean
    owner?: string | undefined
  },
) {
  let query = db.selectFrom('complaints').select(complaintColumns)
  if (q.status) query = query.where('status', '=', q.status as never)
  if (q.kind) query = query.where('kind', '=', q.kind as never)
  if (q.district !== undefined) query = query.where('district_code', '=', q.district)
  if (q.cityQueue) query = query.where('district_code', 'is', null)
  if (q.owner !== undefined) query = query.where('owner_id', '=', q.owner)
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, 2)
    query = query.where(afterCursor(['received_at', 'id'], [String(at), String(id)], 'desc'))
  }
  const rows = await query
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute()
  return pageOf(rows, q.limit, (r) => [new Date(r.received_at).toISOString(), r.id])
}

/** The complaint's own events (its public timeline), oldest first. */
export function complaintEvents(db: Kysely<DB>, tracking: string) {
  return db
    .selectFrom('events')
    .select(['type', 'created_at', 'payload'])
    .where('subject', '=', tracking)
    .where('type', 'like', 'complaint.%')
    .orderBy('id')
    .execute()
}
