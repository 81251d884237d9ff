import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { inTransaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { DistrictDirectory } from '../districts/district-directory.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { invalidState, notFound, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { checkTarget, secretLooksRandom } from './webhook-target.js'
import { urlOrigin } from './webhooks.events.js'
import {
  findDelivery,
  findWebhook,
  insertWebhook,
  markWebhookDeleted,
  requeueDead,
  type WebhookRow,
} from './webhooks.repo.js'

export interface NewWebhook {
  url: string
  events: string[]
  districts?: string[] | undefined
  notify?: string[] | undefined
  secret?: string | undefined
}

export const webhookNotFound = () => notFound({ zh: 'Webhook 订阅不存在', en: 'No such webhook' })

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const generateSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export async function createWebhook(
  db: Kysely<DB>,
  clock: Clock,
  districts: DistrictDirectory,
  ctx: RequestContext,
  input: NewWebhook,
  opts: { allowPrivate: boolean },
): Promise<WebhookRow> {
  const issues: ProblemIssue[] = []
  for (const [i, d] of (input.districts ?? []).entries())
    if (!districts.has(d)) issues.push({ path: `body.districts[${i}]`, message: `unknown district ${d}` })
  if (input.secret) {
    const decoded = Buffer.from(input.secret.slice('whsec_'.length), 'base64')
    const bytes = decoded.length
    if (bytes < 24 || bytes > 64)
      issues.push({ path: 'body.secret', message: `decodes to ${bytes} bytes; 24 to 64 are accepted` })
    else if (!secretLooksRandom(decoded))
      issues.push({
        path: 'body.secret',
        message: 'is not random (its bytes repeat, as in an all-zero secret); omit it to have one generated',
        code: 'weak_secret',
        text: {
          zh: '密钥不够随机（字节大量重复，例如全零）；不填则由系统生成',
          en: 'is not random (its bytes repeat, as in an all-zero secret); omit it to have one generated',
        },
      })
  }
  const target = await checkTarget(input.url, opts.allowPrivate)
  if (!target.ok)
    issues.push({ path: 'body.url', message: target.text.en, code: target.reason, text: target.text })
  if (issues.length > 0) throw validationFailed(issues)
  const now = clock.now()
  return inTransaction(db, async (trx) => {
    const row = await insertWebhook(trx, {
      id: randomUUID(),
      url: input.url,
      events: [...new Set(input.events)],
      districts: input.districts ? [...new Set(input.districts)] : null,
      notify: input.notify ? [...new Set(input.notify)] : null,
      secret: input.secret ?? generateSecret(),
      created_at: now,
      created_by: actorIdOf(ctx),
      deleted_at: null,
    })
    await appendEvent(trx, ctx, now, {
      type: 'webhook.created',
      subject: row.id,
      payload: {
        origin: urlOrigin(row.url),
        events: row.events,
        districts: row.districts,
        notify: row.notify,
      },
    })
    return row
  })
}

export async function deleteWebhook(db: Kysely<DB>, clock: Clock, ctx: RequestContext, id: string) {
  const now = clock.now()
  return inTransaction(db, async (trx) => {
    const deleted = await markWebhookDeleted(trx, id, now)
    if (!deleted) {
      const existing = await findWebhook(trx, id)
      if (!existing) throw webhookNotFound()
      return existing // deleting again changes nothing
    }
    await appendEvent(trx, ctx, now, {
      type: 'webhook.deleted',
      subject: id,
      payload: { origin: urlOrigin(deleted.url) },
    })
    return deleted
  })
}

export async function redeliver(
  db: Kysely<DB>,
  clock: Clock,
  ctx: RequestContext,
  webhookId: string,
  deliveryId: number,
) {
  const now = clock.now()
  return inTransaction(db, async (trx) => {
    const hook = await findWebhook(trx, webhookId)
    if (!hook) throw webhookNotFound()
    const requeued = await requeueDead(trx, webhookId, deliveryId, now)
    if (!requeued) {
      const existing = await findDelivery(trx, webhookId, deliveryId)
      if (!existing) throw notFound({ zh: '投递记录不存在', en: 'No such delivery' })
      throw invalidState(
        { zh: '只有失败（dead）的投递可以重投', en: 'Only a dead delivery can be redelivered' },
        existing.status,
      )
    }
    if (hook.deleted_at !== null)
      throw invalidState({ zh: '订阅已删除', en: 'The webhook was deleted' }, 'deleted')
    await appendEvent(trx, ctx, now, {
      type: 'webhook.redelivered',
      subject: webhookId,
      payload: { delivery: Number(requeued.id), event: Number(requeued.event_id) },
    })
    return requeued
  })
}
