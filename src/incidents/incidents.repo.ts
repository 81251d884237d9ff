import { type Kysely, sql } from 'kysely'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { Transaction } from '../db/transaction.js'
import type { DB, IncidentStatus } from '../db/types.js'

export const incidentColumns = [
  'id',
  'code',
  'playbook_id',
  'playbook_hash',
  'title',
  'hazard',
  'products',
  'level',
  'all_districts',
  'districts',
  'status',
  'exercise',
  'note',
  'summary',
  'created_at',
  'created_by',
  'closed_at',
  'closed_by',
] as const

export type IncidentRow = Awaited<ReturnType<typeof findIncident>> & {}

export function findIncident(db: Kysely<DB>, id: string) {
  return db.selectFrom('incidents').select(incidentColumns).where('id', '=', id).executeTakeFirst()
}

export interface IncidentFilter {
  status?: IncidentStatus | undefined
  playbook?: string | undefined
  exercise?: boolean | undefined
  district?: string | undefined
  limit: number
  /** Sort key of the last incident of the previous page: creation time and code. */
  after?: KeyValue[] | undefined
}

export const incidentListOrder = ['created_at', 'code']

/** Newest first, one more than `limit` (so the caller knows whether another page follows). */
export function listIncidents(db: Kysely<DB>, f: IncidentFilter) {
  let q = db.selectFrom('incidents').select(incidentColumns)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.playbook) q = q.where('playbook_id', '=', f.playbook)
  if (f.exercise !== undefined) q = q.where('exercise', '=', f.exercise)
  if (f.district) q = q.where(sql<boolean>`${f.district} = any(districts)`)
  if (f.after) q = q.where(afterCursor(incidentListOrder, f.after, 'desc'))
  return q
    .orderBy('created_at', 'desc')
    .orderBy('code', 'desc')
    .limit(f.limit + 1)
    .execute()
}

/** FS-2026-0007: numbered per calendar year; the counter row serialises concurrent activations. */
export async function nextIncidentNumber(trx: Transaction<DB>, year: number): Promise<number> {
  const row = await trx
    .insertInto('incident_counters')
    .values({ year, last_number: 1 })
    .onConflict((oc) =>
      oc.column('year').doUpdateSet({ last_number: sql`incident_counters.last_number + 1` }),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow()
  return row.last_number
}

export function findIdempotencyKey(db: Kysely<DB>, scope: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'resource_id'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst()
}

/** Claims the key; returns false when another request holds it (that request committed first). */
export async function claimIdempotencyKey(
  trx: Transaction<DB>,
  row: { scope: string; key: string; request_hash: string; resource_id: string; created_at: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst()
  return inserted !== undefined
}

export function incidentTasks(db: Kysely<DB>, incidentId: string, district?: string) {
  let q = db.selectFrom('tasks').selectAll().where('incident_id', '=', incidentId)
  if (district) q = q.where('district_code', '=', district)
  return q.orderBy('district_code').orderBy('step_key').orderBy('occurrence').execute()
}

export function incidentReports(db: Kysely<DB>, incidentId: string, district?: string) {
  let q = db
    .selectFrom('task_reports')
    .select(['task_id', 'district_code', 'figures', 'created_at'])
    .where('incident_id', '=', incidentId)
  if (district) q = q.where('district_code', '=', district)
  return q.execute()
}

/** The incident's events in order, after the event id `after`; `limit` null for all of them. */
export function incidentEvents(db: Kysely<DB>, incidentId: string, after: number, limit: number | null) {
  const q = db
    .selectFrom('events')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '>', after)
    .orderBy('id')
  return (limit === null ? q : q.limit(limit + 1)).execute()
}

/** Escalation events per district (the escalation job writes `task.escalated…` types). */
export async function escalationCounts(db: Kysely<DB>, incidentId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('events')
    .select(['district_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('incident_id', '=', incidentId)
    .where('type', 'like', 'task.escalated%')
    .groupBy('district_code')
    .execute()
  return new Map(rows.map((e) => [e.district_code ?? '', Number(e.n)]))
}
