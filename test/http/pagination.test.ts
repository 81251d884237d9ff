import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Every list pages with `limit` and an opaque `cursor`, answering `{items, next}`: following `next` visits
 * every item exactly once, even while new items are added between pages.
 */

let t: TestApp
let admin: string
let commander: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
})
afterAll(() => t.close())

const activate = (n: number) =>
  t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: `分页 ${n}`, districts: ['510104', '510105'] },
  })

/** Follows `next` from the first page; between pages, `between` may add items. */
async function walk(path: string, token: string, limit: number, between: (page: number) => Promise<void>) {
  const seen: string[] = []
  let cursor: string | null = null
  for (let page = 0; page < 200; page++) {
    const sep = path.includes('?') ? '&' : '?'
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const r = await t.call('GET', url, { token })
    expect(r.status, url).toBe(200)
    expect(Object.keys(r.body).sort()).toEqual(['items', 'next'])
    expect(r.body.items.length).toBeLessThanOrEqual(limit)
    seen.push(...r.body.items.map((i: { id?: string | number; code?: string }) => String(i.id ?? i.code)))
    cursor = r.body.next
    if (cursor === null) return seen
    await between(page)
  }
  throw new Error('did not reach the last page')
}

describe('paging', () => {
  it('tasks: every task exactly once while new incidents add tasks between pages', async () => {
    for (let n = 0; n < 3; n++) expect((await activate(n)).status).toBe(201)
    const before = await t.deps.db.selectFrom('tasks').select('id').execute()
    const seen = await walk('/api/v1/tasks', admin, 7, async (page) => {
      if (page < 3) await activate(100 + page)
    })
    expect(new Set(seen).size).toBe(seen.length) // nothing twice
    for (const { id } of before) expect(seen).toContain(id) // nothing that existed is skipped
    // Tasks added meanwhile are seen when they sort after the cursor (they may, or may not).
    const all = await t.deps.db.selectFrom('tasks').select('id').execute()
    expect(seen.length).toBeLessThanOrEqual(all.length)
  })

  it('incidents (newest first): every incident that existed exactly once while new ones are added', async () => {
    const before = await t.deps.db.selectFrom('incidents').select('id').execute()
    const seen = await walk('/api/v1/incidents', admin, 2, async (page) => {
      if (page < 2) {
        t.clock.advance(60_000)
        await activate(200 + page)
      }
    })
    expect(new Set(seen).size).toBe(seen.length)
    for (const { id } of before) expect(seen).toContain(id)
  })

  it('incident events and tokens page the same way', async () => {
    const inc = await activate(300)
    const events = await walk(`/api/v1/incidents/${inc.body.id}/events`, commander, 3, async () => {})
    const count = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_id', '=', inc.body.id)
      .executeTakeFirstOrThrow()
    expect(events.length).toBe(Number(count.n))
    expect(new Set(events).size).toBe(events.length)

    const tokens = await walk('/api/v1/tokens', admin, 1, async (page) => {
      if (page === 0) await t.token('district', { district: '510106' })
    })
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(tokens.length).toBe(3) // admin, commander, and the one added after the first page
  })

  it('districts and playbooks page too; the default page is 50', async () => {
    const districts = await walk('/api/v1/districts', admin, 6, async () => {})
    expect(districts).toHaveLength(20)
    const playbooks = await walk('/api/v1/playbooks', admin, 1, async () => {})
    expect(playbooks).toHaveLength(t.deps.playbooks.list().length)
    const first = await t.call('GET', '/api/v1/districts')
    expect(first.body.items).toHaveLength(20)
    expect(first.body.next).toBeNull()
  })

  it('refuses a limit out of range and a cursor it did not hand out', async () => {
    for (const q of ['limit=0', 'limit=501', 'limit=x', 'cursor=bm9wZQ', 'cursor=WzFd']) {
      const r = await t.call('GET', `/api/v1/tasks?${q}`, { token: admin })
      expect(r.status, q).toBe(422)
      expect(r.body.issues[0].path).toMatch(/^query\.(limit|cursor)$/)
    }
  })
})
