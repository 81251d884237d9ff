import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fanOutEvents } from '../../src/webhooks/webhook-fanout.js'
import { openStream } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
const HOME = '510104'
const METRICS_TOKEN = 'scrape-secret-0123456789'

let t: TestApp
let admin: string
let commander: string

beforeAll(async () => {
  t = await startTestApp({ config: { METRICS_TOKEN } })
  admin = await t.token('admin')
  commander = await t.token('commander')
})
afterAll(() => t.close())

const scrape = (token?: string) => t.call('GET', '/metrics', token ? { token } : {})

/** The value of one sample line, e.g. `redshield_open_tasks{state="pending"}`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return undefined
}

describe('GET /metrics', () => {
  it('refuses callers without an admin token or the metrics token', async () => {
    const none = await scrape()
    expect(none.status).toBe(401)
    expect(none.headers.get('content-type')).toMatch(/problem\+json/)
    expect((await scrape(commander)).status).toBe(403)
    expect((await scrape(await t.token('district', { district: HOME }))).status).toBe(403)
    expect((await scrape('rs_notarealtoken_xxxxxxxxxxxxxxxxxxxx')).status).toBe(401)
    expect((await scrape('scrape-secret-wrong-000000')).status).toBe(401)
  })

  it('serves the Prometheus format to an admin and to METRICS_TOKEN', async () => {
    for (const token of [admin, METRICS_TOKEN]) {
      const r = await scrape(token)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(r.text).toContain('# TYPE redshield_http_requests_total counter')
    }
  })

  it('carries the security headers, refused or served', async () => {
    for (const r of [await scrape(), await scrape(commander), await scrape(admin)]) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(r.headers.get('x-frame-options')).toBe('DENY')
      expect(r.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })

  it('counts requests by route template, not raw path; open tasks by state; webhooks; stream subscribers', async () => {
    const inc = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'm', districts: [HOME] },
    })
    expect(inc.status).toBe(201)
    const tasks = await t.call('GET', `${API}/tasks?incident=${inc.body.id}`, { token: admin })
    const ids = (tasks.body.items as { id: string }[]).map((i) => i.id)
    for (const id of ids) await t.call('GET', `${API}/tasks/${id}`, { token: admin })
    await t.call('POST', `${API}/tasks/${ids[0]}/ack`, { token: admin })
    const hook = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: 'http://127.0.0.1:9/never', events: ['*'] },
    })
    expect(hook.status).toBe(201)
    await t.call('POST', `${API}/tasks/${ids[1]}/ack`, { token: admin })
    // The delivery job's first step: committed events routed into the outbox.
    await fanOutEvents(t.deps.db)
    const stream = await openStream(`${t.baseUrl}${API}/stream`, { token: admin })
    try {
      const r = await scrape(admin)
      expect(
        sample(r.text, 'redshield_http_requests_total', {
          method: 'GET',
          route: '/api/v1/tasks/:id',
          status: '200',
        }),
      ).toBe(ids.length)
      for (const id of ids) expect(r.text).not.toContain(id)
      expect(sample(r.text, 'redshield_open_tasks', { state: 'acknowledged' })).toBe(2)
      expect(sample(r.text, 'redshield_open_tasks', { state: 'pending' })).toBe(ids.length - 2)
      // webhook.created and the second ack wait in the outbox.
      expect(sample(r.text, 'redshield_webhook_backlog', { status: 'pending' })).toBe(2)
      expect(r.text).toMatch(/^redshield_stream_subscribers 1$/m)
      // Declared for the escalation sweep and the scheduler, which update them.
      expect(r.text).toContain('# TYPE redshield_escalations_fired_total counter')
      expect(r.text).toContain('# TYPE redshield_job_runs_total counter')
      const unknown = await t.call('GET', '/no/such/path')
      expect(unknown.status).toBe(404)
      const after = await scrape(admin)
      expect(after.text).not.toContain('/no/such/path')
    } finally {
      stream.close()
    }
  })
})
