import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { announcement, publish, sample, XSS } from '../alerts/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { fixtureSource } from './pages-fixture.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
if (!present)
  console.warn(`browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium fonts-noto-cjk)`)

/** Screenshots land here for a person to look at. */
const SHOTS = join(tmpdir(), 'redshield-public-screenshots')

describe.skipIf(!present)('public pages in Chromium', () => {
  let t: TestApp
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    t = await startTestApp({
      config: { PUBLIC_CACHE_CHECK_MS: '0' },
      sources: { announcementPages: fixtureSource },
    })
    const commander = await t.token('commander')
    await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: {
        playbook: 'sudan-red',
        level: 'II',
        title: '苏丹红',
        districts: ['510104', '510105'],
        products: [{ name: '红油火锅底料', brand: '蜀香', batch: 'HG-2611-07' }],
      },
    })
    await publish(
      t,
      announcement(
        'original',
        [
          sample({ foodName: '特辣辣椒面', batch: '2026-10-15/B0427' }),
          sample({ foodName: XSS, batch: 'XSS-0001' }),
        ],
        t.clock.now(),
      ),
    )
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('home shows the real alerts by severity colour; the search form finds a failing batch', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
    await page.goto(`${t.baseUrl}/`)
    expect(await page.title()).toContain('红盾')
    const cards = page.locator('main .cards > li.card')
    expect(await cards.count()).toBeGreaterThanOrEqual(3)
    expect(await cards.first().getAttribute('class')).toContain('level-orange')
    await page.screenshot({ path: join(SHOTS, 'home-phone.png'), fullPage: true })
    await page.fill('input[name=q]', '辣椒')
    await Promise.all([page.waitForURL(/\/search\?q=/), page.click('form.search button')])
    const text = await page.locator('main').textContent()
    expect(text).toContain('2026-10-15/B0427')
    expect(text).toContain('不合格')
    expect(text).toContain('不得检出')
    await page.screenshot({ path: join(SHOTS, 'search-phone.png'), fullPage: true })
    await page.close()
  })

  it('an XSS product name shows as text and runs nothing; the alert page links its CAP message', async () => {
    const page = await browser.newPage()
    let dialogs = 0
    page.on('dialog', (d) => {
      dialogs++
      void d.dismiss()
    })
    await page.goto(`${t.baseUrl}/search?q=XSS`)
    await page.click(`a:has-text("${XSS}")`)
    await page.waitForURL(/\/alerts\//)
    expect(await page.locator('main').textContent()).toContain(XSS)
    expect(await page.locator('main img').count()).toBe(0)
    expect(dialogs).toBe(0)
    const cap = await page.locator('a[href^="/cap/"]').getAttribute('href')
    const res = await page.request.get(`${t.baseUrl}${cap}`)
    expect(res.headers()['content-type']).toContain('application/cap+xml')
    await page.screenshot({ path: join(SHOTS, 'alert-desktop.png'), fullPage: true })
    await page.close()
  })

  it('the language switch holds across pages through the cookie; the stats chart draws', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${t.baseUrl}/`)
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
    await page.click('a[hreflang=en]')
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    await page.click('nav a[href="/stats"]')
    expect(page.url()).not.toContain('lang=')
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.locator('h1').textContent()).toBe('Sampling pass rates')
    const line = await page.locator('svg.chart g.line').boundingBox()
    expect(line?.width ?? 0).toBeGreaterThan(100)
    await page.screenshot({ path: join(SHOTS, 'stats-en.png'), fullPage: true })
    await page.click('nav a[href="/announcements"]')
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    await page.click('main .card a')
    expect(await page.locator('main table').textContent()).toContain(XSS)
    await page.screenshot({ path: join(SHOTS, 'announcement-en.png'), fullPage: true })
    await context.close()
  })
})
