import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boardEventsJob } from '../../src/boards/board-events.job.js'
import { boardRefreshJob } from '../../src/boards/board-refresh.job.js'
import { refreshBoards } from '../../src/boards/board-refresh.js'
import { runCronSlot, startScheduler } from '../../src/jobs/scheduler.js'
import { approved, extraSample, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { secondInstance } from '../helpers/second-instance.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

const API = '/api/v1'
let t: TestApp
let s: Staff
let consumer: ReturnType<typeof startScheduler>
let shopToken: string
let otherShopToken: string
let jinjiang: string
let wuhou: string
let failingAnnouncement: string

// Four boards: one at the shop a failing sample was taken at (its name printed with a full-width space in
// the lab file is registered here half-width), one more in its district, one in 武侯 (another failing
// sample), one in 青羊 (none).
const RETAILERS = [
  {
    id: 'hongqi-chunxi',
    name: '成都红旗连锁股份有限公司 春熙路店',
    district: '510104',
    address: '成都市锦江区春熙路南段８号',
  },
  { id: 'wanda-jinjiang', name: '万达广场锦江店', district: '510104', address: '成都市锦江区三色路1号' },
  { id: 'ito-wuhou', name: '伊藤洋华堂武侯店', district: '510107', address: '成都市武侯区高升桥路1号' },
  { id: 'raffles-qingyang', name: '来福士广场', district: '510105', address: '成都市青羊区光华大道一段2号' },
]

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
  for (const r of RETAILERS) {
    const res = await t.call('POST', `${API}/retailers`, { token: s.admin, body: r })
    if (res.status !== 201) throw new Error(res.text)
  }
  shopToken = await t.token('retailer', { retailer: 'hongqi-chunxi' })
  otherShopToken = await t.token('retailer', { retailer: 'wanda-jinjiang' })
  jinjiang = await t.token('district', { district: '510104' })
  wuhou = await t.token('district', { district: '510107' })
  await refreshBoards(t.deps, { all: true })
  consumer = startScheduler(t.deps, [boardEventsJob])
})
afterAll(async () => {
  consumer.stop()
  await t.close()
})

const board = (id: string) => t.call('GET', `${API}/boards/${id}`)
const versions = async () =>
  Object.fromEntries(await Promise.all(RETAILERS.map(async (r) => [r.id, (await board(r.id)).body.version])))

