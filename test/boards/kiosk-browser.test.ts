import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boardEventsJob } from '../../src/boards/board-events.job.js'
import { refreshBoards } from '../../src/boards/board-refresh.js'
import { startScheduler } from '../../src/jobs/scheduler.js'
import { approved, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { describeFindings, seriousViolations } from '../helpers/axe.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { failingCsv, failingNos } from '../public/published-layout.js'

const SHOP = { name: '成都红旗连锁股份有限公司春熙路店', address: '成都市锦江区春熙路南段8号' }

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
const SHOTS = join(tmpdir(), 'redshield-kiosk-screenshots')

describe.skipIf(!present)('kiosk board page in Chromium', () => {
  let t: TestApp
  let s: Staff
  let browser: Browser
  let consumer: ReturnType<typeof startScheduler>
  let closed = false

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    t = await startTestApp({ config: { BOARD_POLL_MS: '500' } })
    s = await staff(t)
    await importFixtures(t, s.sampler)
    const r = await t.call('POST', '/api/v1/retailers', {
      token: s.admin,
      body: {
        id: 'hongqi-chunxi',
        name: '成都红旗连锁股份有限公司　春熙路店',
        district: '510104',
        address: '成都市锦江区春熙路南段8号',
      },
    })
    if (r.status !== 201) throw new Error(r.text)
    consumer = startScheduler(t.deps, [boardEventsJob])
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    consumer?.stop()
    if (!closed) await t?.close()
  })

  it('shows a new failing product after a publication without a reload, and the offline notice when the server stops', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(m.text()))
        errors.push(m.text())
    })
    const res = await page.goto(`${t.baseUrl}/boards/hongqi-chunxi`)
    expect(res?.status()).toBe(200)
    // Framable (the only page that is), with a policy that allows its own script only.
    expect(res?.headers()['x-frame-options']).toBeUndefined()
    expect(res?.headers()['content-security-policy']).not.toMatch(/frame-ancestors/)
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/)
    expect(await page.locator('tr[data-sample]').count()).toBe(0)
    await page.evaluate(() => {
      ;(globalThis as unknown as { marker: number }).marker = 42
    })
    await page.screenshot({ path: join(SHOTS, 'kiosk-before.png') })

    const id = await approved(t, s, { number: '2026-K1', sampleNos: ['GC26510104101', 'GC26510107102'] })
    const pub = await t.call('POST', `/api/v1/announcements/${id}/publish`, { token: s.approver, body: {} })
    expect(pub.status).toBe(200)
    const mine = page.locator('tr.here[data-sample="GC26510104101"]')
    await mine.waitFor({ timeout: 15_000 })
    expect(await mine.locator('.mark').textContent()).toBe('本店抽检')
    // The same document: no reload happened.
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42)
    expect(await page.locator('body').getAttribute('data-version')).toBe('2')
    await page.screenshot({ path: join(SHOTS, 'kiosk-after.png') })
    expect(await page.locator('#offline').isVisible()).toBe(false)

    consumer.stop()
    await t.close()
    closed = true
    await page.locator('#offline').waitFor({ state: 'visible', timeout: 15_000 })
    expect(await page.locator('#offline').textContent()).toContain('无法连接服务器')
    // What it showed stays on screen.
    expect(await mine.count()).toBe(1)
    await page.screenshot({ path: join(SHOTS, 'kiosk-offline.png') })
    expect(errors).toEqual([])
  })
})

