import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { Transaction } from '../db/transaction.js'
import type { AlertStatus, AlertsTable, AlertVersionsTable, CapMsgType, DB } from '../db/types.js'
import type { RequestContext } from '../domain/context.js'
import type { Level } from '../domain/enums.js'
import { appendEvent } from '../events/events.repo.js'
import { type AlertContent, capIdentifier, capTime } from './alert-content.js'

export type AlertRow = Selectable<AlertsTable>
export type AlertVersionRow = Selectable<AlertVersionsTable>

export interface AlertKey {
  source: 'incident' | 'announcement'
  incidentId?: string | null
  announcementId?: string | null
  sampleId?: string | null
}

export interface AlertState {
  status: AlertStatus
  exercise: boolean
  level: Level
  productCategory: string | null
  districts: string[]
  content: AlertContent
}

const eventType = { Alert: 'alert.issued', Update: 'alert.updated', Cancel: 'alert.cancelled' } as const

/**
 * Issues one CAP message: a new alert (`Alert`) when `existing` is absent, otherwise the next version of it
 * (`Update`/`Cancel`), referencing every earlier version. Caller's transaction; one event per message.
 */
export async function issueVersion(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  existing: AlertRow | undefined,
  key: AlertKey,
  state: AlertState,
  msgType: CapMsgType,
): Promise<{ alertId: string; versionId: string }> {
  const versionId = randomUUID()
  const alertId = existing?.id ?? randomUUID()
  const version = (existing?.version ?? 0) + 1
  const references = existing
    ? (
        await trx
          .selectFrom('alert_versions')
          .select(['identifier', 'sent'])
          .where('alert_id', '=', alertId)
          .orderBy('version')
          .execute()
      ).map((v) => `${v.identifier},${capTime(v.sent)}`)
    : []
  const values = {
    status: state.status,
    exercise: state.exercise,
    level: state.level,
    product_category: state.productCategory,
    districts: state.districts,
    content: JSON.stringify(state.content),
    version,
    current_version_id: versionId,
    updated_at: now,
    incident_id: key.incidentId ?? null,
    announcement_id: key.announcementId ?? null,
    sample_id: key.sampleId ?? null,
  }
  if (existing) await trx.updateTable('alerts').set(values).where('id', '=', alertId).execute()
  else
    await trx
      .insertInto('alerts')
      .values({ ...values, id: alertId, source: key.source, created_at: now })
      .execute()
  const identifier = capIdentifier(versionId)
  await trx
    .insertInto('alert_versions')
    .values({
      id: versionId,
      alert_id: alertId,
      version,
      identifier,
      msg_type: msgType,
      cap_status: state.exercise ? 'Exercise' : 'Actual',
      references,
      sent: now,
      content: JSON.stringify(state.content),
    })
    .execute()
  await appendEvent(trx, ctx, now, {
    type: eventType[msgType],
    incidentId: key.incidentId ?? null,
    subject: identifier,
    payload: { alertId, versionId, identifier, msgType, status: state.status, exercise: state.exercise },
  })
  return { alertId, versionId }
}

export const alertsOfIncident = (trx: Transaction<DB>, incidentId: string) =>
  trx.selectFrom('alerts').selectAll().where('incident_id', '=', incidentId).forUpdate().execute()

export const alertsOfAnnouncement = (trx: Transaction<DB>, announcementId: string) =>
  trx.selectFrom('alerts').selectAll().where('announcement_id', '=', announcementId).forUpdate().execute()

export const stateOf = (row: AlertRow): AlertState => ({
  status: row.status,
  exercise: row.exercise,
  level: row.level,
  productCategory: row.product_category,
  districts: row.districts,
  content: row.content,
})

/** Everything the public reads: every alert with all its versions, for the in-memory snapshot. */
export async function loadAllAlerts(
  db: Kysely<DB>,
): Promise<{ alerts: AlertRow[]; versions: AlertVersionRow[] }> {
  const alerts = await db.selectFrom('alerts').selectAll().execute()
  const versions = await db.selectFrom('alert_versions').selectAll().orderBy('version').execute()
  return { alerts, versions }
}
