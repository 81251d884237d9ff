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
      // Swagger UI draws only the operations near the viewport (and drops those scrolled past): scroll through
      // the page and collect every operation it has drawn, by method and path.
      const seen = new Set<string>()
      for (let step = 0; step < 400 && seen.size < operations; step++) {
        for (const id of await page.locator('.opblock').evaluateAll((els) => els.map((e) => e.id)))
          seen.add(id)
        await page.mouse.wheel(0, 600)
        await page.waitForTimeout(50)
      }
      expect(seen.size, problems.join('\n')).toBe(operations)
      await page.mouse.wheel(0, -1_000_000)
      // Expanding an operation shows its schema (rendered by script, styled by the stylesheet).
      await page.locator('.opblock-summary').first().click()
      await page.waitForSelector('.opblock-body', { timeout: 10_000 })
      expect(problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
