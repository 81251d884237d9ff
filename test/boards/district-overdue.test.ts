import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { refreshBoards } from '../../src/boards/board-refresh.js'
import { approved, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// The officer's sign-in costs a deliberate scrypt.
vi.setConfig({ testTimeout: 120_000 })

const API = '/api/v1'
const HOUR = 3_600_000
let t: TestApp
let s: Staff
let jinjiang: string
let wuhou: string
let commander: string
let shop: string
let publishedAt: Date

type Item = {
  kind: 'task' | 'retailer'
  overdueSince: string
  lateBySeconds: number
  task?: { id: string; district: string; overdue: string | null; incidentCode: string }
  retailer?: { retailerId: string; version: number; since: string; hours: number; overdue: boolean }
}

const overdue = (code: string, token: string | undefined, query = '') =>
  t.call('GET', `${API}/districts/${code}/overdue${query}`, token ? { token } : {})

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
  // The shop the failing sample GC26510104101 was taken at, and one in the same district that sold nothing failing.
  for (const r of [
    { id: 'hongqi-chunxi', name: '成都红旗连锁股份有限公司 春熙路店', address: '成都市锦江区春熙路南段８号' },
    { id: 'wanda-jinjiang', name: '万达广场锦江店', address: '成都市锦江区三色路1号' },
  ]) {
    const res = await t.call('POST', `${API}/retailers`, {
      token: s.admin,
      body: { ...r, district: '510104' },
    })
    if (res.status !== 201) throw new Error(res.text)
  }
  jinjiang = await t.token('district', { district: '510104' })
  wuhou = await t.token('district', { district: '510107' })
  commander = await t.token('commander')
  shop = await t.token('retailer', { retailer: 'hongqi-chunxi' })
  const incident = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: '苏丹红', districts: ['510104', '510105'] },
  })
  if (incident.status !== 201) throw new Error(incident.text)
  const id = await approved(t, s, { number: '2026-OD1', sampleNos: ['GC26510104101'] })
  const r = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  if (r.status !== 200) throw new Error(r.text)
  publishedAt = t.clock.now()
  await refreshBoards(t.deps, { all: true })
})
afterAll(() => t.close())

/** Every page of a district's list, following `next` with `limit`. */
async function walk(code: string, token: string, limit: number) {
  const items: Item[] = []
  let cursor: string | null = null
  do {
    const q: string = `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`
    const r = await overdue(code, token, q)
    expect(r.status, r.text).toBe(200)
    items.push(...r.body.items)
    cursor = r.body.next
  } while (cursor)
  return items
}

