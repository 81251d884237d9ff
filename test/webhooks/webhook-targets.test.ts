import { randomBytes, randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { runWebhookDelivery } from '../../src/webhooks/webhook-delivery.job.js'
import { isNonPublicAddress } from '../../src/webhooks/webhook-target.js'
import { type Receiver, startReceiver } from '../helpers/receiver.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Webhook URLs with credentials were accepted and the password showed in logs and lastError; `http:///nohost`
// and an all-zero secret were accepted; nothing said whether a webhook may call the service's own machine or
// network. Now: refused at creation, checked again before every delivery, and WEBHOOK_ALLOW_PRIVATE decides.
const API = '/api/v1'
let t: TestApp
let admin: string
let rx: Receiver

beforeAll(async () => {
  t = await startTestApp() // the embedded default: private targets allowed (local receivers)
  admin = await t.token('admin')
  rx = await startReceiver()
})
afterAll(async () => {
  await rx.close()
  await t.close()
})

const create = (app: TestApp, token: string, body: Record<string, unknown>) =>
  app.call('POST', `${API}/webhooks`, { token, body: { events: ['*'], ...body } })

const secretOf = (bytes: Buffer) => `whsec_${bytes.toString('base64')}`

describe('webhook URL and secret', () => {
  it('refuses a user name or password in the URL, an empty host, and says why', async () => {
    for (const url of [
      `http://user:s3cret@127.0.0.1:${new URL(rx.url).port}/hook`,
      'http://:s3cret@127.0.0.1/hook',
      'https://user@example.com/hook',
      'http:///nohost',
      'http:/one-slash.example/',
      'http:\\\\backslash.example/',
    ]) {
      const r = await create(t, admin, { url })
      expect(r.status, `${url} ${r.text}`).toBe(422)
      expect(r.body.issues[0].path, url).toBe('body.url')
      expect(r.text, url).not.toContain('s3cret')
    }
    const r = await create(t, admin, { url: 'http://user:s3cret@127.0.0.1/hook' })
    expect(r.body.issues[0].message).toContain('用户名或密码')
  })

  it('refuses an all-zero or patterned secret; a random one is taken', async () => {
    for (const secret of [
      secretOf(Buffer.alloc(32)),
      secretOf(Buffer.alloc(24, 0x41)),
      secretOf(Buffer.from('ab'.repeat(16))),
    ]) {
      const r = await create(t, admin, { url: rx.url, secret })
      expect(r.status, r.text).toBe(422)
      expect(r.body.issues[0]).toMatchObject({ path: 'body.secret', code: 'weak_secret' })
    }
    const secret = secretOf(randomBytes(32))
    const ok = await create(t, admin, { url: rx.url, secret })
    expect(ok.status, ok.text).toBe(201)
    expect(ok.body.secret).toBe(secret)
    expect(ok.headers.get('cache-control')).toBe('no-store')
  })
})

describe('private targets', () => {
  it('classifies loopback, private, link-local and mapped addresses as not public', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
    ])
      expect(isNonPublicAddress(a), a).toBe(true)
    for (const a of [
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a00:1',
    ])
      expect(isNonPublicAddress(a), a).toBe(true)
    for (const a of ['203.0.113.10', '8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      expect(isNonPublicAddress(a), a).toBe(false)
  })

  it('with WEBHOOK_ALLOW_PRIVATE=false, refuses hosts that resolve to them at creation', async () => {
    const strict = await startTestApp({ config: { WEBHOOK_ALLOW_PRIVATE: 'false' } })
    try {
      expect(strict.deps.config.WEBHOOK_ALLOW_PRIVATE).toBe(false)
      const token = await strict.token('admin')
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://10.1.2.3/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://0.0.0.0/',
      ]) {
        const r = await create(strict, token, { url })
        expect(r.status, `${url} ${r.text}`).toBe(422)
        expect(r.body.issues[0]).toMatchObject({ path: 'body.url', code: 'not_public' })
      }
      const unresolvable = await create(strict, token, { url: 'http://no-such-host.invalid/hook' })
      expect(unresolvable.body.issues[0]).toMatchObject({ path: 'body.url', code: 'unresolvable' })
      expect((await create(strict, token, { url: 'http://203.0.113.10/hook' })).status).toBe(201)
    } finally {
      await strict.close()
    }
  })

  it('is checked again before delivery: nothing is sent to a private address once they are not allowed', async () => {
    const hook = await create(t, admin, { url: rx.url, events: ['token.created'] })
    expect(hook.status).toBe(201)
    await t.token('commander') // a token.created event
    const before = rx.received.length
    await runWebhookDelivery({ ...t.deps, config: { ...t.deps.config, WEBHOOK_ALLOW_PRIVATE: false } })
    expect(rx.received.length).toBe(before)
    const list = await t.call('GET', `${API}/webhooks/${hook.body.id}/deliveries`, { token: admin })
    expect(list.body.items[0]).toMatchObject({ status: 'pending', attempts: 1 })
    expect(list.body.items[0].lastError).toMatch(/loopback or private address/)
    await t.call('DELETE', `${API}/webhooks/${hook.body.id}`, { token: admin })
  })
})