/** Waits (bounded) until the consumer has handled what the bus delivered: no fixed sleeps. */
async function settle(until: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    await consumer.idle()
    if (await until()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('boards did not change')
}

async function publish(number: string, sampleNos: string[]) {
  const id = await approved(t, s, { number, sampleNos })
  const r = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  if (r.status !== 200) throw new Error(r.text)
  return id
}

describe('boards', () => {
  it('answers the first version with ETag, Cache-Control and 304 when unchanged; 404 for no retailer', async () => {
    const first = await board('hongqi-chunxi')
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ retailerId: 'hongqi-chunxi', version: 1 })
    expect(first.body.content.hotline.number).toBe('12315')
    expect(first.body.content.failingProducts).toEqual([])
    expect(first.headers.get('cache-control')).toMatch(/max-age/)
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^"b1-/)
    const again = await t.call('GET', `${API}/boards/hongqi-chunxi`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    // A full refresh with nothing changed makes no new version.
    const r = await refreshBoards(t.deps, { all: true })
    expect(r).toMatchObject({ boards: 4, changed: 0 })
    expect((await board('hongqi-chunxi')).body.version).toBe(1)
    expect((await board('nobody')).status).toBe(404)
  })

  it('a publication of passed samples in one district changes that district’s boards only', async () => {
    await extraSample(t, s.sampler, 'GC-QY-1')
    const before = await versions()
    await publish('2026-B1', ['GC-QY-1'])
    await settle(async () => (await board('raffles-qingyang')).body.version > before['raffles-qingyang'])
    await consumer.idle()
    expect(await versions()).toEqual({ ...before, 'raffles-qingyang': before['raffles-qingyang'] + 1 })
    // The consumer is a job like the others: its runs are recorded and listed.
    const jobs = await t.call('GET', `${API}/jobs?limit=50`, { token: s.admin })
    expect(jobs.status).toBe(200)
    const job = jobs.body.items.find((j: { name: string }) => j.name === 'board-events')
    expect(job).toMatchObject({ kind: 'loop', schedule: 'every 1000 ms' })
    expect(job.lastRuns[0]).toMatchObject({ outcome: 'ok', error: null })
    expect(JSON.parse(job.lastRuns[0].result)).toMatchObject({ changed: 1 })
  })

  it('a failing product appears within moments: first and marked at the shop it was sampled at', async () => {
    const before = await versions()
    failingAnnouncement = await publish('2026-B2', ['GC26510104101', 'GC26510107102'])
    await settle(async () => (await board('hongqi-chunxi')).body.version > before['hongqi-chunxi'])
    const shop = (await board('hongqi-chunxi')).body
    expect(shop.content.failingProducts[0]).toMatchObject({
      sampleNo: 'GC26510104101',
      atThisRetailer: true,
      scope: 'retailer',
    })
    expect(shop.content.ownRecord.map((o: { sampleNo: string }) => o.sampleNo)).toEqual(['GC26510104101'])
    // The shop's credit-risk class is its linked business's, with its label, on the board and its page.
    const link = await t.deps.db
      .selectFrom('retailers')
      .select('business_id')
      .where('id', '=', 'hongqi-chunxi')
      .executeTakeFirstOrThrow()
    const business = await t.call('GET', `${API}/businesses/${link.business_id}`, { token: s.admin })
    expect(business.body.creditClass).not.toBe('A')
    const labels = { B: '一般风险', C: '较高风险', D: '高风险' } as Record<string, string>
    expect(shop.content.creditClass).toEqual({
      class: business.body.creditClass,
      label: { zh: labels[business.body.creditClass], en: expect.stringContaining('risk') },
    })
    const kiosk = await t.call('GET', '/boards/hongqi-chunxi')
    expect(kiosk.text).toContain(
      `信用风险分类 <strong>${business.body.creditClass}</strong> ${labels[business.body.creditClass]}`,
    )
    const mall = (await board('wanda-jinjiang')).body
    expect(
      mall.content.failingProducts.map((p: { sampleNo: string; scope: string }) => [p.sampleNo, p.scope]),
    ).toEqual([
      ['GC26510104101', 'district'],
      ['GC26510107102', 'city'],
    ])
    const history = await t.call('GET', `${API}/boards/hongqi-chunxi/versions?limit=1`)
    expect(history.body.items[0]).toMatchObject({ version: shop.version, addedFailing: 1 })
    expect(history.body.next).not.toBeNull()
  })

  it('the district lists the shop as unconfirmed until it confirms; past 24 h it is overdue', async () => {
    const list = await t.call('GET', `${API}/boards/unconfirmed`, { token: jinjiang })
    expect(list.status).toBe(200)
    expect(list.body.items).toEqual([
      expect.objectContaining({ retailerId: 'hongqi-chunxi', district: '510104', overdue: false, hours: 0 }),
    ])
    expect((await t.call('GET', `${API}/boards/unconfirmed?district=510104`, { token: wuhou })).status).toBe(
      403,
    )
    expect((await t.call('GET', `${API}/boards/unconfirmed`, { token: wuhou })).body.items).toEqual([])
    expect((await t.call('GET', `${API}/boards/unconfirmed`, { token: shopToken })).status).toBe(403)
    t.clock.advance(25 * 3_600_000)
    const overdue = await t.call('GET', `${API}/boards/unconfirmed?overdue=true`, { token: s.admin })
    expect(overdue.body.items).toEqual([
      expect.objectContaining({ retailerId: 'hongqi-chunxi', overdue: true, hours: 25 }),
    ])

    const current = (await board('hongqi-chunxi')).body.version
    const confirm = (token: string, version: unknown, id = 'hongqi-chunxi') =>
      t.call('POST', `${API}/boards/${id}/confirm`, { token, body: { version } })
    expect((await confirm(otherShopToken, current)).status).toBe(403)
    expect((await confirm(s.admin, current)).status).toBe(403)
    expect((await confirm(shopToken, current - 1)).status).toBe(409)
    expect((await confirm(shopToken, current + 5)).status).toBe(409)
    expect((await confirm(shopToken, 'two')).status).toBe(422)
    expect((await confirm(shopToken, current, 'nobody')).status).toBe(404)
    const ok = await confirm(shopToken, current)
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ retailerId: 'hongqi-chunxi', version: current })
    expect((await t.call('GET', `${API}/boards/unconfirmed`, { token: jinjiang })).body.items).toEqual([])
    const events = await t.deps.db
      .selectFrom('events')
      .select(['actor_role'])
      .where('type', '=', 'board.confirmed')
      .execute()
    expect(events).toEqual([{ actor_role: 'retailer' }])
  })

  it('a retraction takes its failing products off the boards and its samples out of the pass rate', async () => {
    const mall = async () => (await board('wanda-jinjiang')).body.content
    expect((await mall()).cityPassRate).toMatchObject({ samples: 3, failed: 2, passRate: 33.33 })
    const before = (await board('wanda-jinjiang')).body.version
    const call = (path: string, token: string, body: unknown = {}) =>
      t.call('POST', `${API}/announcements${path}`, { token, body })
    const r = await call(`/${failingAnnouncement}/retract`, s.sampler, {
      number: '2026-B2（撤回）',
      title: '撤回',
      reason: '复核',
    })
    expect(r.status, r.text).toBe(201)
    await call(`/${r.body.id}/submit`, s.sampler)
    await call(`/${r.body.id}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    await call(`/${r.body.id}/approve`, s.approver, { decision: 'pass', comment: 'ok' })
    expect((await call(`/${r.body.id}/publish`, s.approver)).status).toBe(200)
    await settle(async () => (await board('wanda-jinjiang')).body.version > before)
    const after = await mall()
    expect(after.failingProducts).toEqual([])
    expect(after.failingTotal).toBe(0)
    expect(after.cityPassRate).toMatchObject({ samples: 1, failed: 0, passRate: 100 })
  })

  // PGlite is one process's store: a second instance cannot open it.
  it.skipIf(testEngine() !== 'postgres')(
    'the scheduled refresh runs once per slot across two instances',
    async () => {
      const other = await secondInstance(t)
      try {
        const slot = new Date('2026-12-01T02:05:00Z')
        const outcomes = await Promise.all([
          runCronSlot(t.deps, boardRefreshJob, slot, { instance: 'a' }),
          runCronSlot(other.deps, boardRefreshJob, slot, { instance: 'b' }),
        ])
        expect(outcomes.sort()).toEqual(['ran', 'skipped'])
        const jobs = await t.call('GET', `${API}/jobs`, { token: s.admin })
        expect(jobs.body.items.map((j: { name: string }) => j.name)).toContain('board-refresh')
      } finally {
        await other.close()
      }
    },
  )
})