describe.skipIf(!present)('kiosk board at 1920×1080 with more failing products than fit', () => {
  let t: TestApp
  let browser: Browser

  beforeAll(async () => {
    mkdirSync('/tmp/shots-consumer', { recursive: true })
    t = await startTestApp({ config: { BOARD_POLL_MS: '60000' } })
    const s = await staff(t)
    const r = await t.call('POST', '/api/v1/retailers', {
      token: s.admin,
      body: { id: 'hongqi-chunxi', name: SHOP.name, district: '510104', address: SHOP.address },
    })
    if (r.status !== 201) throw new Error(r.text)
    const csv = failingCsv(40, { prefix: 'KB26', at: SHOP, atCount: 16 })
    const imp = await t.call('POST', '/api/v1/samples/import', {
      token: s.sampler,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    })
    if (imp.status !== 201) throw new Error(imp.text)
    const id = await approved(t, s, { number: '2026-K2', sampleNos: failingNos(40, 'KB26') })
    const pub = await t.call('POST', `/api/v1/announcements/${id}/publish`, { token: s.approver, body: {} })
    if (pub.status !== 200) throw new Error(pub.text)
    await refreshBoards(t.deps, { all: true })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  }, 90_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('shows everything without scrolling, own products first, a screenful at a time, the hotline always', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    await page.goto(`${t.baseUrl}/boards/hongqi-chunxi?rotate=3`)
    const rows = page.locator('tbody tr[data-sample]')
    const total = await rows.count()
    expect(total).toBeGreaterThanOrEqual(16)
    // Nothing to scroll, either way.
    const size = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: { documentElement: { scrollHeight: number; scrollWidth: number } }
        }
      ).document.documentElement
      return { h: d.scrollHeight, w: d.scrollWidth }
    })
    expect(size.h).toBeLessThanOrEqual(1080)
    expect(size.w).toBeLessThanOrEqual(1920)
    const hotline = await page.locator('.hotline strong').boundingBox()
    expect(hotline && hotline.y + hotline.height).toBeLessThanOrEqual(1080)
    expect(await page.locator('.hotline strong').textContent()).toBe('12315')
    // The shop's credit-risk class (16 failing samples here: the highest class), heading the side column.
    const credit = page.locator('.side .credit')
    expect(await credit.textContent()).toMatch(/^信用风险分类 D 高风险Credit risk class D · high risk$/)
    const cb = await credit.boundingBox()
    expect(cb && cb.x + cb.width).toBeLessThanOrEqual(1920)
    expect(cb && cb.y + cb.height).toBeLessThanOrEqual(400)
    // The rows shown fit in their box; the others wait for their turn.
    const box = await page.locator('.products').boundingBox()
    const shown = page.locator('tbody tr[data-sample]:not([hidden])')
    const first = await shown.count()
    expect(first).toBeGreaterThan(3)
    expect(first).toBeLessThan(total)
    for (let i = 0; i < first; i++) {
      const b = await shown.nth(i).boundingBox()
      expect((b?.y ?? 0) + (b?.height ?? 0)).toBeLessThanOrEqual((box?.y ?? 0) + (box?.height ?? 0) + 1)
    }
    // This shop's own come first, marked; each row says product, brand, batch or date, and where.
    expect(await shown.first().getAttribute('class')).toContain('here')
    expect(await shown.first().locator('.mark').textContent()).toBe('本店抽检')
    expect(await page.locator('.failing .pager').textContent()).toMatch(/^第 1\/\d+ 页/)
    await page.screenshot({ path: '/tmp/shots-consumer/kiosk-1920-page1.png' })
    // The page shown and its first row, read together: on a loaded machine the screen may turn between two
    // separate reads.
    const visible = () =>
      page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: {
              querySelector(
                s: string,
              ): { textContent: string | null; getAttribute(a: string): string | null } | null
            }
          }
        ).document
        return {
          pager: d.querySelector('.failing .pager')?.textContent ?? '',
          first: d.querySelector('tbody tr[data-sample]:not([hidden])')?.getAttribute('data-sample') ?? null,
        }
      })
    const before = await visible()
    await page
      .locator('.failing .pager', { hasNotText: before.pager.slice(0, 6) })
      .waitFor({ timeout: 10_000 })
    const after = await visible()
    expect(after.pager).not.toBe(before.pager)
    expect(after.first).not.toBe(before.first)
    await page.screenshot({ path: '/tmp/shots-consumer/kiosk-1920-page2.png' })
    // No sentence said twice (as shown: innerText keeps the lines the screen shows).
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines are what is compared
    const lines = (await page.locator('body').innerText())
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 8)
    expect(lines.filter((l, i) => lines.indexOf(l) !== i)).toEqual([])
    // Only a failing table is published this quarter: no rate, and it says why (not 0.00 %).
    expect(await page.locator('.basis').textContent()).toContain('仅公布了 40 批次不合格结果，暂不计算合格率')
    expect(await page.locator('.rate').count()).toBe(0)
    expect(describeFindings('board', await seriousViolations(page))).toEqual([])
    await page.close()
  }, 60_000)
})
