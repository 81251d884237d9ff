import { z } from '@hono/zod-openapi'
import { urlProblem } from './webhook-target.js'

const TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/
export const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/

export const CreateWebhookSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .max(2000)
      .superRefine((url, ctx) => {
        const problem = urlProblem(url)
        if (problem) ctx.addIssue({ code: 'custom', message: problem.en, params: problem })
      })
      .openapi({
        description:
          'Receiver; only http(s), without a user name or password. Unless WEBHOOK_ALLOW_PRIVATE, its host must ' +
          'resolve to public addresses only (checked here and before every delivery).',
      }),
    events: z
      .array(z.string().regex(TYPE_PATTERN, 'an event type, a prefix such as task.*, or *'))
      .min(1)
      .max(50)
      .openapi({ description: 'Event types, prefixes (`task.*`) or `*`' }),
    districts: z
      .array(z.string().regex(/^\d{6}$/, 'a six-digit district code'))
      .min(1)
      .max(100)
      .optional()
      .openapi({
        description:
          'Only events of these districts, and incident-wide events of incidents covering one of them ' +
          '(absent: all, including city-wide events); the same rule as a district’s stream',
      }),
    notify: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(20)
      .optional()
      .openapi({ description: 'Only events whose payload `notify` target is listed (e.g. an SMS gateway)' }),
    secret: z
      .string()
      .regex(SECRET_PATTERN, 'whsec_ followed by 24–64 bytes in base64')
      .optional()
      .openapi({ description: 'Signing secret; generated when absent. Shown only in the creation answer.' }),
  })
  .openapi('CreateWebhook')

export const WebhookSchema = z
  .strictObject({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    districts: z.array(z.string()).nullable(),
    notify: z.array(z.string()).nullable(),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .openapi('Webhook')

export const CreatedWebhookSchema = z
  .strictObject({
    ...WebhookSchema.shape,
    secret: z.string().openapi({ description: 'The signing secret, shown only in this answer' }),
  })
  .openapi('CreatedWebhook')

export const DeliverySchema = z
  .strictObject({
    id: z.string().openapi({ description: 'Delivery id; also the `webhook-id` header (`msg_<id>`)' }),
    event: z.number().int(),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery')

export const WebhookListQuery = z.object({
  deleted: z.enum(['true', 'false']).optional(),
})
