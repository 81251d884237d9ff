import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** The real form in a real browser: Debian's chromium, driven by playwright-core. */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`[browser] ${CHROMIUM} not found: skipping the browser test`)
const SCREENSHOTS = resolve(tmpdir(), 'redshield-screenshots')

describe.skipIf(!hasChromium)('sign-in in a browser', () => {
  let t: TestApp
  let browser: Browser
  beforeAll(async () => {
    t = await startTestApp()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('signs in through the form on a phone-sized screen and lands on the officer’s tasks', async () => {
    await makeUser(t, 'zhou', 'a browser password', { role: 'district', district: '510104', name: '周敏' })
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } })
    const violations: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    await page.goto(`${t.baseUrl}/console`)
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.getByLabel('登录名 Login name').fill('zhou')
    await page.getByLabel('密码 Password').fill('a browser password')
    // A district officer lands on the task list (issue 15); the home page is a click away.
    await Promise.all([
      page.waitForURL('**/console/tasks'),
      page.getByRole('button', { name: '登录 Sign in' }).click(),
    ])
    await page.goto(`${t.baseUrl}/console`)
    await expect(page.getByRole('heading', { name: '控制台 Console' }).isVisible()).resolves.toBe(true)
    expect(await page.textContent('main')).toContain('周敏')
    const cookies = await page.context().cookies()
    expect(cookies.find((c) => c.name === 'rs_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    expect(violations).toEqual([]) // the stylesheet loads under the strict policy
    await mkdir(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: resolve(SCREENSHOTS, 'console-home-360.png'), fullPage: true })

    await Promise.all([
      page.waitForURL('**/login'),
      page.getByRole('button', { name: '退出登录 Sign out' }).click(),
    ])
    await page.screenshot({ path: resolve(SCREENSHOTS, 'login-360.png'), fullPage: true })
    await page.close()
  }, 60_000)
})
