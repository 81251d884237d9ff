import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  API,
  approved,
  FAILING,
  importFixtures,
  PASSED,
  type Staff,
  staff,
} from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The public surface over the real announcements data, as createApp mounts it by default: published samples
 * in search, the announcement and statistics pages, the home page's latest announcements.
 */
let t: TestApp
let s: Staff
let id: string

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0' } })
  s = await staff(t)
  await importFixtures(t, s.sampler)
})
afterAll(() => t.close())

interface Hit {
  kind: string
  verdict: string
  productName: string
  reference: string
  url: string | null
  alertId: string | null
  items: { name: string; result: string; limit: string }[]
  date: string
}
const search = async (q: string) => {
  const r = await t.call('GET', `${API}/public/search?q=${encodeURIComponent(q)}&limit=100`)
  expect(r.status, r.text).toBe(200)
  return r.body.items as Hit[]
}

describe('published samples and announcements in public reads', () => {
  it('nothing unpublished is searchable or listed', async () => {
    id = await approved(t, s, { number: '成市监抽检〔2026〕第31号', sampleNos: [...FAILING, ...PASSED] })
    expect((await search('辣椒')).filter((h) => h.kind === 'sample')).toEqual([])
    const page = await t.call('GET', '/announcements')
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('第31号')
  })

  it('once published, search finds its failed and passed samples, failed first', async () => {
    expect(
      (await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })).status,
    ).toBe(200)
    const hits = await search('辣椒')
    expect(hits.map((h) => h.verdict)).toContain('failed')
    expect(hits.map((h) => h.verdict)).toContain('passed')
    const firstPassed = hits.findIndex((h) => h.verdict === 'passed')
    expect(hits.slice(firstPassed).every((h) => h.verdict === 'passed')).toBe(true)
    for (const h of hits) {
      expect(h.reference).toBe('成市监抽检〔2026〕第31号')
      // A failed sample links to its alert, a passed one to the announcement.
      expect(h.url).toBe(h.verdict === 'failed' ? `/alerts/${h.alertId}` : `/announcements/${id}`)
    }
    const html = await t.call('GET', `/search?q=${encodeURIComponent('辣椒')}`)
    expect(html.status).toBe(200)
    expect(html.text).toContain('成市监抽检〔2026〕第31号')
  })

  it('a failed sample with its alert is one hit: failed, with item, result, limit and date, linking to the alert', async () => {
    const hits = await search('香辣辣椒酱')
    expect(hits).toHaveLength(1)
    const [hit] = hits
    expect(hit).toMatchObject({ kind: 'alert', verdict: 'failed', productName: '香辣辣椒酱' })
    expect(hit?.items).toEqual([
      { name: '苏丹红Ⅰ号', result: '1.8mg/kg', limit: '不得检出' },
      { name: '过氧化值(以脂肪计)', result: '0.42g/100g', limit: '≤0.25g/100g' },
    ])
    expect(hit?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    const alert = await t.call('GET', `${API}/public/alerts/${hit?.alertId}`)
    expect(alert.status).toBe(200)
    expect(alert.body.products[0].name).toBe('香辣辣椒酱')
    // Every failing sample of the announcement once, each as its alert.
    const failed = (await search('成都')).filter((h) => h.verdict === 'failed')
    expect(failed.map((h) => h.productName).sort()).toEqual(
      [...new Set(failed.map((h) => h.productName))].sort(),
    )
    expect(failed.every((h) => h.kind === 'alert')).toBe(true)
    const page = await t.call('GET', `/search?q=${encodeURIComponent('香辣辣椒酱')}`)
    expect(page.status).toBe(200)
    expect(page.text.match(/<li class="card hit-/g)).toHaveLength(1)
    expect(page.text).toContain(`href="/alerts/${hit?.alertId}"`)
    expect(page.text).toContain('1.8mg/kg')
    expect(page.text).toContain('不得检出')
  })

  it('the announcement pages and statistics read the real data; the home page lists the latest', async () => {
    const list = await t.call('GET', '/announcements')
    expect(list.status).toBe(200)
    expect(list.text).toContain('成市监抽检〔2026〕第31号')
    const detail = await t.call('GET', `/announcements/${id}`)
    expect(detail.status).toBe(200)
    expect(detail.text).toContain('香辣辣椒酱')
    expect(detail.text).toContain(`/api/v1/public/announcements/${id}.csv`)
    expect((await t.call('GET', '/announcements/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    const stats = await t.call('GET', '/stats')
    expect(stats.status).toBe(200)
    expect(stats.text).toContain('2026Q4')
    const home = await t.call('GET', '/')
    expect(home.status).toBe(200)
    expect(home.text).toContain(`/announcements/${id}`)
  })
})
