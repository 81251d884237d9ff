import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

/**
 * An account is changed under its lock, writing only the columns that change; a duplicate login, however it
 * races, is a 409 naming the field.
 */
// Creating an account hashes a password (a deliberate scrypt).
vi.setConfig({ testTimeout: 120_000 })

const API = '/api/v1'
let t: TestApp
let admin: string
let admin2: string

beforeAll(async () => {
  t = await startTestApp({ poolSize: 20 })
  admin = await t.token('admin')
  admin2 = await t.token('admin', { name: '第二位管理员' })
})
afterAll(() => t.close())

const create = (login: string, token = admin) =>
  t.call('POST', `${API}/users`, {
    token,
    body: { login, name: '陈', role: 'district', district: '510104' },
  })

describe('account writes', () => {
  it('a taken login is a 409 naming the field', async () => {
    expect((await create('dup-login')).status).toBe(201)
    const again = await create('DUP-login')
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ code: 'conflict', detail: '登录名「DUP-login」已被使用' })
  })
})

describe('If-Match on an account write', () => {
  it('a write based on a stale ETag is 412 and changes nothing; a current one or none is applied', async () => {
    const created = await create('etag-user')
    expect(created.status, created.text).toBe(201)
    const id = created.body.id as string
    const read = await t.call('GET', `${API}/users/${id}`, { token: admin })
    const first = read.headers.get('etag') as string
    expect(first).toMatch(/^"[\w-]+"$/)
    const other = await t.call('PATCH', `${API}/users/${id}`, {
      token: admin2,
      headers: { 'if-match': first },
      body: { phone: '028-7654321' },
    })
    expect(other.status, other.text).toBe(200)
    const second = other.headers.get('etag') as string
    expect(second).not.toBe(first)

    const stale = await t.call('PATCH', `${API}/users/${id}`, {
      token: admin,
      headers: { 'if-match': first },
      body: { name: '过时的修改' },
    })
    expect(stale.status).toBe(412)
    expect(stale.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(stale.body).toMatchObject({
      code: 'precondition_failed',
      detail: '该账户已被他人修改：请重新读取后再保存',
    })
    const after = await t.call('GET', `${API}/users/${id}`, { token: admin })
    expect(after.body.name).toBe('陈')
    expect(after.headers.get('etag')).toBe(second)

    const current = await t.call('PATCH', `${API}/users/${id}`, {
      token: admin,
      headers: { 'if-match': second },
      body: { name: '陈静' },
    })
    expect(current.status, current.text).toBe(200)
    const none = await t.call('PATCH', `${API}/users/${id}`, { token: admin, body: { name: '陈静二' } })
    expect(none.status, none.text).toBe(200)
  })
})

describe.skipIf(testEngine() !== 'postgres')(
  'races (PostgreSQL: PGlite has one connection and serialises)',
  () => {
    it('two admins editing different fields at once: both edits survive', async () => {
      for (let round = 0; round < 8; round++) {
        const created = await create(`lost-${round}`)
        expect(created.status, created.text).toBe(201)
        const id = created.body.id as string
        const results = await Promise.all([
          t.call('PATCH', `${API}/users/${id}`, { token: admin, body: { name: `陈静${round}` } }),
          t.call('PATCH', `${API}/users/${id}`, { token: admin2, body: { phone: '028-1234567' } }),
          t.call('PATCH', `${API}/users/${id}`, { token: admin, body: { district: '510105' } }),
        ])
        for (const r of results) expect(r.status, r.text).toBe(200)
        const row = await t.deps.db
          .selectFrom('users')
          .select(['display_name', 'phone', 'district_code'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
        expect(row).toEqual({ display_name: `陈静${round}`, phone: '028-1234567', district_code: '510105' })
      }
    })

    it('concurrent creations of one login: one 201, the rest 409 naming the field, never 500', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          create(i % 2 ? 'same-login' : 'Same-Login', i % 2 ? admin : admin2),
        ),
      )
      const statuses = results.map((r) => r.status).sort()
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409])
      for (const r of results.filter((x) => x.status === 409))
        expect(r.body.detail).toMatch(/^登录名「(same-login|Same-Login)」已被使用$/)
    })
  },
)
