import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

/**
 * A retailer is changed under its lock, writing only what the patch names; a duplicate id, however it
 * races, is a 409 naming the field.
 */
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

const register = (id: string, token = admin) =>
  t.call('POST', `${API}/retailers`, {
    token,
    body: { id, name: '万达广场锦江店', district: '510104', address: '成都市锦江区三色路1号' },
  })

describe('retailer writes', () => {
  it('a duplicate id is a 409 naming the field', async () => {
    expect((await register('dup-one')).status).toBe(201)
    const again = await register('dup-one')
    expect(again.status).toBe(409)
    expect(again.body.issues).toEqual([expect.objectContaining({ path: 'id', code: 'duplicate' })])
  })

  it('a patch writes only the fields it names', async () => {
    expect((await register('only-named')).status).toBe(201)
    // Someone changed the row behind the API's back: a patch of another field leaves it alone.
    await t.deps.db
      .updateTable('retailers')
      .set({ categories: ['外部修改'] })
      .where('id', '=', 'only-named')
      .execute()
    const r = await t.call('PATCH', `${API}/retailers/only-named`, {
      token: admin,
      body: { nameEn: 'Wanda' },
    })
    expect(r.status, r.text).toBe(200)
    expect(r.body).toMatchObject({ nameEn: 'Wanda', categories: ['外部修改'] })
  })
})

describe('If-Match on a retailer write', () => {
  it('a write based on a stale ETag is 412 and changes nothing; a current one, `*` or none is applied', async () => {
    expect((await register('etag-shop')).status).toBe(201)
    const read = await t.call('GET', `${API}/retailers/etag-shop`, { token: admin })
    const first = read.headers.get('etag') as string
    expect(first).toMatch(/^"[\w-]+"$/)
    // Another admin changes it: the first admin's copy is stale.
    const other = await t.call('PATCH', `${API}/retailers/etag-shop`, {
      token: admin2,
      headers: { 'if-match': first },
      body: { nameEn: 'Wanda Jinjiang' },
    })
    expect(other.status, other.text).toBe(200)
    const second = other.headers.get('etag') as string
    expect(second).not.toBe(first)
    expect((await t.call('GET', `${API}/retailers/etag-shop`, { token: admin })).headers.get('etag')).toBe(
      second,
    )

    const stale = await t.call('PATCH', `${API}/retailers/etag-shop`, {
      token: admin,
      headers: { 'if-match': first },
      body: { nameEn: 'Stale edit' },
    })
    expect(stale.status).toBe(412)
    expect(stale.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(stale.body).toMatchObject({ code: 'precondition_failed', status: 412 })
    expect(stale.headers.get('etag')).toBe(second)
    const after = await t.call('GET', `${API}/retailers/etag-shop`, { token: admin })
    expect(after.body.nameEn).toBe('Wanda Jinjiang')

    // In English, too.
    const en = await t.call('PATCH', `${API}/retailers/etag-shop?lang=en`, {
      token: admin,
      headers: { 'if-match': first },
      body: { nameEn: 'Stale edit' },
    })
    expect(en.body.detail).toMatch(/changed since you read it/)

    // The tag as sent back, weak, in a list, `*`, or no If-Match at all: each is applied.
    let tag = second
    const forms = [
      (e: string) => e,
      (e: string) => `W/${e}`,
      (e: string) => `"x", ${e}`,
      () => '*',
      () => undefined,
    ]
    for (const [n, form] of forms.entries()) {
      const ifMatch = form(tag)
      const r = await t.call('PATCH', `${API}/retailers/etag-shop`, {
        token: admin,
        ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
        body: { categories: [`类别${n}`] },
      })
      expect(r.status, `${ifMatch}: ${r.text}`).toBe(200)
      expect(r.headers.get('etag')).not.toBe(tag)
      tag = r.headers.get('etag') as string
    }
  })
})

describe.skipIf(testEngine() !== 'postgres')(
  'races (PostgreSQL: PGlite has one connection and serialises)',
  () => {
    it('two writes based on the same ETag at once: one is applied, the other is 412', async () => {
      expect((await register('etag-race')).status).toBe(201)
      const tag = (await t.call('GET', `${API}/retailers/etag-race`, { token: admin })).headers.get(
        'etag',
      ) as string
      const results = await Promise.all(
        ['甲', '乙', '丙', '丁'].map((n) =>
          t.call('PATCH', `${API}/retailers/etag-race`, {
            token: admin,
            headers: { 'if-match': tag },
            body: { name: `万达${n}` },
          }),
        ),
      )
      expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412])
    })

    it('two admins editing different fields at once: both edits survive', async () => {
      for (let round = 0; round < 8; round++) {
        const id = `lost-update-${round}`
        expect((await register(id)).status).toBe(201)
        const results = await Promise.all([
          t.call('PATCH', `${API}/retailers/${id}`, { token: admin, body: { name: `新名称${round}` } }),
          t.call('PATCH', `${API}/retailers/${id}`, { token: admin2, body: { categories: ['大型商场'] } }),
          t.call('PATCH', `${API}/retailers/${id}`, {
            token: admin,
            body: { contact: { name: '王经理', phone: '028-8000-0001' } },
          }),
        ])
        for (const r of results) expect(r.status, r.text).toBe(200)
        const now = await t.call('GET', `${API}/retailers/${id}`, { token: admin })
        expect(now.body).toMatchObject({
          name: `新名称${round}`,
          categories: ['大型商场'],
          contact: { name: '王经理', phone: '028-8000-0001' },
        })
      }
    })

    it('concurrent registrations of one id: one 201, the rest 409 naming the field, never 500', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => register('same-id', i % 2 ? admin : admin2)),
      )
      const statuses = results.map((r) => r.status).sort()
      expect(statuses).toEqual([201, ...Array(9).fill(409)])
      for (const r of results.filter((x) => x.status === 409))
        expect(r.body.issues).toEqual([expect.objectContaining({ path: 'id', code: 'duplicate' })])
    })
  },
)
