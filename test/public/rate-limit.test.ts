import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from '../../src/http/app-env.js'
import { handleError } from '../../src/http/errors.js'
import { createLogger } from '../../src/logger.js'
import { RateLimiter, rateLimit } from '../../src/public/rate-limit.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'

describe('search rate limit behind a trusted proxy', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ config: { SEARCH_RATE_PER_MINUTE: '2', TRUST_PROXY: 'true' } })
  })
  afterAll(() => t.close())

  const searchFrom = (forwardedFor: string) =>
    t.call('GET', `${API}/public/search?q=x`, { headers: { 'x-forwarded-for': forwardedFor } })

  it('keys on the address the proxy appended (the right-most X-Forwarded-For entry)', async () => {
    // Every request comes from the proxy's one socket: before, the whole city shared its bucket.
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      expect((await searchFrom(client)).status).toBe(200)
      expect((await searchFrom(client)).status).toBe(200)
      expect((await searchFrom(client)).status).toBe(429)
    }
    // What the client wrote to the left of the proxy's entry changes nothing.
    expect((await searchFrom('198.51.100.7, 203.0.113.1')).status).toBe(429)
    expect((await searchFrom('203.0.113.9, 203.0.113.1')).status).toBe(429)
  })

  it('ignores X-Forwarded-For when the proxy is not trusted', async () => {
    const direct = await startTestApp({ config: { SEARCH_RATE_PER_MINUTE: '1' } })
    try {
      const from = (ip: string) =>
        direct.call('GET', `${API}/public/search?q=x`, { headers: { 'x-forwarded-for': ip } })
      expect((await from('203.0.113.1')).status).toBe(200)
      expect((await from('203.0.113.2')).status).toBe(429) // same socket address: same bucket
    } finally {
      await direct.close()
    }
  })
})

describe('RateLimiter', () => {
  it('a flood from many addresses does not reset a client already held back', () => {
    let now = 0
    const limiter = new RateLimiter(2, { maxClients: 100, now: () => now })
    expect([limiter.take('scraper'), limiter.take('scraper')]).toEqual([0, 0])
    expect(limiter.take('scraper')).toBeGreaterThan(0)
    for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`)
    expect(limiter.size).toBeLessThanOrEqual(101)
    expect(limiter.take('scraper')).toBeGreaterThan(0)
    // The flood's new addresses share one bucket while the table is full: they are held back together.
    expect(limiter.take('10.9.9.9')).toBeGreaterThan(0)
    // A minute on, idle buckets have refilled and are dropped; everyone starts afresh.
    now += 60_000
    expect(limiter.take('10.9.9.9')).toBe(0)
    expect(limiter.take('scraper')).toBe(0)
    expect(limiter.size).toBeLessThanOrEqual(3)
  })

  it('refills at the rate: one request per 60/perMinute seconds after the burst', () => {
    let now = 0
    const limiter = new RateLimiter(6, { now: () => now })
    for (let i = 0; i < 6; i++) expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBe(10)
    now += 10_000
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBeGreaterThan(0)
  })

  it('as middleware: 429 problem+json with Retry-After', async () => {
    const app = new Hono<AppEnv>()
    app.use('*', rateLimit(1, { trustProxy: true }))
    app.get('/s', (c) => c.text('ok'))
    app.onError((err, c) => handleError(err, c, createLogger('silent')))
    const get = () => app.request('/s', { headers: { 'x-forwarded-for': '203.0.113.5' } })
    expect((await get()).status).toBe(200)
    const refused = await get()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
  })
})
