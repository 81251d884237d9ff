import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { announcement, publish, sample } from '../alerts/fixtures.js'
import { approved, FAILING, importFixtures, PASSED, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Issue 15, the consumer's side: every alert reachable (home count, /alerts with filters and paging, Atom
 * history), alert ↔ announcement links, pass rates that say what they are over, pages for people where a
 * URL is wrong, and the files every site has.
 */
let t: TestApp
let s: Staff
let announcementId: string
const API = '/api/v1'

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0', SEARCH_RATE_PER_MINUTE: '10000' } })
  s = await staff(t)
  await importFixtures(t, s.sampler)
})
afterAll(() => t.close())

const publishApproved = async (number: string, sampleNos: string[]) => {
  const id = await approved(t, s, { number, sampleNos })
  const r = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  expect(r.status, r.text).toBe(200)
  return id
}

describe('before anything is published', () => {
  it('the stats page says there is no data yet; the empty feed says when it was generated', async () => {
    const stats = await t.call('GET', '/stats')
    expect(stats.text).toContain('暂无数据：还没有公布抽检结果')
    expect(stats.text).not.toContain('<svg')
    const feed = await t.call('GET', '/feeds/alerts.atom')
    expect(feed.text).not.toContain('1970')
    expect(feed.text).toContain(`<updated>${t.clock.now().toISOString()}</updated>`)
    expect(feed.text).toContain('尚无预警')
  })
})

describe('pass rates say what they are over', () => {
  it('a period with only the failing table published shows no rate, not 0 %', async () => {
    announcementId = await publishApproved('2026-F1', FAILING)
    const stats = await t.call('GET', '/stats')
    expect(stats.text).toContain('仅公布了不合格批次，不计算合格率')
    expect(stats.text).not.toMatch(/0\.0 %/)
    const en = await t.call('GET', '/stats?lang=en')
    expect(en.text).toContain('only failing batches published; no rate')
  })

  it('once the passing table is out, the rate states its batches', async () => {
    await publishApproved('2026-P1', PASSED)
    const stats = await t.call('GET', '/stats')
    expect(stats.text).toContain('总体合格率 50.0 %（基于已公布的 8 批次，其中合格 4 批次）')
  })
})

const count = async (path: string) =>
  Number(/共 (\d+) 条/.exec((await t.call('GET', path)).text)?.[1] ?? Number.NaN)

