import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWebhookDelivery } from '../../src/webhooks/webhook-delivery.job.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { type Receiver, startReceiver } from '../helpers/receiver.js'
import { openStream, type SseClient, typesOf } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
const HOME = '510104'
const NEIGHBOUR = '510105'
const OTHER = '510106'
const PASSWORD = 'correct horse battery staple 42'

let t: TestApp
let admin: string
let commander: string
let home: string
const open: SseClient[] = []

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
  home = await t.token('district', { district: HOME })
})
afterAll(async () => {
  for (const s of open) s.close()
  await t.close()
})

async function stream(token: string, query = '') {
  const s = await openStream(`${t.baseUrl}${API}/stream${query}`, { token })
  expect(s.status).toBe(200)
  open.push(s)
  return s
}

async function activate(districts: string[] | 'all', title: string) {
  const r = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title, districts },
  })
  expect(r.status, r.text).toBe(201)
  return r.body.id as string
}

describe('what the stream shows, and what events carry', () => {
  it('personal and secret fields never enter events; each role sees only what its API lets it read', async () => {
    const a = await stream(admin)
    const c = await stream(commander)
    const h = await stream(home)
    const sampler = await stream(await t.token('sampler'))

    // Staff account with a phone, signed in through the console.
    const created = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'zhou.min', name: '周敏', role: 'district', district: HOME, phone: '13912345678' },
    })
    expect(created.status, created.text).toBe(201)
    const userId = created.body.id as string
    const patched = await t.call('PATCH', `${API}/users/${userId}`, {
      token: admin,
      body: { name: '周敏敏', phone: '13987654321', district: NEIGHBOUR },
    })
    expect(patched.status, patched.text).toBe(200)
    await makeUser(t, 'wang.fang', PASSWORD, { role: 'district', district: HOME, name: '王芳' })
    expect((await new FormClient(() => t.baseUrl).signIn('wang.fang', PASSWORD)).status).toBe(303)
    // A password typed into the login field, five times: the lockout must not record it.
    for (let i = 0; i < 5; i++) await new FormClient(() => t.baseUrl).signIn('Hunter2-Secret!', 'whatever')
    // A webhook whose path is its receiver's key.
    const hook = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: 'http://127.0.0.1:9/bot/send?key=abcdef0123456789', events: ['task.*'] },
    })
    expect(hook.status, hook.text).toBe(201)
    await t.call('DELETE', `${API}/webhooks/${hook.body.id}`, { token: admin })
    // Contacts with names and phones.
    const contacts = await t.call('PUT', `${API}/districts/${HOME}/contacts`, {
      token: admin,
      body: { dutyOfficer: { name: '赵值班', phone: '028-8888 0001' }, head: null },
    })
    expect(contacts.status, contacts.text).toBe(200)
    const incident = await activate([HOME], 'scope marker')

    await a.until((m) => m.some((x) => x.data.incident === incident && x.data.type === 'incident.activated'))
    await c.until((m) => m.some((x) => x.data.incident === incident && x.data.type === 'incident.activated'))
    await h.until((m) => m.some((x) => x.data.incident === incident && x.data.type === 'incident.activated'))
    await sampler.until((m) => typesOf(m).includes('alert.issued'))

    // Nothing personal or secret in any event row, whoever reads it.
    const rows = await sql<{ row: string }>`select row_to_json(e)::text as row from events e`.execute(
      t.deps.db,
    )
    const all = rows.rows.map((r) => r.row).join('\n')
    for (const secret of [
      'zhou.min',
      '周敏',
      '13912345678',
      '13987654321',
      'wang.fang',
      'hunter2',
      'Hunter2-Secret!',
      '/bot/send',
      'abcdef0123456789',
      '赵值班',
      '028-8888 0001',
    ])
      expect(all, secret).not.toContain(secret)

    const adminTypes = new Set(typesOf(a.messages))
    for (const type of [
      'user.created',
      'user.updated',
      'session.signed_in',
      'user.locked_out',
      'webhook.created',
      'webhook.deleted',
      'contacts.updated',
    ])
      expect(adminTypes, type).toContain(type)
    const updated = a.messages.find((m) => m.data.type === 'user.updated')
    expect(updated?.data.payload).toEqual({
      fields: ['name', 'phone', 'district'],
      changes: { district: NEIGHBOUR },
    })
    expect(a.messages.find((m) => m.data.type === 'webhook.created')?.data.payload.origin).toBe(
      'http://127.0.0.1:9',
    )
    expect(a.messages.find((m) => m.data.type === 'contacts.updated')?.data.payload).toEqual({
      scope: 'district',
      district: HOME,
      filled: ['dutyOfficer'],
    })
    // The lock names no account (the login named none) rather than the text typed.
    expect(a.messages.find((m) => m.data.type === 'user.locked_out')?.data.subject).toBeNull()

    const prefixes = (s: SseClient) => new Set(typesOf(s.messages).map((x) => x.split('.')[0]))
    // The command centre: incidents, tasks, contacts, alerts; not accounts, sessions, tokens, webhooks.
    for (const p of ['user', 'session', 'token', 'webhook']) expect(prefixes(c), p).not.toContain(p)
    expect(prefixes(c)).toContain('contacts')
    // A district: its own incidents and tasks, alerts; not accounts, sessions or contacts.
    for (const p of ['user', 'session', 'token', 'webhook', 'contacts'])
      expect(prefixes(h), p).not.toContain(p)
    expect(prefixes(h)).toContain('task')
    // The sampling office: alerts here (no accounts, no incidents).
    expect([...prefixes(sampler)]).toEqual(['alert'])
  })
})

