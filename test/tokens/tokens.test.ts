import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
})
afterAll(() => t.close())

describe('API tokens', () => {
  it('creates a token shown once, usable at once, listed without its secret', async () => {
    const r = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: '锦江区值班', role: 'district', district: '510104' },
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      name: '锦江区值班',
      role: 'district',
      district: '510104',
      revokedAt: null,
    })
    expect(r.body.token).toMatch(/^rs_/)
    expect(r.body.prefix).toBe(r.body.token.slice(0, 8))

    const tasks = await t.call('GET', '/api/v1/tasks', { token: r.body.token })
    expect(tasks.status).toBe(200)

    const list = await t.call('GET', '/api/v1/tokens', { token: admin })
    const listed = list.body.items.find((i: { id: string }) => i.id === r.body.id)
    expect(listed).toBeDefined()
    expect(list.text).not.toContain(r.body.token)
    expect(listed.token).toBeUndefined()

    // Stored hashed: the secret is nowhere in the table.
    const rows = await t.deps.db.selectFrom('api_tokens').selectAll().execute()
    expect(JSON.stringify(rows)).not.toContain(r.body.token)
  })

  it('revokes: the token stops working at once; revoking again changes nothing', async () => {
    const created = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'tmp', role: 'commander' },
    })
    const first = await t.call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin })
    expect(first.status).toBe(200)
    expect(first.body.revokedAt).not.toBeNull()
    expect((await t.call('GET', '/api/v1/incidents', { token: created.body.token })).status).toBe(401)
    const second = await t.call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin })
    expect(second.body.revokedAt).toBe(first.body.revokedAt)
    const listed = await t.call('GET', '/api/v1/tokens', { token: admin })
    expect(listed.body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id)
    const all = await t.call('GET', '/api/v1/tokens?revoked=true', { token: admin })
    expect(all.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id)
  })

  it('records who created and revoked a token, from which request', async () => {
    const created = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'audited', role: 'sampler' },
      headers: { 'x-request-id': 'audit-req-1' },
    })
    await t.call('DELETE', `/api/v1/tokens/${created.body.id}`, {
      token: admin,
      headers: { 'x-request-id': 'audit-req-2' },
    })
    const events = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('subject', '=', created.body.id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => [e.type, e.request_id, e.actor_role])).toEqual([
      ['token.created', 'audit-req-1', 'admin'],
      ['token.revoked', 'audit-req-2', 'admin'],
    ])
    expect(events[0]?.actor_id).not.toBeNull()
  })

  it('refuses bad bindings, listing each problem', async () => {
    const r = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'x', role: 'commander', district: '999999', retailer: 'nobody' },
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'district',
      'district',
      'retailer',
      'retailer',
    ])
    const missing = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'x', role: 'district' },
    })
    expect(missing.status).toBe(422)
    expect(missing.body.issues[0].path).toBe('district')
    const count = await t.deps.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const after = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'x', role: 'retailer' },
    })
    expect(after.status).toBe(422)
    const count2 = await t.deps.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(count2.n)).toBe(Number(count.n))
  })

  it('404 for an unknown or malformed id; only admins manage tokens', async () => {
    expect(
      (await t.call('DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000', { token: admin }))
        .status,
    ).toBe(404)
    expect((await t.call('DELETE', '/api/v1/tokens/not-a-uuid', { token: admin })).status).toBe(404)
    const commander = await t.token('commander')
    expect(
      (await t.call('POST', '/api/v1/tokens', { token: commander, body: { name: 'x', role: 'admin' } }))
        .status,
    ).toBe(403)
  })
})

describe('districts', () => {
  it('lists Chengdu’s 20 divisions with GB/T 2260 codes', async () => {
    const r = await t.call('GET', '/api/v1/districts')
    expect(r.body.items).toHaveLength(20)
    expect(r.body.items[0]).toEqual({
      code: '510104',
      nameZh: '锦江区',
      nameEn: 'Jinjiang District',
      kind: 'district',
      since: null,
    })
    expect(r.body.items.at(-1)).toMatchObject({ code: '510185', nameZh: '简阳市', since: 2016 })
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await t.call('GET', '/api/v1/districts')
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await t.call('GET', '/api/v1/districts', { headers: { 'if-none-match': etag ?? '' } })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
  })
})