describe('every alert is reachable', () => {
  it('home shows the newest alert and the counts, linking to the full list', async () => {
    const home = await t.call('GET', '/')
    expect(home.text).toContain('最新预警：')
    expect(home.text).toMatch(/生效中 4 条，历史预警共 4 条/)
    expect(home.text).toContain('href="/alerts"')
  })

  it('/alerts filters by district, category or hazard, date range and state, and pages', async () => {
    const all = await t.call('GET', '/alerts')
    expect(all.status).toBe(200)
    expect(all.text).toContain('共 4 条，第 1/1 页')
    const jinjiang = await t.call('GET', '/alerts?district=510104')
    expect(jinjiang.text).toContain('共 1 条')
    expect(jinjiang.text).toContain('香辣辣椒酱')
    expect(await count(`/alerts?category=${encodeURIComponent('苏丹红')}`)).toBe(2)
    expect(await count(`/alerts?category=${encodeURIComponent('肉制品')}`)).toBe(1)
    const today = new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    expect(await count(`/alerts?from=${today}&to=${today}`)).toBe(4)
    expect(await count('/alerts?to=2020-01-01')).toBe(0)
    expect((await t.call('GET', '/alerts?status=ended')).text).toContain('没有符合条件的预警。')
    // A value typed wrong is a sentence on the page, and the rest of the filter still applies.
    const wrong = await t.call('GET', '/alerts?from=yesterday&district=510104')
    expect(wrong.status).toBe(200)
    expect(wrong.text).toContain('起始日期应写成 2026-11-30 这样的日期，“yesterday”不是，已忽略。')
    expect(wrong.text).toContain('共 1 条')
    const wrongEn = await t.call('GET', '/alerts?from=yesterday&lang=en')
    expect(wrongEn.text).toContain('The start date should be a date such as 2026-11-30')
  })

  it('the public alert API has the page’s filters and answers as the page does; bad values are 422', async () => {
    const today = new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    const api = async (query: string) => {
      const r = await t.call('GET', `${API}/public/alerts?${query}&limit=100`)
      expect(r.status, `${query}: ${r.text}`).toBe(200)
      return r.body.items.length as number
    }
    const cases: [string, string, number][] = [
      ['status=all', '', 4],
      ['district=510104', 'district=510104', 1],
      [`hazard=${encodeURIComponent('苏丹红')}`, `category=${encodeURIComponent('苏丹红')}`, 2],
      [`hazard=${encodeURIComponent('苏丹红Ⅰ号')}`, `category=${encodeURIComponent('苏丹红Ⅰ号')}`, 1],
      [`hazard=${encodeURIComponent('肉制品')}`, `category=${encodeURIComponent('肉制品')}`, 1],
      [`from=${today}&to=${today}`, `from=${today}&to=${today}`, 4],
      ['to=2020-01-01', 'to=2020-01-01', 0],
      ['status=ended', 'status=ended', 0],
      ['status=active', 'status=active', 4],
    ]
    for (const [query, page, n] of cases) {
      expect(await api(query), query).toBe(n)
      expect(await count(`/alerts?${page}`), page).toBe(n)
    }
    const bad = await t.call('GET', `${API}/public/alerts?from=yesterday&to=2026-02-30&status=old`)
    expect(bad.status).toBe(422)
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/)
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'query.from',
      'query.status',
      'query.to',
    ])
    expect(JSON.stringify(bad.body.issues)).toContain('请写成 2026-11-30 这样的日期')
    const backwards = await t.call('GET', `${API}/public/alerts?from=2026-12-01&to=2026-11-01&lang=en`)
    expect(backwards.status).toBe(422)
    expect(backwards.body.issues).toEqual([
      expect.objectContaining({ path: 'query.to', message: 'The end date is before the start date' }),
    ])
    const document = await t.call('GET', '/openapi.json')
    const params = (document.body.paths['/api/v1/public/alerts'].get.parameters as { name: string }[]).map(
      (p) => p.name,
    )
    for (const name of ['status', 'district', 'category', 'hazard', 'from', 'to'])
      expect(params).toContain(name)
  })

  it('pages through many alerts, 20 a page, each once', async () => {
    await publish(
      t,
      announcement(
        'original',
        Array.from({ length: 41 }, (_, i) => sample({ foodName: `批量样品${i}`, sampleNo: `BULK${i}` })),
        t.clock.now(),
      ),
    )
    const seen = new Set<string>()
    for (const page of [1, 2, 3]) {
      const r = await t.call('GET', `/alerts?page=${page}`)
      expect(r.text).toContain(`第 ${page}/3 页`)
      for (const m of r.text.matchAll(/href="\/alerts\/([0-9a-f-]{36})"/g)) seen.add(m[1] ?? '')
      if (page < 3) expect(r.text).toContain(`href="/alerts?page=${page + 1}" rel="next"`)
    }
    expect(seen.size).toBe(45)
  })

  it('an alert links to its announcement, and the announcement to its alerts', async () => {
    const list = await t.call('GET', `${API}/public/alerts?district=510104`)
    const alert = list.body.items[0]
    expect(alert.source.id).toBe(announcementId)
    const page = await t.call('GET', `/alerts/${alert.id}`)
    expect(page.text).toContain(`href="/announcements/${announcementId}"`)
    const ann = await t.call('GET', `/announcements/${announcementId}`)
    expect(ann.text).toContain('据此发布的消费预警')
    expect(ann.text).toContain(`href="/alerts/${alert.id}"`)
  })

  it('the Atom feed pages by RFC 5005: prev-archive from the subscription document, next-archive back', async () => {
    // 45 so far; 160 more makes two complete archive pages of 100.
    await publish(
      t,
      announcement(
        'original',
        Array.from({ length: 160 }, (_, i) => sample({ foodName: `存档样品${i}`, sampleNo: `ARCH${i}` })),
        t.clock.now(),
      ),
    )
    const feed = await t.call('GET', '/feeds/alerts.atom')
    expect(feed.status, feed.text.slice(0, 300)).toBe(200)
    expect(feed.text).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"')
    expect(feed.text).toMatch(/<link rel="prev-archive" [^>]*href="[^"]+\/feeds\/alerts\.atom\?archive=2"/)
    const second = await t.call('GET', '/feeds/alerts.atom?archive=2')
    expect(second.status).toBe(200)
    expect(second.text).toContain('<fh:archive/>')
    expect(second.text).toMatch(/rel="prev-archive" [^>]*archive=1"/)
    expect(second.text).not.toContain('next-archive')
    const first = await t.call('GET', '/feeds/alerts.atom?archive=1')
    expect(first.text).toMatch(/rel="next-archive" [^>]*archive=2"/)
    expect(first.text).not.toContain('rel="prev-archive"')
    expect(first.text.match(/<entry>/g), first.text.slice(0, 300)).toHaveLength(100)
    // Every alert is on an archive page or in the subscription document.
    const ids = new Set<string>()
    for (const doc of [feed, first, second])
      for (const m of doc.text.matchAll(/<id>urn:uuid:([^<]+)<\/id>/g)) ids.add(m[1] ?? '')
    expect(ids.size, `feed ${feed.text.match(/<entry>/g)?.length} entries`).toBe(205)
    expect((await t.call('GET', '/feeds/alerts.atom?archive=3')).status).toBe(404)
  })

  it('the search page pages through many hits, 50 a page', async () => {
    const q = encodeURIComponent('存档样品')
    const first = await t.call('GET', `/search?q=${q}`)
    expect(first.text).toContain('第 1–50 条，还有更多结果')
    expect(first.text).toContain(`href="/search?q=${q}&amp;page=2" rel="next"`)
    const last = await t.call('GET', `/search?q=${q}&page=4`)
    expect(last.text).toContain('第 151–160 条。')
    expect(last.text).toContain(`href="/search?q=${q}&amp;page=3" rel="prev"`)
    expect(last.text).not.toContain('rel="next"')
  })
})

