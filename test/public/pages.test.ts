import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PAGE_CSP } from '../../src/web/security.js'
import { announcement, publish, sample, XSS } from '../alerts/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { fixtureAnnouncement, fixtureSource } from './pages-fixture.js'

let t: TestApp
let alertId: string

beforeAll(async () => {
  t = await startTestApp({
    config: { PUBLIC_CACHE_CHECK_MS: '0' },
    sources: { announcementPages: fixtureSource },
  })
  await publish(t, announcement('original', [sample({ foodName: XSS, batch: 'XSS-0001' })], t.clock.now()))
  const list = await t.call('GET', '/api/v1/public/alerts')
  alertId = list.body.items[0].id
})
afterAll(() => t.close())

describe('public pages', () => {
  it('serve zh-CN with a strict CSP, escape every product name, and remember ?lang=en in a cookie', async () => {
    for (const path of [
      '/',
      `/alerts/${alertId}`,
      '/search?q=XSS',
      '/announcements',
      `/announcements/${fixtureAnnouncement.id}`,
      '/stats',
    ]) {
      const res = await t.call('GET', path)
      expect(res.status, path).toBe(200)
      // One header, from the app-wide mechanism: the page policy (no scripts) plus the framing rule.
      expect(res.headers.get('content-security-policy'), path).toBe(`${PAGE_CSP}; frame-ancestors 'none'`)
      expect(res.headers.get('x-frame-options'), path).toBe('DENY')
      expect(res.text, path).toMatch(/^<!doctype html><html lang="zh-CN">/)
      expect(res.text, path).toMatch(/<title>[^<]+<\/title>/)
      expect(res.text, path).not.toContain('<img')
      expect(res.text, path).not.toMatch(/<script/i)
    }
    const detail = await t.call('GET', `/alerts/${alertId}`)
    expect(detail.text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(detail.text).toContain('XSS-0001')
    expect(detail.text).toContain(`/cap/`)

    const en = await t.call('GET', '/?lang=en')
    expect(en.text).toMatch(/<html lang="en">/)
    const cookie = en.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^lang=en/)
    const next = await t.call('GET', '/search', { headers: { cookie: cookie.split(';')[0]! } })
    expect(next.text).toMatch(/<html lang="en">/)
  })

  it('the stats page draws the pass-rate trend as SVG, 35 % to 67.5 %', async () => {
    const res = await t.call('GET', '/stats')
    expect(res.text).toContain('<svg')
    // Four periods: three segments joining them.
    expect(res.text.match(/<line x1="[\d.]+%" y1="[\d.]+" x2="[\d.]+%" y2="[\d.]+"/g)).toHaveLength(3)
    expect(res.text).toContain('35.0 %')
    expect(res.text).toContain('67.5 %')
  })

  it('answer an unknown alert with a 404 page, and serve the stylesheet for a year', async () => {
    const missing = await t.call('GET', `/alerts/${crypto.randomUUID()}`)
    expect(missing.status).toBe(404)
    expect(missing.text).toContain('页面不存在')
    const home = await t.call('GET', '/')
    const css = /href="(\/assets\/site-[0-9a-f]+\.css)"/.exec(home.text)?.[1]
    const sheet = await t.call('GET', css!)
    expect(sheet.status).toBe(200)
    expect(sheet.headers.get('cache-control')).toContain('immutable')
  })
})
