import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refreshBoards } from '../../src/boards/board-refresh.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Small 500s found by attacking the API: a lone surrogate in a JSON string (PostgreSQL refuses the text), a
// board version past PostgreSQL's integer, and a cursor `[null]` that answered an empty page. Each is a 422
// naming the place now.
const API = '/api/v1'
let t: TestApp
let admin: string
let commander: string
let shop: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
  const r = await t.call('POST', `${API}/retailers`, {
    token: admin,
    body: { id: 'shop-one', name: '一号店', district: '510104', address: '成都市锦江区一号' },
  })
  expect(r.status, r.text).toBe(201)
  shop = await t.token('retailer', { retailer: 'shop-one' })
  await refreshBoards(t.deps, { all: true })
})
afterAll(() => t.close())

describe('a lone surrogate in a JSON body', () => {
  it('is a 422 naming each field, on any route, in a string or a key; nothing is written', async () => {
    const before = await t.deps.db.selectFrom('incidents').select('id').execute()
    // JSON.stringify writes a lone surrogate as the escape `\ud800`, as an attacker would send it.
    const r = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'x\ud800y', districts: ['510104'], note: '\udc00' },
    })
    expect(r.status, r.text).toBe(422)
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(r.body.code).toBe('validation_failed')
    const paths = r.body.issues.map((i: { path: string }) => i.path).sort()
    expect(paths).toEqual(['body.note', 'body.title'])
    expect(r.body.issues[0].code).toBe('lone_surrogate')
    expect(r.body.issues[0].message).toContain('代理字符') // Chinese by default
    expect(await t.deps.db.selectFrom('incidents').select('id').execute()).toHaveLength(before.length)

    for (const [path, body] of [
      [`${API}/retailers`, { id: 'shop-two', name: '\ud83d', district: '510104', address: 'x' }],
      [`${API}/webhooks`, { url: 'http://127.0.0.1:1/\udfff', events: ['*'] }],
      [`${API}/tokens`, { role: 'commander', name: 'n', 'k\ud800': 1 }],
    ] as const) {
      const res = await t.call('POST', path, { token: admin, body })
      expect(res.status, `${path} ${res.text}`).toBe(422)
      expect(
        res.body.issues.some((i: { code: string }) => i.code === 'lone_surrogate'),
        path,
      ).toBe(true)
    }
    // A pair (an emoji) is text like any other.
    const ok = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '辣椒 🌶', districts: ['510104'] },
    })
    expect(ok.status, ok.text).toBe(201)
  })
})

describe('a board version past the integer range', () => {
  it('is a 422, not a 500', async () => {
    const r = await t.call('POST', `${API}/boards/shop-one/confirm`, {
      token: shop,
      body: { version: 2147483648 },
    })
    expect(r.status, r.text).toBe(422)
    expect(r.body.issues[0].path).toBe('body.version')
  })
})

describe('a cursor that no list handed out', () => {
  it('`[null]` (W251bGxd) and other shapes are a 422 on every kind of list', async () => {
    for (const path of [
      `${API}/retailers`,
      `${API}/tokens`,
      `${API}/webhooks`,
      `${API}/users`,
      `${API}/incidents`,
      `${API}/tasks`,
      `${API}/boards/unconfirmed`,
    ]) {
      for (const cursor of ['W251bGxd', 'W251bGwsbnVsbF0', 'W251bGwsbnVsbCxudWxsXQ']) {
        const r = await t.call('GET', `${path}?cursor=${cursor}`, { token: admin })
        expect(r.status, `${path} ${cursor} ${r.text}`).toBe(422)
        expect(r.body.issues[0].path).toBe('query.cursor')
      }
    }
  })
})