describe('DNS rebinding: the delivery connects to the address it checked', () => {
  const port = () => new URL(rx.url).port
  const lastDelivery = async (id: string) =>
    (await t.call('GET', `${API}/webhooks/${id}/deliveries`, { token: admin })).body.items[0]

  it('a host name that resolves to loopback is refused at delivery, and nothing is sent', async () => {
    const hook = await create(t, admin, {
      url: `http://hooks.rebind.test:${port()}/hook`,
      events: ['token.created'],
    })
    expect(hook.status, hook.text).toBe(201)
    await t.token('commander')
    const before = rx.received.length
    const asked: string[] = []
    await runWebhookDelivery({
      ...t.deps,
      config: { ...t.deps.config, WEBHOOK_ALLOW_PRIVATE: false },
      resolveHost: async (host) => {
        asked.push(host)
        return [{ address: '127.0.0.1', family: 4 }]
      },
    })
    expect(asked).toEqual(['hooks.rebind.test'])
    expect(rx.received.length).toBe(before)
    expect(await lastDelivery(hook.body.id)).toMatchObject({ status: 'pending', attempts: 1 })
    expect((await lastDelivery(hook.body.id)).lastError).toMatch(/hooks\.rebind\.test resolves to a loopback/)
    await t.call('DELETE', `${API}/webhooks/${hook.body.id}`, { token: admin })
  })

  it('a name that answers public for the check and loopback afterwards is never connected to loopback', async () => {
    const hook = await create(t, admin, {
      url: `http://flip.rebind.test:${port()}/hook`,
      events: ['token.created'],
    })
    expect(hook.status, hook.text).toBe(201)
    await t.token('commander')
    const before = rx.received.length
    let calls = 0
    // The first answer is public (TEST-NET-3), every later one loopback: a resolver that rebinds.
    const rebinding = async () => {
      calls++
      return [{ address: calls === 1 ? '203.0.113.9' : '127.0.0.1', family: 4 as const }]
    }
    const run = await runWebhookDelivery({
      ...t.deps,
      config: { ...t.deps.config, WEBHOOK_ALLOW_PRIVATE: false, WEBHOOK_TIMEOUT_MS: 300 },
      resolveHost: rebinding,
    })
    // Resolved once; the connection went to the checked (unreachable) address, never to the receiver.
    expect(calls).toBe(1)
    expect(run.delivered).toBe(0)
    expect(rx.received.length).toBe(before)
    expect((await lastDelivery(hook.body.id)).lastError).not.toMatch(/refused/)
    await t.call('DELETE', `${API}/webhooks/${hook.body.id}`, { token: admin })
  })

  it('the request goes to the resolved address with the URL’s host name in Host', async () => {
    const hook = await create(t, admin, {
      url: `http://receiver.rebind.test:${port()}/hook`,
      events: ['token.created'],
    })
    expect(hook.status, hook.text).toBe(201)
    await t.token('commander')
    const before = rx.received.length
    const run = await runWebhookDelivery({
      ...t.deps,
      resolveHost: async () => [{ address: '127.0.0.1', family: 4 }],
    })
    expect(run.delivered).toBeGreaterThan(0)
    const got = rx.received.slice(before)
    expect(got.length).toBeGreaterThan(0)
    expect(got[0]?.headers.host).toBe(`receiver.rebind.test:${port()}`)
    await t.call('DELETE', `${API}/webhooks/${hook.body.id}`, { token: admin })
  })
})

describe('a URL with credentials stored before the rule', () => {
  it('is not called, and its password never reaches the log or lastError', async () => {
    const lines: string[] = []
    const logger = createLogger('debug', {
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk))
          done()
        },
      }),
    })
    const id = randomUUID()
    await t.deps.db
      .insertInto('webhooks')
      .values({
        id,
        url: `http://user:s3cret@127.0.0.1:${new URL(rx.url).port}/hook`,
        events: ['token.created'],
        districts: null,
        notify: null,
        secret: secretOf(randomBytes(32)),
        created_at: t.clock.now(),
        created_by: null,
        deleted_at: null,
      })
      .execute()
    await t.token('commander')
    const before = rx.received.length
    const run = await runWebhookDelivery({ ...t.deps, logger })
    expect(run.failed + run.dead).toBeGreaterThan(0)
    expect(rx.received.length).toBe(before)
    const list = await t.call('GET', `${API}/webhooks/${id}/deliveries`, { token: admin })
    expect(list.body.items[0].lastError).toMatch(/user name or password/)
    expect(list.text).not.toContain('s3cret')
    expect(lines.join('')).not.toContain('s3cret')
    expect(lines.join('')).toContain('webhook delivery failed')
  })
})
