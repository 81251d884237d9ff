import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let alice: string
let bob: string

beforeAll(async () => {
  t = await startTestApp()
  alice = await t.token('commander', { name: 'alice' })
  bob = await t.token('commander', { name: 'bob' })
})
afterAll(() => t.close())

const body = { playbook: 'sudan-red', level: 'IV', title: '幂等', districts: ['510105', '510104'] }
const activate = (token: string, key: string, b: Record<string, unknown> = body) =>
  t.call('POST', '/api/v1/incidents', { token, body: b, headers: { 'idempotency-key': key } })

describe('idempotency keys belong to the caller', () => {
  it('another token holder reusing a key gets its own incident, never the first one', async () => {
    const a = await activate(alice, 'shared-key')
    expect(a.status).toBe(201)
    const b = await activate(bob, 'shared-key')
    expect(b.status).toBe(201)
    expect(b.body.id).not.toBe(a.body.id)
    // Each replays its own.
    expect((await activate(alice, 'shared-key')).body.id).toBe(a.body.id)
    expect((await activate(bob, 'shared-key')).body.id).toBe(b.body.id)
    // A different body under one's own key is still refused.
    const other = await activate(bob, 'shared-key', { ...body, title: '别的' })
    expect(other.status).toBe(422)
    expect(other.body.code).toBe('idempotency_mismatch')
  })

  it('compares bodies after defaults: `exercise: false` is no `exercise`; district order and spacing do not matter', async () => {
    const first = await activate(alice, 'defaults')
    expect(first.status).toBe(201)
    const same = [
      { ...body, exercise: false },
      { ...body, districts: ['510104', '510105'] },
      { ...body, title: '  幂等 ' },
      { ...body, products: [] },
    ]
    for (const b of same) {
      const r = await activate(alice, 'defaults', b)
      expect(r.status, JSON.stringify(b)).toBe(200)
      expect(r.body.id).toBe(first.body.id)
    }
    const drill = await activate(alice, 'defaults', { ...body, exercise: true })
    expect(drill.status).toBe(422)
  })
})