describe('a district’s overdue list', () => {
  it('holds no retailer while its board has awaited confirmation for less than 24 h', async () => {
    t.clock.advance(23 * HOUR)
    const r = await overdue('510104', jinjiang)
    expect(r.status, r.text).toBe(200)
    expect((r.body.items as Item[]).filter((i) => i.kind === 'retailer')).toEqual([])
    // It is unconfirmed all the same.
    const unconfirmed = await t.call('GET', `${API}/boards/unconfirmed`, { token: jinjiang })
    expect(unconfirmed.body.items.map((i: { retailerId: string }) => i.retailerId)).toEqual(['hongqi-chunxi'])
  })

  it('past 24 h lists the retailer beside the district’s late tasks, most late first, page by page', async () => {
    t.clock.advance(2 * HOUR) // 25 h after the board asked for confirmation
    const board = (await t.call('GET', `${API}/boards/hongqi-chunxi`)).body
    const all = await walk('510104', jinjiang, 500)
    const retailers = all.filter((i) => i.kind === 'retailer')
    expect(retailers).toEqual([
      {
        kind: 'retailer',
        overdueSince: new Date(publishedAt.getTime() + 24 * HOUR).toISOString(),
        lateBySeconds: 3600,
        retailer: {
          retailerId: 'hongqi-chunxi',
          name: '成都红旗连锁股份有限公司 春熙路店',
          district: '510104',
          version: board.version,
          since: publishedAt.toISOString(),
          hours: 25,
          overdue: true,
        },
      },
    ])
    const tasks = all.filter((i) => i.kind === 'task')
    // Every open task of the incident's 510104 rows is late by now, and none of 510105's is listed.
    const own = await t.call('GET', `${API}/tasks?district=510104&limit=500`, { token: commander })
    const open = (own.body.items as { id: string; overdue: string | null }[]).filter((x) => x.overdue)
    expect(open.length).toBeGreaterThan(0)
    expect(new Set(tasks.map((i) => i.task?.id))).toEqual(new Set(open.map((x) => x.id)))
    for (const i of tasks) {
      expect(i.task).toMatchObject({ district: '510104', incidentCode: expect.any(String) })
      expect(i.lateBySeconds).toBe((t.clock.now().getTime() - Date.parse(i.overdueSince)) / 1000)
    }
    const since = all.map((i) => i.overdueSince)
    expect([...since].sort()).toEqual(since)
    // One at a time gives the same list, each item once.
    expect(await walk('510104', jinjiang, 1)).toEqual(all)
  })

  it('the command centre reads any district; a district only its own; others are refused', async () => {
    const neighbour = await overdue('510105', commander)
    expect(neighbour.status).toBe(200)
    const kinds = new Set((neighbour.body.items as Item[]).map((i) => i.kind))
    expect(kinds).toEqual(new Set(['task']))
    for (const i of neighbour.body.items as Item[]) expect(i.task?.district).toBe('510105')
    expect((await overdue('510104', s.admin)).status).toBe(200)

    const other = await overdue('510104', wuhou)
    expect(other.status).toBe(403)
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(other.text).not.toContain('hongqi-chunxi')
    expect((await overdue('510104', shop)).status).toBe(403)
    expect((await overdue('510104', s.sampler)).status).toBe(403)
    expect((await overdue('510104', undefined)).status).toBe(401)
  })

  it('refuses what is not a district or not a cursor with a problem naming it', async () => {
    const unknown = await overdue('999999', commander)
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    for (const [code, query, path] of [
      ['jinjiang', '', 'path.code'],
      ['510104', '?limit=0', 'query.limit'],
      ['510104', '?cursor=nonsense', 'query.cursor'],
    ] as const) {
      const bad = await overdue(code, commander, query)
      expect(bad.status, bad.text).toBe(422)
      expect([...new Set(bad.body.issues.map((i: { path: string }) => i.path))]).toEqual([path])
    }
  })

  it('the district officer’s task page shows the retailer until it confirms', async () => {
    await makeUser(t, 'zhou', 'correct horse battery', { role: 'district', district: '510104', name: '周敏' })
    const officer = new FormClient(() => t.baseUrl)
    expect((await officer.signIn('zhou', 'correct horse battery')).status).toBe(303)
    const page = await officer.get('/console/tasks')
    expect(page.status).toBe(200)
    expect(page.text).toContain('逾期未确认的商户')
    expect(page.text).toContain('href="/boards/hongqi-chunxi"')
    expect(page.text).toContain('已 25 小时')
    expect(page.text).not.toContain('wanda-jinjiang')
    const en = await officer.get('/console/tasks?lang=en')
    expect(en.text).toContain('Retailers overdue to confirm')

    const version = (await t.call('GET', `${API}/boards/hongqi-chunxi`)).body.version
    const ok = await t.call('POST', `${API}/boards/hongqi-chunxi/confirm`, { token: shop, body: { version } })
    expect(ok.status).toBe(200)
    const after = await officer.get('/console/tasks?lang=zh')
    expect(after.text).not.toContain('逾期未确认的商户')
    const list = (await overdue('510104', jinjiang)).body.items as Item[]
    expect(list.filter((i) => i.kind === 'retailer')).toEqual([])
    expect(list.length).toBeGreaterThan(0)
  })
})
