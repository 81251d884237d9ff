import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
const SHOTS = join(tmpdir(), 'redshield-complaint-screenshots')

describe.skipIf(!present)('the 12315 form on a 360 px phone, without script', () => {
  let t: TestApp
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('shows every problem at once keeping what was typed, then files it and shows its status with the code', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      javaScriptEnabled: false,
    })
    const page = await context.newPage()
    expect((await page.goto(`${t.baseUrl}/complaints/new`))?.status()).toBe(200)
    // Nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(SHOTS, 'form.png'), fullPage: true })

    await page.fill('input[name=contact_phone]', '12345')
    await page.fill('input[name=amount]', '12.345')
    await page.fill('input[name=product_name]', '香辣辣椒酱')
    await page.fill('input[name=business_name]', '某某超市春熙路店')
    await page.fill('input[name=business_address]', '北京市朝阳区建国路1号')
    await page.click('button[type=submit]')
    const problems = page.locator('.problems li')
    // Phone, amount, description and the address outside the city: every problem of the form at once.
    expect(await problems.count()).toBe(4)
    const text = ((await page.locator('.problems').textContent()) ?? '').replace(/\s+/g, ' ')
    expect(text).toContain('联系电话')
    expect(text).toContain('金额')
    expect(text).toContain('发生了什么')
    expect(text).toContain('不在本市')
    expect(await page.inputValue('input[name=product_name]')).toBe('香辣辣椒酱')
    await page.screenshot({ path: join(SHOTS, 'problems.png'), fullPage: true })

    await page.fill('input[name=contact_phone]', '138 1234 5678')
    await page.fill('input[name=amount]', '12.50')
    await page.fill('textarea[name=description]', '<b>辣椒酱</b> 打开后有异味😡')
    await page.click('button[type=submit]')
    expect(await page.locator('.problems').textContent()).toContain('不在本市')
    await page.fill('input[name=business_address]', '成都市锦江区春熙路1号')
    await page.click('button[type=submit]')
    await expect.poll(() => page.locator('h1').textContent()).toContain('已收到')
    const tracking = (await page.locator('dd strong').first().textContent()) ?? ''
    expect(tracking).toMatch(/^12315-2026-\d{7}$/)
    await page.screenshot({ path: join(SHOTS, 'receipt.png'), fullPage: true })

    await page.click('text=查看进度')
    expect(page.url()).toContain(`/complaints/${tracking}?code=`)
    const status = (await page.locator('main').textContent()) ?? ''
    expect(status).toContain('待受理')
    expect(status).toContain('锦江区')
    expect(status).not.toContain('13812345678')
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(SHOTS, 'status.png'), fullPage: true })

    // The markup was stored as typed.
    const row = await t.deps.db
      .selectFrom('complaints')
      .select('description')
      .where('tracking', '=', tracking)
      .executeTakeFirstOrThrow()
    expect(row.description).toBe('<b>辣椒酱</b> 打开后有异味😡')

    const fetched = await fetch(page.url())
    expect(fetched.headers.get('cache-control')).toBe('no-store')
    // A wrong code: 404 page, the form to try again.
    const wrong = await page.goto(`${t.baseUrl}/complaints/${tracking}?code=WRONG`)
    expect(wrong?.status()).toBe(404)
    expect(await page.locator('.problems').textContent()).toContain('不正确')
    await context.close()
  })
})
