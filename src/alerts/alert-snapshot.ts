import type { Kysely } from 'kysely'
import { decodeCursor, encodeCursor } from '../db/pagination.js'
import type { DB } from '../db/types.js'
import { matchesAlert } from './alert-filter.js'
import { alertDto } from './alert-view.js'
import { type AlertRow, type AlertVersionRow, loadAllAlerts } from './alerts.repo.js'
import type { AlertDto, AlertListQuery } from './alerts.schema.js'

/** Every alert, ready to serve: built once per change, then lists and lookups cost no query. */
export interface AlertSnapshot {
  /** Active first, then by severity (I first), then newest; the id breaks ties. */
  sorted: AlertEntry[]
  byId: Map<string, AlertEntry>
  versions: Map<string, { version: AlertVersionRow; alert: AlertRow }>
}

export interface AlertEntry {
  row: AlertRow
  dto: AlertDto
  versions: AlertVersionRow[]
  /** Sort key: status rank, level, minus update time, id. */
  key: [number, number, number, string]
}

const compareKeys = (a: AlertEntry['key'], b: AlertEntry['key']) =>
  a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0)

export async function loadAlertSnapshot(db: Kysely<DB>): Promise<AlertSnapshot> {
  const { alerts, versions } = await loadAllAlerts(db)
  const versionsOf = new Map<string, AlertVersionRow[]>()
  for (const v of versions) versionsOf.set(v.alert_id, [...(versionsOf.get(v.alert_id) ?? []), v])
  const entries = alerts.map((row): AlertEntry => {
    const own = versionsOf.get(row.id) ?? []
    return {
      row,
      dto: alertDto(row, own),
      versions: own,
      key: [row.status === 'active' ? 0 : 1, row.level, -row.updated_at.getTime(), row.id],
    }
  })
  entries.sort((a, b) => compareKeys(a.key, b.key))
  const byAlert = new Map(alerts.map((a) => [a.id, a]))
  return {
    sorted: entries,
    byId: new Map(entries.map((e) => [e.row.id, e])),
    versions: new Map(
      versions.flatMap((v) => {
        const alert = byAlert.get(v.alert_id)
        return alert ? [[v.id, { version: v, alert }] as const] : []
      }),
    ),
  }
}

export function matchesQuery(e: AlertEntry, q: Omit<AlertListQuery, 'limit' | 'cursor'>): boolean {
  return matchesAlert(e, { ...q, exercise: q.exercise === 'true' })
}

/** One page of the list, keyset-paged over the in-memory order. */
export function listAlerts(
  snapshot: AlertSnapshot,
  q: AlertListQuery,
): { items: AlertDto[]; next: string | null } {
  const after = q.cursor ? (decodeCursor(q.cursor, 4) as AlertEntry['key']) : null
  const items: AlertEntry[] = []
  let more = false
  for (const e of snapshot.sorted) {
    if (after && compareKeys(e.key, after) <= 0) continue
    if (!matchesQuery(e, q)) continue
    if (items.length === q.limit) {
      more = true
      break
    }
    items.push(e)
  }
  const last = items.at(-1)
  return { items: items.map((e) => e.dto), next: more && last ? encodeCursor(last.key) : null }
}
