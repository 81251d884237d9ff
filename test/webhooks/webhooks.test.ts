import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock.js'
import { inTransaction } from '../../src/db/transaction.js'
import { systemContext } from '../../src/domain/context.js'
import { appendEvent } from '../../src/events/events.repo.js'
import type { EscalationTarget } from '../../src/playbooks/playbook.schema.js'
import { runWebhookDelivery } from '../../src/webhooks/webhook-delivery.job.js'
import { type Receiver, startReceiver } from '../helpers/receiver.js'
import { secondInstance } from '../helpers/second-instance.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

const API = '/api/v1'
const HOME = '510104'
const NEIGHBOUR = '510105'
const HOUR = 3600_000

let t: TestApp
let admin: string
let commander: string
let home: string
let rx: Receiver

beforeAll(async () => {
  // Starts at the wall time: receivers check `webhook-timestamp` against their own clock.
  t = await startTestApp({ clock: new ManualClock(new Date()) })
  admin = await t.token('admin')
  commander = await t.token('commander')
  home = await t.token('district', { district: HOME })
})
afterAll(async () => {
  await rx?.close()
  await t.close()
})
beforeEach(async () => {
  await rx?.close()
  rx = await startReceiver()
  // Each test starts with no live subscription, so earlier ones do not hold deliveries for it.
  await t.deps.db
    .updateTable('webhooks')
    .set({ deleted_at: t.clock.now() })
    .where('deleted_at', 'is', null)
    .execute()
})

const deliver = () => runWebhookDelivery(t.deps)

async function subscribe(body: Record<string, unknown>) {
  const r = await t.call('POST', `${API}/webhooks`, { token: admin, body: { url: rx.url, ...body } })
  expect(r.status, r.text).toBe(201)
  return r.body as { id: string; secret: string }
}

async function activate(districts: string[] | 'all') {
  const r = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: 'webhooks', districts },
  })
  expect(r.status, r.text).toBe(201)
  return r.body.id as string
}

function verified(secret: string, r: { headers: Record<string, unknown>; body: string }) {
  const headers = {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }
  // biome-ignore lint/suspicious/noExplicitAny: the verified body is inspected field by field
  return new Webhook(secret).verify(r.body, headers) as any
}

