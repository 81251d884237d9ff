import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const CHROMIUM = '/usr/bin/chromium'

/** The strict Content-Security-Policy must not break the interactive reference. */
describe.skipIf(!existsSync(CHROMIUM))('/docs in a browser under the Content-Security-Policy', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  it('renders every operation with no CSP violation or script error', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    try {
      const page = await browser.newPage()
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(String(e)))
      page.on('console', (m) => {
        if (m.type() === 'error' && !/favicon/.test(m.location().url)) problems.push(m.text())
      })
      await page.goto(`${t.baseUrl}/docs`)
      await page.waitForSelector('.opblock', { timeout: 20_000 })
      const doc = (await t.call('GET', '/openapi.json')).body as { paths: Record<string, object> }
      const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0)
      expect(await page.locator('.opblock').count()).toBe(operations)
      // Expanding an operation shows its schema (rendered by script, styled by the stylesheet).
      await page.locator('.opblock-summary').first().click()
      await page.waitForSelector('.opblock-body', { timeout: 10_000 })
      expect(problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
