import type { Insertable, Kysely, Selectable } from 'kysely'
import { afterCursor, type KeyValue } from '../db/pagination.js'
import type { DB, DeliveryStatus, WebhookDeliveriesTable, WebhooksTable } from '../db/types.js'

export type WebhookRow = Selectable<WebhooksTable>
export type DeliveryRow = Selectable<WebhookDeliveriesTable>

export function insertWebhook(db: Kysely<DB>, row: Insertable<WebhooksTable>) {
  return db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow()
}

export function findWebhook(db: Kysely<DB>, id: string) {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listWebhooks(
  db: Kysely<DB>,
  opts: { includeDeleted: boolean; limit: number; after?: KeyValue[] | undefined },
) {
  let q = db
    .selectFrom('webhooks')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(opts.limit + 1)
  if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null)
  if (opts.after) q = q.where(afterCursor(['created_at', 'id'], opts.after))
  return q.execute()
}

/** Soft delete: its deliveries stay listable; pending ones are no longer attempted. */
export function markWebhookDeleted(db: Kysely<DB>, id: string, at: Date) {
  return db
    .updateTable('webhooks')
    .set({ deleted_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

export function listDeliveries(
  db: Kysely<DB>,
  webhookId: string,
  opts: { status?: DeliveryStatus | undefined; limit: number; after?: KeyValue[] | undefined },
) {
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('id')
    .limit(opts.limit + 1)
  if (opts.status) q = q.where('status', '=', opts.status)
  if (opts.after) q = q.where(afterCursor(['id'], opts.after))
  return q.execute()
}

/** A dead delivery back in the queue with a fresh retry window, as the head-of-line rule allows. */
export function requeueDead(db: Kysely<DB>, webhookId: string, deliveryId: number, at: Date) {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, window_start: at, next_attempt_at: at, lease_until: null })
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'dead')
    .returningAll()
    .executeTakeFirst()
}

export function findDelivery(db: Kysely<DB>, webhookId: string, deliveryId: number) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst()
}
