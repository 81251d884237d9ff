import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Instance, secondInstance } from '../helpers/second-instance.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

/**
 * The public read cache changes on the event bus: with the fallback poll set to a minute, only the bus can
 * tell an instance that another one (or itself) committed an alert.
 */
const API = '/api/v1'
let t: TestApp
let commander: string

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '60000' } })
  commander = await t.token('commander')
})
afterAll(() => t.close())

async function alertIds(baseUrl: string): Promise<string[]> {
  const r = await fetch(`${baseUrl}${API}/public/alerts?limit=500`)
  expect(r.status).toBe(200)
  return ((await r.json()) as { items: { source: { id: string } }[] }).items.map((a) => a.source.id)
}

async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return check()
}

const activate = async (title: string) => {
  const r = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title, districts: ['510104'] },
  })
  expect(r.status, r.text).toBe(201)
  return r.body.id as string
}

describe('public cache change signal', () => {
  it('an instance sees its own new alert at once, through the bus, not the minute-long poll', async () => {
    expect(await alertIds(t.baseUrl)).toEqual([])
    const id = await activate('本实例')
    expect(await within(1000, async () => (await alertIds(t.baseUrl)).includes(id))).toBe(true)
  })

  describe.skipIf(testEngine() !== 'postgres')('across instances (PostgreSQL)', () => {
    let b: Instance
    beforeAll(async () => {
      b = await secondInstance(t)
    })
    afterAll(() => b.close())

    it('another instance sees a new alert within a second', async () => {
      const before = await alertIds(b.baseUrl)
      const id = await activate('另一实例')
      expect(before).not.toContain(id)
      expect(await within(1000, async () => (await alertIds(b.baseUrl)).includes(id))).toBe(true)
    })
  })
})
