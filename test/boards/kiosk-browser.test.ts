import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBoardConsumer } from '../../src/boards/board-events.job.js'
import { approved, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
const SHOTS = join(tmpdir(), 'redshield-kiosk-screenshots')

describe.skipIf(!present)('kiosk board page in Chromium', () => {
  let t: TestApp
  let s: Staff
  let browser: Browser
  let consumer: ReturnType<typeof startBoardConsumer>
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
    consumer = startBoardConsumer(t.deps)
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