describe('webhook subscriptions', () => {
  it('creates with a generated secret shown once; lists, reads and deletes without it', async () => {
    const created = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: rx.url, events: ['task.*', 'incident.activated'], districts: [HOME] },
    })
    expect(created.status, created.text).toBe(201)
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    expect(created.body).toMatchObject({
      url: rx.url,
      events: ['task.*', 'incident.activated'],
      districts: [HOME],
      notify: null,
    })
    const id = created.body.id
    const list = await t.call('GET', `${API}/webhooks`, { token: admin })
    expect(list.status).toBe(200)
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(id)
    expect(list.text).not.toContain(created.body.secret)
    expect(list.text).not.toContain('whsec_')
    const one = await t.call('GET', `${API}/webhooks/${id}`, { token: admin })
    expect(one.status).toBe(200)
    expect(one.body.secret).toBeUndefined()
    const del = await t.call('DELETE', `${API}/webhooks/${id}`, { token: admin })
    expect(del.status).toBe(200)
    expect(del.body.deletedAt).not.toBeNull()
    const again = await t.call('DELETE', `${API}/webhooks/${id}`, { token: admin })
    expect(again.status).toBe(200)
    const after = await t.call('GET', `${API}/webhooks`, { token: admin })
    expect(after.body.items.map((w: { id: string }) => w.id)).not.toContain(id)
    const withDeleted = await t.call('GET', `${API}/webhooks?deleted=true`, { token: admin })
    expect(withDeleted.body.items.map((w: { id: string }) => w.id)).toContain(id)
    const events = await t.deps.db.selectFrom('events').select('type').where('subject', '=', id).execute()
    expect(events.map((e) => e.type)).toEqual(['webhook.created', 'webhook.deleted'])
  })

  it('keeps a given secret, and refuses bad input naming every problem, writing nothing', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}` // a patterned one is refused (webhook-targets)
    const r = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: rx.url, events: ['*'], secret },
    })
    expect(r.status).toBe(201)
    expect(r.body.secret).toBe(secret)
    const before = await t.deps.db
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    const bad = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: 'ftp://example.org/x', events: [], notify: [], secret: 'nope', extra: 1 },
    })
    expect(bad.status).toBe(422)
    const paths = (bad.body.issues as { path: string }[]).map((i) => i.path).join(' ')
    for (const p of ['url', 'events', 'notify', 'secret']) expect(paths).toContain(p)
    const unknownDistrict = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: rx.url, events: ['*'], districts: ['999999', HOME, '999998'] },
    })
    expect(unknownDistrict.status).toBe(422)
    expect(unknownDistrict.body.issues).toHaveLength(2)
    const after = await t.deps.db
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    expect(after).toEqual(before)
  })

  it('is for admins only', async () => {
    for (const token of [commander, home, await t.token('sampler')]) {
      const r = await t.call('POST', `${API}/webhooks`, { token, body: { url: rx.url, events: ['*'] } })
      expect(r.status).toBe(403)
      expect((await t.call('GET', `${API}/webhooks`, { token })).status).toBe(403)
    }
    expect((await t.call('GET', `${API}/webhooks`)).status).toBe(401)
  })
})

describe('webhook delivery', () => {
  it('signs in the Standard Webhooks format; standardwebhooks verifies; filters by type and district', async () => {
    const hook = await subscribe({ events: ['task.*'], districts: [HOME] })
    const incident = await activate([HOME, NEIGHBOUR])
    const tasks = await t.call('GET', `${API}/tasks?incident=${incident}&district=${HOME}`, { token: admin })
    const task = tasks.body.items[0].id
    // The single-statement transition (a CTE) writes its outbox row through the trigger too.
    expect((await t.call('POST', `${API}/tasks/${task}/ack`, { token: home })).status).toBe(200)
    const run = await deliver()
    expect(run.failed).toBe(0)
    const expected = await t.deps.db
      .selectFrom('events')
      .select(['id', 'type'])
      .where('incident_id', '=', incident)
      .where('district_code', '=', HOME)
      .where('type', 'like', 'task.%')
      .orderBy('id')
      .execute()
    expect(rx.accepted()).toHaveLength(expected.length)
    const bodies = rx.accepted().map((r) => verified(hook.secret, r))
    expect(bodies.map((b) => b.data.id)).toEqual(expected.map((e) => Number(e.id)))
    expect(bodies.at(-1)).toMatchObject({ type: 'task.acknowledged', data: { task, district: HOME } })
    expect(rx.accepted()[0]?.headers['webhook-id']).toMatch(/^msg_\d+$/)
    // A tampered body fails verification.
    const first = rx.accepted()[0]
    if (!first) throw new Error('no delivery')
    expect(() => verified(hook.secret, { ...first, body: first.body.replace('task', 'tusk') })).toThrow()
  })

  it('a receiver down for an hour then up receives everything, in order, signatures valid', async () => {
    const hook = await subscribe({ events: ['task.created', 'incident.activated'] })
    rx.answer(503)
    const incident = await activate([HOME, NEIGHBOUR])
    const expected = await t.deps.db
      .selectFrom('events')
      .select('id')
      .where('incident_id', '=', incident)
      .where('type', 'in', ['task.created', 'incident.activated'])
      .orderBy('id')
      .execute()
    expect(expected.length).toBeGreaterThan(3)
    // Down: the head is tried, the rest wait behind it.
    expect(await deliver()).toEqual({ delivered: 0, failed: 1, dead: 0 })
    expect(await deliver()).toEqual({ delivered: 0, failed: 0, dead: 0 }) // backing off
    for (let minutes = 0; minutes < 60; minutes += 5) {
      t.clock.advance(5 * 60_000)
      await deliver()
    }
    const heads = new Set(rx.received.map((r) => r.headers['webhook-id']))
    expect(heads.size).toBe(1)
    const pending = await t.call('GET', `${API}/webhooks/${hook.id}/deliveries?status=pending`, {
      token: admin,
    })
    expect(pending.body.items).toHaveLength(expected.length)
    expect(pending.body.items[0].attempts).toBeGreaterThan(1)
    expect(pending.body.items[0].lastStatus).toBe(503)

    // Backing off exponentially: nothing is attempted before the head's next attempt falls due.
    const head = pending.body.items[0]
    expect(Date.parse(head.nextAttemptAt) - Date.parse(head.lastAttemptAt)).toBeGreaterThan(10 * 60_000)
    rx.answer(200)
    t.clock.set(new Date(Date.parse(head.nextAttemptAt) - 1000))
    expect((await deliver()).delivered).toBe(0)
    t.clock.advance(1000)
    const run = await deliver()
    expect(run).toEqual({ delivered: expected.length, failed: 0, dead: 0 })
    const got = rx.accepted().map((r) => verified(hook.secret, r).data.id)
    expect(got).toEqual(expected.map((e) => Number(e.id)))
  })

  it('gives up after the retry window (dead letter), lets the next pass, and redelivers on request', async () => {
    const hook = await subscribe({ events: ['incident.activated'] })
    rx.answer(500)
    await activate([HOME])
    expect((await deliver()).failed).toBe(1)
    t.clock.advance(25 * HOUR)
    expect(await deliver()).toEqual({ delivered: 0, failed: 0, dead: 1 })
    const dead = await t.call('GET', `${API}/webhooks/${hook.id}/deliveries?status=dead`, { token: admin })
    expect(dead.status).toBe(200)
    expect(dead.body.items).toHaveLength(1)
    const letter = dead.body.items[0]
    expect(letter).toMatchObject({ status: 'dead', attempts: 2, lastStatus: 500, lastError: 'HTTP 500' })

    // A dead letter no longer holds the queue.
    rx.answer(200)
    await activate([HOME])
    expect((await deliver()).delivered).toBe(1)

    const redo = await t.call('POST', `${API}/webhooks/${hook.id}/deliveries/${letter.id}/redeliver`, {
      token: admin,
    })
    expect(redo.status, redo.text).toBe(200)
    expect(redo.body.status).toBe('pending')
    expect((await deliver()).delivered).toBe(1)
    const ids = rx.accepted().map((r) => r.headers['webhook-id'])
    expect(ids.at(-1)).toBe(`msg_${letter.id}`)
    expect(verified(hook.secret, rx.accepted().at(-1) as never).type).toBe('incident.activated')

    const twice = await t.call('POST', `${API}/webhooks/${hook.id}/deliveries/${letter.id}/redeliver`, {
      token: admin,
    })
    expect(twice.status).toBe(409)
    const missing = await t.call('POST', `${API}/webhooks/${hook.id}/deliveries/999999999/redeliver`, {
      token: admin,
    })
    expect(missing.status).toBe(404)
    const bad = await t.call('GET', `${API}/webhooks/${hook.id}/deliveries?status=lost`, { token: admin })
    expect(bad.status).toBe(422)
  })

  it('an SMS gateway (task.escalated filtered by notify) gets the contact looked up at delivery; nobody else does', async () => {
    const hook = await subscribe({ events: ['task.escalated'], notify: ['district_head'] })
    const plainRx = await startReceiver()
    const plain = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: plainRx.url, events: ['task.escalated'] },
    })
    expect(plain.status, plain.text).toBe(201)
    await t.call('PUT', `${API}/districts/${HOME}/contacts`, {
      token: admin,
      body: { dutyOfficer: null, head: { name: '张三', phone: '13800000000' } },
    })
    // As the escalation sweep writes it: the system actor, the typed payload, no name or phone.
    const escalated = (notify: EscalationTarget) =>
      inTransaction(t.deps.db, (trx) =>
        appendEvent(trx, systemContext('escalation-sweep'), t.clock.now(), {
          type: 'task.escalated',
          districtCode: HOME,
          payload: {
            step: 'report',
            clock: 'unacknowledged',
            rung: 1,
            repeat: 0,
            notify,
            dueAt: t.clock.now().toISOString(),
            late: false,
            lateBySeconds: 0,
            skippedRepeats: 0,
            district: HOME,
            exercise: false,
          },
        }),
      )
    await escalated('district_head')
    await escalated('command_centre')
    // The head changes after the event was written: the gateway gets who is on file when it is delivered.
    await t.call('PUT', `${API}/districts/${HOME}/contacts`, {
      token: admin,
      body: { dutyOfficer: null, head: { name: '李四', phone: '13900000000' } },
    })
    await deliver()
    expect(rx.accepted()).toHaveLength(1)
    const body = verified(hook.secret, rx.accepted()[0] as never)
    expect(body.data.payload).toMatchObject({
      notify: 'district_head',
      district: HOME,
      contact: { name: '李四', phone: '13900000000' },
    })
    // The subscriber without `notify` gets both events as written: no contact.
    expect(plainRx.accepted()).toHaveLength(2)
    for (const r of plainRx.accepted()) {
      expect(verified(plain.body.secret, r as never).data.payload).not.toHaveProperty('contact')
      expect(r.body).not.toContain('1390000000')
    }
    await plainRx.close()
    // Nor does the event log hold them.
    const rows = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'task.escalated')
      .execute()
    expect(JSON.stringify(rows)).not.toContain('1390000000')
    await t.call('DELETE', `${API}/webhooks/${plain.body.id}`, { token: admin })
  })

  it('the gateway gets the contact of a rectification escalation the same way (one rule for every ladder)', async () => {
    const hook = await subscribe({ events: ['rectification.escalated'], notify: ['district_head'] })
    await t.call('PUT', `${API}/districts/${HOME}/contacts`, {
      token: admin,
      body: { dutyOfficer: null, head: { name: '王五', phone: '13700000000' } },
    })
    const id = '00000000-0000-4000-8000-000000000001'
    await inTransaction(t.deps.db, (trx) =>
      appendEvent(trx, systemContext('rectification-deadlines'), t.clock.now(), {
        type: 'rectification.escalated',
        districtCode: HOME,
        subject: id,
        payload: {
          rectificationId: id,
          businessId: id,
          rung: 1,
          notify: 'district_head',
          dueAt: t.clock.now().toISOString(),
          district: HOME,
        },
      }),
    )
    await deliver()
    const got = rx.accepted().map((r) => verified(hook.secret, r as never).data)
    expect(got.find((d) => d.type === 'rectification.escalated')?.payload).toMatchObject({
      notify: 'district_head',
      district: HOME,
      contact: { name: '王五', phone: '13700000000' },
    })
  })

  it('writes the outbox with the event: a rolled-back event leaves no delivery', async () => {
    await subscribe({ events: ['*'] })
    const before = await t.deps.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    await expect(
      inTransaction(t.deps.db, async (trx) => {
        await appendEvent(trx, systemContext('rollback'), t.clock.now(), {
          type: 'webhook.deleted',
          payload: { origin: 'http://rolled.back' },
        })
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    const after = await t.deps.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    expect(after).toEqual(before)
  })

  it('stops delivering to a deleted subscription', async () => {
    const hook = await subscribe({ events: ['incident.activated'] })
    await activate([HOME])
    await t.call('DELETE', `${API}/webhooks/${hook.id}`, { token: admin })
    await deliver()
    expect(rx.received).toHaveLength(0)
    const unknown = await t.call('GET', `${API}/webhooks/${crypto.randomUUID()}/deliveries`, { token: admin })
    expect(unknown.status).toBe(404)
  })
})

describe.runIf(testEngine() === 'postgres')('two instances delivering (PostgreSQL)', () => {
  it('each message once per subscription, in order, whichever instance sends it', async () => {
    const b = await secondInstance(t)
    try {
      const hooks = [await subscribe({ events: ['task.created'] }), await subscribe({ events: ['task.*'] })]
      await activate('all')
      for (let round = 0; round < 20; round++) {
        const [x, y] = await Promise.all([runWebhookDelivery(t.deps), runWebhookDelivery(b.deps)])
        if (x.delivered + y.delivered === 0) break
      }
      for (const hook of hooks) {
        const got = rx
          .accepted()
          .map((r) => ({
            r,
            body: (() => {
              try {
                return verified(hook.secret, r)
              } catch {
                return null
              }
            })(),
          }))
          .filter((x) => x.body !== null)
          .map((x) => x.body.data.id as number)
        const expected = await t.deps.db
          .selectFrom('webhook_deliveries')
          .innerJoin('events', 'events.id', 'webhook_deliveries.event_id')
          .select('events.id')
          .where('webhook_id', '=', hook.id)
          .orderBy('webhook_deliveries.id')
          .execute()
        expect(expected.length).toBeGreaterThan(20)
        expect(got).toEqual(expected.map((e) => Number(e.id)))
      }
    } finally {
      await b.close()
    }
  })
})
