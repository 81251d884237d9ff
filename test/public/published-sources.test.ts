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
    const hits = (await search('辣椒')).filter((h) => h.kind === 'sample')
    expect(hits.map((h) => h.verdict)).toContain('failed')
    expect(hits.map((h) => h.verdict)).toContain('passed')
    const firstPassed = hits.findIndex((h) => h.verdict === 'passed')
    expect(hits.slice(firstPassed).every((h) => h.verdict === 'passed')).toBe(true)
    for (const h of hits) {
      expect(h.reference).toBe('成市监抽检〔2026〕第31号')
      expect(h.url).toBe(`/announcements/${id}`)
    }
    const html = await t.call('GET', `/search?q=${encodeURIComponent('辣椒')}`)
    expect(html.status).toBe(200)
    expect(html.text).toContain('成市监抽检〔2026〕第31号')
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
