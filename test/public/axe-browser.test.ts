import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boardEventsJob } from '../../src/boards/board-events.job.js'
import { startScheduler } from '../../src/jobs/scheduler.js'
import { approved, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { AXE_VIEWPORTS, describeFindings, seriousViolations } from '../helpers/axe.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
const SHOTS = '/tmp/shots-consumer/axe'

/** Every public page, with real data behind it: alerts, a published announcement, search hits, a board. */
describe.skipIf(!present)('axe-core over every public page', () => {
  let t: TestApp
  let s: Staff
  let browser: Browser
  let consumer: ReturnType<typeof startScheduler>
  const pages: [string, string][] = []

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0', BOARD_POLL_MS: '60000' } })
    s = await staff(t)
    await importFixtures(t, s.sampler)
    const commander = await t.token('commander')
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: {
        playbook: 'sudan-red',
        level: 'II',
        title: '辣椒制品苏丹红排查',
        districts: ['510104', '510105'],
        products: [{ name: '红油火锅底料', brand: '蜀香', batch: 'HG-2611-07' }],
      },
    })
    if (inc.status !== 201) throw new Error(inc.text)
    const r = await t.call('POST', '/api/v1/retailers', {
      token: s.admin,
      body: {
        id: 'hongqi-chunxi',
        name: '成都红旗连锁股份有限公司春熙路店',
        district: '510104',
        address: '成都市锦江区春熙路南段8号',
      },
    })
    if (r.status !== 201) throw new Error(r.text)
    const id = await approved(t, s, {
      number: '2026-A1',
      sampleNos: ['GC26510104101', 'GC26510107102', 'GC26510104201'],
    })
    const pub = await t.call('POST', `/api/v1/announcements/${id}/publish`, { token: s.approver, body: {} })
    if (pub.status !== 200) throw new Error(pub.text)
    consumer = startScheduler(t.deps, [boardEventsJob])
    const alerts = await t.call('GET', '/api/v1/public/alerts?limit=1')
    pages.push(
      ['home', '/'],
      ['alerts', '/alerts'],
      ['alert', `/alerts/${alerts.body.items[0].id}`],
      ['announcements', '/announcements'],
      ['announcement', `/announcements/${id}`],
      ['search', `/search?q=${encodeURIComponent('辣椒')}`],
      ['stats', '/stats'],
      ['board', '/boards/hongqi-chunxi'],
      ['not-found', '/no/such/page'],
    )
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  }, 90_000)
  afterAll(async () => {
    await browser?.close()
    consumer?.stop()
    await t?.close()
  })

  for (const viewport of AXE_VIEWPORTS)
    it(`no serious or critical violation at ${viewport.width}×${viewport.height}`, async () => {
      const page = await browser.newPage({ viewport })
      const found: string[] = []
      for (const [name, path] of pages) {
        await page.goto(`${t.baseUrl}${path}`)
        await page.screenshot({ path: join(SHOTS, `${name}-${viewport.width}.png`), fullPage: true })
        found.push(...describeFindings(`${name} ${path}`, await seriousViolations(page)))
        if (name === 'stats') {
          // Chart labels stay legible on a phone: at least 11 CSS px as rendered. The rendered box, not the
          // computed style: a scaled SVG (viewBox) shrinks its text without changing the style; a line of
          // 12 px type is about 1.2 × 12 high.
          const heights = await page
            .locator('svg.chart text')
            .evaluateAll((els) =>
              els.map(
                (e) =>
                  (
                    e as unknown as { getBoundingClientRect: () => { height: number } }
                  ).getBoundingClientRect().height / 1.2,
              ),
            )
          expect(heights.length).toBeGreaterThan(5)
          expect(Math.min(...heights)).toBeGreaterThanOrEqual(11)
        }
      }
      await page.close()
      expect(found).toEqual([])
    }, 120_000)
})
