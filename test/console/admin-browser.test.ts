import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** A new person's first day: the admin makes the account on a phone, the person signs in and sets a password. */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
const SHOTS = '/tmp/redshield-console-shots'
const PASSWORD = 'a browser password'

describe.skipIf(!hasChromium)('the admin section in the browser', () => {
  let t: TestApp
  let browser: Browser
  let admin: Page
  let oneTime = ''
  const violations: string[] = []

  const phone = async () => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage()
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    return page
  }
  /** A screenshot, and the page fits the phone: nothing wider than the screen. */
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(360)
  }
  async function signIn(page: Page, login: string, password: string) {
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('登录名 Login name').fill(login)
    await page.getByLabel('密码 Password').fill(password)
    await page.getByRole('button', { name: '登录 Sign in' }).click()
  }

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    t = await startTestApp()
    await makeUser(t, 'li', PASSWORD, { role: 'admin', name: '李管理' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    admin = await phone()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('the admin creates a district officer on a 360 px phone and sees the one-time password once', async () => {
    await signIn(admin, 'li', PASSWORD)
    await admin.waitForURL('**/console')
    await admin.getByRole('link', { name: '管理', exact: true }).click()
    await admin.getByRole('link', { name: '用户', exact: true }).click()
    await admin.getByText('新建用户').click() // the form is folded above the list
    expect(await admin.locator('.nav a[aria-current="page"]').textContent()).toBe('管理')
    await admin.getByLabel('登录名').fill('jj duty')
    await admin.getByLabel('姓名').fill('锦江区值班')
    await admin.getByLabel('角色').selectOption('district')
    await admin.getByRole('button', { name: '创建' }).click()
    // Every problem at once, the typed values kept.
    await admin.getByRole('alert').waitFor()
    expect(await admin.textContent('.problems')).toContain('登录名')
    expect(await admin.textContent('.problems')).toContain('区县')
    expect(await admin.getByLabel('姓名').inputValue()).toBe('锦江区值班')
    await shot(admin, '20-admin-user-problems-360')
    await admin.getByLabel('登录名').fill('jj-duty')
    await admin.getByLabel(/^区县/).selectOption('510104')
    await admin.getByRole('button', { name: '创建' }).click()
    oneTime = (await admin.locator('#secret').textContent()) ?? ''
    expect(oneTime.length).toBeGreaterThanOrEqual(10)
    await shot(admin, '21-admin-user-created-360')
    await admin.reload()
    expect(await admin.locator('#secret').count()).toBe(0)
  }, 90_000)

  it('the new officer signs in with it, must set a password, then reaches the own tasks', async () => {
    const officer = await phone()
    await signIn(officer, 'jj-duty', oneTime)
    await officer.waitForURL('**/console/password')
    await shot(officer, '22-first-sign-in-password-360')
    await officer.getByLabel('当前密码 Current password').fill(oneTime)
    await officer.getByLabel(/^新密码/).fill('chunxi road 2026')
    await officer.getByLabel(/再次输入/).fill('chunxi road 2026')
    await officer.getByRole('button', { name: '保存 Save' }).click()
    // Straight to the own tasks, as after any later sign-in.
    await officer.waitForURL('**/console/tasks')
    expect(await officer.locator('.nav a[aria-current="page"]').textContent()).toBe('任务')
    await officer.getByRole('link', { name: '控制台', exact: true }).click()
    await officer.waitForURL('**/console')
    expect(await officer.textContent('main')).toContain('锦江区')
    expect(await officer.locator('.nav a[href="/console/admin"]').count()).toBe(0)
  }, 90_000)

  it('every admin page fits a 360 px screen, in Chinese and in English', async () => {
    for (const [name, path] of [
      ['23-admin-users-360', '/console/admin/users'],
      ['24-admin-tokens-360', '/console/admin/tokens'],
      ['25-admin-retailers-360', '/console/admin/retailers'],
      ['26-admin-contacts-360', '/console/admin/contacts'],
      ['27-admin-contact-edit-360', '/console/admin/contacts/510104'],
      ['28-admin-webhooks-jobs-360', '/console/admin'],
      ['29-admin-users-en-360', '/console/admin/users?lang=en'],
    ] as const) {
      const res = await admin.goto(`${t.baseUrl}${path}`)
      expect(res?.status(), path).toBe(200)
      expect((await res!.body()).length, path).toBeLessThan(50 * 1024)
      await shot(admin, name)
    }
    expect(violations).toEqual([])
  }, 90_000)
})
