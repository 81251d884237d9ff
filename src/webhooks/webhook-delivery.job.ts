import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { type Kysely, sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import type { Config } from '../config.js'
import { contactsOfTargets } from '../contacts/contacts.read.js'
import type { DB } from '../db/types.js'
import { ESCALATION_TARGETS } from '../domain/enums.js'
import type { Contact } from '../escalation/escalation.events.js'
import type { Event } from '../events/event-schemas.js'
import { eventView } from '../events/event-view.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics/metrics.js'
import { fanOutEvents } from './webhook-fanout.js'
import {
  checkTarget,
  type HostResolver,
  type ResolvedAddress,
  redactUrl,
  urlProblem,
} from './webhook-target.js'

export interface DeliveryDeps {
  db: Kysely<DB>
  clock: Clock
  logger: Logger
  metrics: Metrics
  config: Pick<
    Config,
    'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_RETRY_HOURS' | 'WEBHOOK_POLL_MS' | 'WEBHOOK_ALLOW_PRIVATE'
  >
  /** Signs `webhook-timestamp`: receivers check it against their own clock, so it is wall time. */
  wallClock?: Clock
  /** How host names are resolved (the system resolver unless a test hands in its own). */
  resolveHost?: HostResolver
}

export interface DeliveryRun {
  delivered: number
  failed: number
  dead: number
}

/** How many deliveries of one subscription one claim takes (sent one after another, in order). */
const BATCH = 50
/** How many claims one subscription may have in one run before the run ends (others get their turn). */
const BATCHES_PER_RUN = 4
const FIRST_RETRY_MS = 5000
const MAX_RETRY_MS = 4 * 3600_000

/** Exponential (×4 from 5 s, capped at 4 h) with ±20 % jitter: 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 4 h… */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 4 ** Math.max(0, attempts - 1), MAX_RETRY_MS)
  return Math.round(base * (0.8 + 0.4 * random()))
}

interface Claimed {
  id: number
  webhook_id: string
  event_id: number
  attempts: number
  window_start: Date
  next_attempt_at: Date
}

/** Long enough for a whole batch to time out; a crashed instance's claim is taken over after it. */
const leaseMs = (deps: DeliveryDeps) => deps.config.WEBHOOK_TIMEOUT_MS * (BATCH + 1) + 10_000

/**
 * Claims, for each subscription whose head (oldest pending delivery) is due and not leased, the head and
 * the pending deliveries behind it, up to BATCH. Taking the queue from its head keeps a subscription's
 * messages in order; the lease (a conditional UPDATE, re-checked by PostgreSQL after a concurrent claim
 * commits) gives each to one instance at a time.
 */
async function claimBatches(deps: DeliveryDeps, now: Date, webhookId?: string): Promise<Claimed[]> {
  const until = new Date(now.getTime() + leaseMs(deps))
  const { rows } = await sql<Claimed>`
    with heads as (
      select w.id as webhook_id from webhooks w
      cross join lateral (
        select x.next_attempt_at, x.lease_until from webhook_deliveries x
        where x.webhook_id = w.id and x.status = 'pending' order by x.id limit 1
      ) h
      where w.deleted_at is null
        ${webhookId ? sql`and w.id = ${webhookId}` : sql``}
        and h.next_attempt_at <= ${now}
        and (h.lease_until is null or h.lease_until < ${now})
      limit 500
    ),
    batch as (
      select b.id from heads
      cross join lateral (
        select x.id from webhook_deliveries x
        where x.webhook_id = heads.webhook_id and x.status = 'pending' order by x.id limit ${BATCH}
      ) b
    )
    update webhook_deliveries d set lease_until = ${until}
    from batch
    where d.id = batch.id and d.status = 'pending' and (d.lease_until is null or d.lease_until < ${now})
    returning d.id, d.webhook_id, d.event_id, d.attempts, d.window_start, d.next_attempt_at`.execute(deps.db)
  return rows.map((r) => ({ ...r, id: Number(r.id), event_id: Number(r.event_id) }))
}

interface Message {
  url: string
  secret: string
  body: string
}

/** The messages of a claimed batch, in one query. */
async function loadMessages(deps: DeliveryDeps, ids: number[]): Promise<Map<number, Message>> {
  const rows = await deps.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .select([
      'd.id as delivery_id',
      'w.url',
      'w.secret',
      'w.notify',
      'e.id',
      'e.type',
      'e.incident_id',
      'e.task_id',
      'e.district_code',
      'e.subject',
      'e.actor_id',
      'e.actor_name',
      'e.actor_role',
      'e.request_id',
      'e.payload',
      'e.created_at',
    ])
    .where('d.id', 'in', ids)
    .execute()
  const views = rows.map((row) => ({ row, event: eventView(row) }))
  const contacts = await gatewayContacts(deps, views)
  const out = new Map<number, Message>()
  for (const { row, event } of views) {
    const contact = contacts.get(event.id)
    const data = contact === undefined ? event : { ...event, payload: { ...event.payload, contact } }
    const body = JSON.stringify({ type: event.type, timestamp: event.at, data })
    out.set(Number(row.delivery_id), { url: row.url, secret: row.secret, body })
  }
  return out
}