describe('wrong URLs and the files every site has', () => {
  it('an unknown page is an HTML page in the chosen language; under /api it is problem+json', async () => {
    const zh = await t.call('GET', '/no/such/page')
    expect(zh.status).toBe(404)
    expect(zh.headers.get('content-type')).toMatch(/text\/html/)
    expect(zh.text).toContain('没有这个页面：/no/such/page')
    const en = await t.call('GET', '/no/such/page?lang=en')
    expect(en.text).toContain('There is no page at /no/such/page')
    expect(en.text).toContain('<html lang="en">')
    const api = await t.call('GET', `${API}/no/such/thing`)
    expect(api.status).toBe(404)
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/)
    const missing = await t.call('GET', `/announcements/${crypto.randomUUID()}`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/text\/html/)
    expect(missing.text).toContain('公告不存在')
  })

  it('a page refuses a bad address with sentences, not a schema dump', async () => {
    const r = await t.call('GET', `/search?q=${'辣'.repeat(1001)}&utm=x`)
    expect(r.status).toBe(422)
    expect(r.headers.get('content-type')).toMatch(/text\/html/)
    expect(r.text).toContain('查询词太长了，请缩短后再试。')
    expect(r.text).toContain('网址中的参数「utm」本页不使用，请去掉它再试。')
    const en = await t.call('GET', '/alerts?utm=x&lang=en')
    expect(en.status, en.text).toBe(422)
    expect(en.text).toContain('This page does not use the parameter “utm” in its address')
  })

  it('/favicon.ico, /robots.txt and a meta description on every public page', async () => {
    const icon = await t.call('GET', '/favicon.ico')
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toBe('image/x-icon')
    const robots = await t.call('GET', '/robots.txt')
    expect(robots.text).toContain('Disallow: /console')
    for (const path of [
      '/',
      '/alerts',
      '/announcements',
      `/announcements/${announcementId}`,
      '/stats',
      '/search?q=x',
    ])
      expect((await t.call('GET', path)).text, path).toMatch(/<meta name="description" content="[^"]{10,}"/)
  })
})