/**
 * ONE table: who receives which event, decided by the same rule for a stream (`?types=` and a district's
 * home) and for a webhook (`events` and `districts`). Each route is run both ways.
 */
interface Case {
  route: string
  types: string[] | null
  district: string | null
  receives: string[]
}
const EVENTS = [
  // name, type, its own district, its incident ('home': covers HOME; 'all': every district; null: none)
  ['home task', 'task.reported', HOME, 'home'],
  ['neighbour task', 'task.reported', NEIGHBOUR, 'all'],
  ['home-wide incident', 'incident.closed', null, 'home'],
  ['city-wide incident', 'incident.closed', null, 'all'],
  ['no-place alert', 'alert.issued', null, null],
  ['home escalation', 'task.escalated', HOME, 'home'],
] as const
const ROUTING: Case[] = [
  {
    route: 'everything',
    types: null,
    district: null,
    receives: EVENTS.map((e) => e[0]),
  },
  {
    route: 'task.* anywhere',
    types: ['task.*'],
    district: null,
    receives: ['home task', 'neighbour task', 'home escalation'],
  },
  {
    route: 'one exact type',
    types: ['incident.closed'],
    district: null,
    receives: ['home-wide incident', 'city-wide incident'],
  },
  {
    route: 'home, any type',
    types: null,
    district: HOME,
    receives: ['home task', 'home-wide incident', 'city-wide incident', 'home escalation'],
  },
  {
    route: 'neighbour, tasks and incidents',
    types: ['task.*', 'incident.*'],
    district: NEIGHBOUR,
    receives: ['neighbour task', 'city-wide incident'],
  },
  { route: 'a district no incident covers', types: null, district: OTHER, receives: ['city-wide incident'] },
  { route: 'no type matches', types: ['task.report', 'alert'], district: null, receives: [] },
]

describe('routing: one table for the stream and for webhooks', () => {
  const receivers: Receiver[] = []
  afterAll(async () => {
    for (const rx of receivers) await rx.close()
  })

  it('each route receives exactly the events the table says, by both ways', async () => {
    const homeIncident = await activate([HOME], 'routing home')
    const cityIncident = await activate('all', 'routing city')
    const tokens = new Map<string, string>([[HOME, home]])
    for (const d of [NEIGHBOUR, OTHER]) tokens.set(d, await t.token('district', { district: d }))
    const runs = []
    for (const c of ROUTING) {
      // A stream: a district's own token for a district route; an admin otherwise (a role that reads all).
      const token = c.district === null ? admin : (tokens.get(c.district) as string)
      const types = c.types === null ? '' : `?types=${encodeURIComponent(c.types.join(','))}`
      const s = await stream(token, types)
      const rx = await startReceiver()
      receivers.push(rx)
      const hook = await t.call('POST', `${API}/webhooks`, {
        token: admin,
        body: {
          url: rx.url,
          events: c.types ?? ['*'],
          ...(c.district === null ? {} : { districts: [c.district] }),
        },
      })
      expect(hook.status, hook.text).toBe(201)
      runs.push({ c, s, rx })
    }
    const at = t.clock.now()
    for (const [name, type, district, incident] of EVENTS)
      await t.deps.db
        .insertInto('events')
        .values({
          type,
          incident_id: incident === 'home' ? homeIncident : incident === 'all' ? cityIncident : null,
          task_id: null,
          district_code: district,
          subject: `case:${name}`,
          actor_id: null,
          actor_name: 'routing test',
          actor_role: 'system',
          request_id: 'routing',
          payload: JSON.stringify({}),
          created_at: at,
        })
        .execute()
    const marker = await activate([HOME], 'routing end')
    for (const { s, c } of runs)
      if (c.district === null && c.types === null)
        await s.until((m) => m.some((x) => x.data.incident === marker))
    await new Promise((r) => setTimeout(r, 300))
    for (let i = 0; i < 5; i++) await runWebhookDelivery(t.deps)

    const cases = (subjects: (string | null | undefined)[]) =>
      subjects.filter((s) => s?.startsWith('case:')).map((s) => (s as string).slice('case:'.length))
    for (const { c, s, rx } of runs) {
      expect(cases(s.messages.map((m) => m.data.subject)), `stream: ${c.route}`).toEqual(c.receives)
      const delivered = rx.accepted().map((r) => JSON.parse(r.body).data.subject as string | null)
      expect(cases(delivered), `webhook: ${c.route}`).toEqual(c.receives)
    }
  })
})