/** What every escalation event's payload says of whom its rung notifies (the rest is the event's own). */
const RungTargetSchema = z.object({
  notify: z.enum(ESCALATION_TARGETS),
  district: z.string().nullable().optional(),
})
type RungTarget = z.infer<typeof RungTargetSchema>

/**
 * An SMS gateway is a subscription filtered by `notify`: it must know whom to text. An escalation event
 * (`task.escalated`, `complaint.escalated`, `rectification.escalated`) names only the rung's target and the
 * district (a name and phone never enter the event log or the stream), so the contact on file is looked up
 * now, at delivery, and added to the delivered payload as `contact` ({name, phone}, or null when none is on
 * file). Subscriptions without `notify`, and events that name no target, go out as they are.
 */
async function gatewayContacts(
  deps: DeliveryDeps,
  views: { row: { notify: string[] | null }; event: Event }[],
): Promise<Map<number, Contact | null>> {
  const escalations: { id: number; payload: RungTarget; district: string | null }[] = []
  for (const { row, event } of views) {
    if (row.notify === null) continue
    const parsed = RungTargetSchema.safeParse(event.payload)
    if (parsed.success) escalations.push({ id: event.id, payload: parsed.data, district: event.district })
  }
  const found = await contactsOfTargets(
    deps.db,
    // An event written before the payload named its district: the event's own district is the task's.
    escalations.map((e) => ({ notify: e.payload.notify, district: e.payload.district ?? e.district })),
  )
  return new Map(escalations.map((e, i) => [e.id, found[i] ?? null]))
}

type Outcome = 'delivered' | 'failed' | 'dead'

interface Delivered {
  id: number
  status: number
  at: Date
}

/**
 * Marks a batch's accepted messages delivered in one statement. Until it runs they stay leased to this
 * instance, so nobody else sends them; if the process dies first they are sent again after the lease
 * (at least once: receivers deduplicate on `webhook-id`).
 */
async function recordDelivered(deps: DeliveryDeps, delivered: Delivered[]): Promise<void> {
  if (delivered.length === 0) return
  await sql`
    update webhook_deliveries d
    set status = 'delivered', attempts = d.attempts + 1, delivered_at = v.at, last_attempt_at = v.at,
        last_status = v.status, last_error = null, lease_until = null
    from (
      select unnest(${delivered.map((d) => d.id)}::bigint[]) as id,
             unnest(${delivered.map((d) => d.status)}::int[]) as status,
             unnest(${delivered.map((d) => d.at.toISOString())}::timestamptz[]) as at
    ) v
    where d.id = v.id`.execute(deps.db)
}

/**
 * Why a subscription's URL may not be called now, or null: a URL stored before the rules (credentials, no
 * host), or a host that resolves to a private address while WEBHOOK_ALLOW_PRIVATE is off (names can change
 * what they resolve to after the subscription was checked). Said without the URL.
 */
async function targetOf(deps: DeliveryDeps, url: string): Promise<Target> {
  const problem = urlProblem(url)
  if (problem) return { refusal: `refused: the URL ${problem.en}` }
  const target = await checkTarget(url, deps.config.WEBHOOK_ALLOW_PRIVATE, deps.resolveHost)
  if (!target.ok) return { refusal: `refused: ${target.text.en}` }
  return { refusal: null, connection: connectionTo(url, target.address) }
}

/** Where a batch goes: refused (why), or the connection settings that reach the address checked. */
type Target = { refusal: string } | { refusal: null; connection: Connection }

interface Connection {
  agent: HttpAgent
  lookup: LookupFunction | undefined
}

/**
 * One keep-alive agent per batch (never the shared one, whose pooled sockets may lead to another address),
 * and a `lookup` that answers the address the check resolved: the socket connects there, while the Host
 * header and TLS server name (SNI, and the certificate check) stay the URL's host name.
 */
function connectionTo(url: string, pinned: ResolvedAddress | undefined): Connection {
  const https = new URL(url).protocol === 'https:'
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const lookup: LookupFunction | undefined = pinned
    ? (_host, options, callback) => {
        if ((options as { all?: boolean }).all)
          (callback as (e: null, a: ResolvedAddress[]) => void)(null, [pinned])
        else callback(null, pinned.address, pinned.family)
      }
    : undefined
  return { agent, lookup }
}

