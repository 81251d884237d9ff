import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Each sign-in costs a deliberate scrypt (tens of ms alone, far more on a loaded shared machine).
vi.setConfig({ testTimeout: 120_000 })

const API = '/api/v1'
let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin', { name: '管理员 Admin' })
})
afterAll(() => t.close())

describe('POST /api/v1/users', () => {
  it('creates an account with a one-time password shown once, and records who did it', async () => {
    const r = await t.call('POST', `${API}/users`, {
      token: admin,
      headers: { 'x-request-id': 'req-create-1' },
      body: {
        login: 'Li.Na',
        name: '李娜',
        role: 'district',
        district: '510104',
        phone: '+86 138 0000 0000',
      },
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      login: 'Li.Na',
      name: '李娜',
      role: 'district',
      district: '510104',
      retailer: null,
      phone: '+86 138 0000 0000',
      mustChangePassword: true,
      disabled: false,
    })
    expect(r.body.oneTimePassword).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/)
    const stored = await t.deps.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow()
    expect(stored.password_hash).toMatch(/^scrypt\$N=32768,r=8,p=1\$/)
    expect(stored.password_hash).not.toContain(r.body.oneTimePassword)
    const got = await t.call('GET', `${API}/users/${r.body.id}`, { token: admin })
    expect(got.body.oneTimePassword).toBeUndefined()

    const event = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'user.created')
      .where('subject', '=', r.body.id)
      .executeTakeFirstOrThrow()
    expect(event).toMatchObject({
      request_id: 'req-create-1',
      actor_name: '管理员 Admin',
      actor_role: 'admin',
    })
    expect(JSON.stringify(event.payload)).not.toContain(r.body.oneTimePassword)
  })

  it('refuses a login that differs only in case, with 409', async () => {
    await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'wang', name: '王', role: 'commander' },
    })
    const r = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'WANG', name: '王二', role: 'commander' },
    })
    expect(r.status).toBe(409)
    expect(r.body.code).toBe('conflict')
  })

  it('names every problem at once and writes nothing', async () => {
    const r = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: '-x', name: '', role: 'chef', phone: 'call me' },
    })
    expect(r.status).toBe(422)
    const paths = (r.body.issues as { path: string }[]).map((i) => i.path).sort()
    expect(paths).toEqual(['body.login', 'body.name', 'body.phone', 'body.role'])
    const binding = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'zhao', name: '赵', role: 'district', retailer: 'nowhere' },
    })
    expect(binding.status).toBe(422)
    expect((binding.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'district',
      'retailer',
      'retailer',
    ])
    const count = await t.deps.db
      .selectFrom('users')
      .select('login')
      .where('login_key', '=', 'zhao')
      .execute()
    expect(count).toEqual([])
  })

  it('is for administrators only', async () => {
    const body = { login: 'nobody', name: 'x', role: 'commander' }
    expect((await t.call('POST', `${API}/users`, { body })).status).toBe(401)
    const commander = await t.token('commander')
    const r = await t.call('POST', `${API}/users`, { token: commander, body })
    expect(r.status).toBe(403)
    expect((await t.call('GET', `${API}/users`, { token: commander })).status).toBe(403)
  })
})

describe('GET /api/v1/users', () => {
  it('pages by login name and filters by role', async () => {
    for (const login of ['p-a', 'p-b', 'p-c'])
      await t.call('POST', `${API}/users`, { token: admin, body: { login, name: login, role: 'sampler' } })
    const first = await t.call('GET', `${API}/users?role=sampler&limit=2`, { token: admin })
    expect(first.status).toBe(200)
    expect(first.body.items.map((u: { login: string }) => u.login)).toEqual(['p-a', 'p-b'])
    const second = await t.call('GET', `${API}/users?role=sampler&limit=2&cursor=${first.body.next}`, {
      token: admin,
    })
    expect(second.body).toMatchObject({ items: [{ login: 'p-c' }], next: null })
    const bad = await t.call('GET', `${API}/users?cursor=nonsense`, { token: admin })
    expect(bad.status).toBe(422)
  })
})

describe('PATCH /api/v1/users/{id}', () => {
  it('changes name, phone and role, disables, and resets the password (ending sessions)', async () => {
    const created = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'chen', name: '陈', role: 'district', district: '510104' },
    })
    const id = created.body.id as string
    const browser = new FormClient(() => t.baseUrl)
    await browser.signIn('chen', created.body.oneTimePassword)
    expect((await browser.get('/console/password')).status).toBe(200)

    const moved = await t.call('PATCH', `${API}/users/${id}`, {
      token: admin,
      body: { name: '陈静', phone: '028-1234567', district: '510105' },
    })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({
      name: '陈静',
      phone: '028-1234567',
      district: '510105',
      role: 'district',
    })
    expect(moved.body.oneTimePassword).toBeUndefined()

    const promoted = await t.call('PATCH', `${API}/users/${id}`, {
      token: admin,
      body: { role: 'commander' },
    })
    expect(promoted.body).toMatchObject({ role: 'commander', district: null })

    const reset = await t.call('PATCH', `${API}/users/${id}`, { token: admin, body: { resetPassword: true } })
    expect(reset.status).toBe(200)
    expect(reset.body.oneTimePassword).toMatch(/^[a-z2-9-]{17}$/)
    expect(reset.body.mustChangePassword).toBe(true)
    expect((await browser.get('/console/password')).status).toBe(303) // signed out by the reset

    const disabled = await t.call('PATCH', `${API}/users/${id}`, { token: admin, body: { disabled: true } })
    expect(disabled.body.disabled).toBe(true)

    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload', 'actor_role'])
      .where('subject', '=', id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.type)).toEqual([
      'user.created',
      'session.signed_in',
      'user.updated',
      'user.updated',
      'user.password_reset',
      'user.disabled',
    ])
    // Personal values (name, phone) are named as changed, never written into the event.
    expect(events[2]?.payload).toEqual({
      fields: ['name', 'phone', 'district'],
      changes: { district: '510105' },
    })
    expect(events[3]?.payload).toEqual({
      fields: ['role', 'district'],
      changes: { role: 'commander', district: null },
    })
  })

  it('refuses a bad binding, an unknown id, and non-administrators', async () => {
    const created = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'sun', name: '孙', role: 'commander' },
    })
    const id = created.body.id as string
    const r = await t.call('PATCH', `${API}/users/${id}`, {
      token: admin,
      body: { role: 'district', district: '999999' },
    })
    expect(r.status).toBe(422)
    expect(r.body.issues).toEqual([{ path: 'district', message: '未知的区县代码 999999' }])
    const strict = await t.call('PATCH', `${API}/users/${id}`, { token: admin, body: { password: 'x' } })
    expect(strict.status).toBe(422)
    expect(
      (await t.call('PATCH', `${API}/users/${crypto.randomUUID()}`, { token: admin, body: {} })).status,
    ).toBe(404)
    const district = await t.token('district', { district: '510104' })
    expect(
      (await t.call('PATCH', `${API}/users/${id}`, { token: district, body: { name: 'x' } })).status,
    ).toBe(403)
  })
})
