import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PolledChangeSignal } from '../../src/public/change-signal.js'
import { announcement, publish, sample, XSS } from '../alerts/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
const API = '/api/v1'

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0', SEARCH_RATE_PER_MINUTE: '1000' } })
  await publish(
    t,
    announcement(
      'original',
      [
        sample({ foodName: '特辣辣椒面', batch: '2026-10-15/B0427' }),
        sample({ foodName: '鲜猪肉（前腿）', brand: '', batch: 'ZR20261101', category: '畜禽肉' }),
        sample({ foodName: XSS, batch: 'XSS-1' }),
      ],
      t.clock.now(),
    ),
  )
})
afterAll(() => t.close())

const search = (q: string) => t.call('GET', `${API}/public/search?q=${encodeURIComponent(q)}`)

describe('GET /public/search', () => {
  it('finds two-character Chinese substrings and batch fragments, saying plainly what failed', async () => {
    const chilli = await search('辣椒')
    expect(chilli.status).toBe(200)
    expect(chilli.body.items).toHaveLength(1)
    expect(chilli.body.items[0]).toMatchObject({
      verdict: 'failed',
      productName: '特辣辣椒面',
      batch: '2026-10-15/B0427',
      items: [{ name: '苏丹红Ⅰ', result: '12.5μg/kg', limit: '不得检出' }],
      unitName: '青羊区某超市',
    })
    expect(chilli.body.items[0].date).toMatch(/\+08:00$/)
    expect((await search('猪肉')).body.items[0].productName).toBe('鲜猪肉（前腿）')
    expect((await search('b0427')).body.items[0].productName).toBe('特辣辣椒面')
    expect((await search('ＺＲ2026')).body.items).toHaveLength(1)
    expect((await search('蜀红 B0427')).body.items).toHaveLength(1)
    expect((await search('豆腐')).body.items).toEqual([])
  })

  it('pages through the hits with the cursor, each hit once', async () => {
    const seen: string[] = []
    let next: string | null = null
    do {
      const page = await t.call(
        'GET',
        `${API}/public/search?q=${encodeURIComponent('蜀红')}&limit=1${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
      )
      expect(page.body.items.length).toBeLessThanOrEqual(1)
      seen.push(...page.body.items.map((h: { batch: string }) => h.batch))
      next = page.body.next
    } while (next)
    expect(seen.sort()).toEqual(['2026-10-15/B0427', 'XSS-1'])
  })

  it('refuses an empty or overlong query', async () => {
    const empty = await t.call('GET', `${API}/public/search?q=`)
    expect(empty.status).toBe(422)
    expect(empty.body.issues[0].path).toBe('query.q')
    expect((await search('辣'.repeat(101))).status).toBe(422)
    expect((await t.call('GET', `${API}/public/search`)).status).toBe(422)
  })
})

describe('rate limit', () => {
  it('answers 429 problem+json with Retry-After once a client has used its searches', async () => {
    const limited = await startTestApp({ config: { SEARCH_RATE_PER_MINUTE: '3' } })
    try {
      for (let i = 0; i < 3; i++)
        expect((await limited.call('GET', `${API}/public/search?q=x${i}`)).status).toBe(200)
      const refused = await limited.call('GET', `${API}/public/search?q=y`)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/)
      expect(refused.body.code).toBe('rate_limited')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      // The page's refusal is a page, in sentences, with the same Retry-After.
      const page = await limited.call('GET', '/search?q=y')
      expect(page.status).toBe(429)
      expect(page.headers.get('content-type')).toMatch(/text\/html/)
      expect(page.text).toMatch(/查询过于频繁，请 \d+ 秒后再试/)
      expect(Number(page.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      // Other public reads are not limited.
      expect((await limited.call('GET', `${API}/public/alerts`)).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

describe('change signal', () => {
  it('asks the database at most once per interval, and sees a commit from elsewhere after it', async () => {
    let now = 0
    const signal = new PolledChangeSignal(t.deps.db, 500, () => now)
    const before = await signal.version()
    await publish(t, announcement('original', [sample({ foodName: '另一实例写入' })], t.clock.now()))
    now = 499
    expect(await signal.version()).toBe(before)
    now = 500
    expect(await signal.version()).toBeGreaterThan(before)
  })
})