/** POSTs the body over the batch's connection; the answer's status, or throws (a timeout as TimeoutError). */
function post(
  url: string,
  connection: Connection,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const u = new URL(url)
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest
  const signal = AbortSignal.timeout(timeoutMs)
  return new Promise((resolve, reject) => {
    const req = send(
      {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: connection.agent,
        ...(connection.lookup ? { lookup: connection.lookup } : {}),
        signal,
      },
      (res) => {
        // The answer's body is not read: only its status counts.
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', (err) =>
      reject(signal.aborted ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : err),
    )
    req.end(body)
  })
}

async function attempt(
  deps: DeliveryDeps,
  claimed: Claimed,
  message: Message,
  delivered: Delivered[],
  target: Target,
): Promise<Outcome> {
  const msgId = `msg_${claimed.id}`
  const sentAt = (deps.wallClock ?? systemClock).now()
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Redshield-Webhooks/1',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(message.secret).sign(msgId, sentAt, message.body),
  }
  const end = deps.metrics.webhookDuration.startTimer()
  let status: number | null = null
  let error: string | null = target.refusal
  if (target.refusal === null)
    try {
      // Redirects are not followed: a 3xx is a failed delivery like any other non-2xx.
      status = await post(
        message.url,
        target.connection,
        headers,
        message.body,
        deps.config.WEBHOOK_TIMEOUT_MS,
      )
      if (status < 200 || status >= 300) error = `HTTP ${status}`
    } catch (err) {
      const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } }
      // Never the URL's user name or password, in the log or in `last_error` (an admin reads it).
      error = redactUrl(
        e.name === 'TimeoutError'
          ? `timeout after ${deps.config.WEBHOOK_TIMEOUT_MS} ms`
          : (e.code ?? e.cause?.code ?? e.message ?? 'failed'),
      )
    }
  end()
  const now = deps.clock.now()
  if (error === null) {
    // Recorded with the rest of the batch (`recordDelivered`): one UPDATE per batch, not per message.
    delivered.push({ id: claimed.id, status: status ?? 200, at: now })
    deps.metrics.webhookDeliveries.inc({ outcome: 'delivered' })
    return 'delivered'
  }
  const attempts = claimed.attempts + 1
  const next = new Date(now.getTime() + retryDelayMs(attempts))
  const windowEnd = new Date(claimed.window_start).getTime() + deps.config.WEBHOOK_RETRY_HOURS * 3600_000
  const dead = next.getTime() > windowEnd
  await deps.db
    .updateTable('webhook_deliveries')
    .set({
      status: dead ? 'dead' : 'pending',
      attempts,
      next_attempt_at: next,
      last_attempt_at: now,
      last_status: status,
      last_error: error.slice(0, 500),
      lease_until: null,
    })
    .where('id', '=', claimed.id)
    .execute()
  deps.metrics.webhookDeliveries.inc({ outcome: dead ? 'dead' : 'failed' })
  deps.logger.info(
    { delivery: claimed.id, webhook: claimed.webhook_id, error, dead },
    'webhook delivery failed',
  )
  return dead ? 'dead' : 'failed'
}

/** Sends one subscription's claimed batch in order; stops at a failure or a delivery not yet due. */
async function sendBatch(deps: DeliveryDeps, batch: Claimed[], run: DeliveryRun): Promise<boolean> {
  const messages = await loadMessages(
    deps,
    batch.map((b) => b.id),
  )
  let sent = 0
  let stopped = false
  const delivered: Delivered[] = []
  // One subscription, one URL: resolved and checked once per batch, and connected to as checked.
  const first = messages.values().next().value
  const target: Target = first ? await targetOf(deps, first.url) : { refusal: 'no message' }
  try {
    for (const claimed of batch) {
      const message = messages.get(claimed.id)
      if (!message || new Date(claimed.next_attempt_at) > deps.clock.now()) {
        stopped = true
        break
      }
      const outcome = await attempt(deps, claimed, message, delivered, target)
      sent++
      run[outcome]++
      // A failure holds the rest of this subscription's queue; a dead letter steps aside.
      if (outcome === 'failed') {
        stopped = true
        break
      }
    }
  } finally {
    if (target.refusal === null) target.connection.agent.destroy()
    await recordDelivered(deps, delivered)
  }
  const unsent = batch.slice(sent).map((b) => b.id)
  if (unsent.length > 0)
    await deps.db
      .updateTable('webhook_deliveries')
      .set({ lease_until: null })
      .where('id', 'in', unsent)
      .where('status', '=', 'pending')
      .execute()
  return !stopped && batch.length === BATCH
}

/**
 * One run: the outbox is filled with the events committed since the last (`fanOutEvents`), then every due subscription sends its queue in order, until it is empty, a delivery fails (the rest
 * wait behind it: order per subscription), or it has had its share. Subscriptions run side by side.
 * At least once: a receiver may see a message again if the process stops between its 2xx and the update.
 */
export async function runWebhookDelivery(deps: DeliveryDeps): Promise<DeliveryRun> {
  const run: DeliveryRun = { delivered: 0, failed: 0, dead: 0 }
  await fanOutEvents(deps.db)
  const claimed = await claimBatches(deps, deps.clock.now())
  const bySubscription = new Map<string, Claimed[]>()
  for (const c of claimed) bySubscription.set(c.webhook_id, [...(bySubscription.get(c.webhook_id) ?? []), c])
  await Promise.all(
    [...bySubscription].map(async ([webhookId, first]) => {
      let batch = first.sort((a, b) => a.id - b.id)
      for (let n = 1; batch.length > 0; n++) {
        const more = await sendBatch(deps, batch, run)
        if (!more || n >= BATCHES_PER_RUN) return
        batch = (await claimBatches(deps, deps.clock.now(), webhookId)).sort((a, b) => a.id - b.id)
      }
    }),
  )
  return run
}
