import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** The console end to end in Debian's chromium: a drill from activation to the green cell. */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`[browser] ${CHROMIUM} not found: skipping the console browser test`)
const SHOTS = '/tmp/redshield-console-shots'
const PASSWORD = 'a browser password'

describe.skipIf(!hasChromium)('a drill in the browser', () => {
  let t: TestApp
  let browser: Browser
  let evil: Server
  let commander: Page
  let officer: Page
  const violations: string[] = []
  /** Each console page's HTML size, as the browser received it. */
  const weights = new Map<string, number>()
  let sealTask = ''

  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    page.on('response', async (r) => {
      if (r.request().resourceType() !== 'document' || r.status() >= 300) return
      const body = await r.body().catch(() => null)
      if (body) weights.set(new URL(r.url()).pathname, body.length)
    })
    return page
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
  async function signIn(page: Page, login: string, password = PASSWORD) {
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('登录名 Login name').fill(login)
    await page.getByLabel('密码 Password').fill(password)
    await page.getByRole('button', { name: '登录 Sign in' }).click()
  }

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    t = await startTestApp()
    await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
    await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    commander = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage())
    officer = watch(await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage())
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    evil?.close()
    await t?.close()
  })

  it('the commander signs in and activates a drill, previewing the steps first', async () => {
    await signIn(commander, 'wang')
    await commander.waitForURL('**/console')
    await shot(commander, '01-command-centre-empty')
    await commander.getByLabel('预案').selectOption('sudan-red')
    await commander.getByLabel('响应级别').selectOption('IV')
    await commander.getByLabel('标题').fill('苏丹红专项演练')
    await commander.getByLabel('锦江区').check()
    await commander.getByLabel('青羊区').check()
    await commander.getByLabel('涉及产品（每行一个：名称 批号）').fill('辣椒粉 B20261101')
    await commander.getByLabel('演练（不计入统计）').check()
    await commander.getByRole('button', { name: '下一步：预览' }).click()
    await commander.getByRole('heading', { name: '确认启动' }).waitFor()
    expect(await commander.textContent('main')).toContain('封存库存')
    await shot(commander, '02-activate-preview')
    await Promise.all([
      commander.waitForURL(/\/console\/incidents\/[0-9a-f-]{36}$/),
      commander.getByRole('button', { name: '确认启动' }).click(),
    ])
    expect(await commander.locator('#matrix td.st-pending').count()).toBeGreaterThan(0)
    await shot(commander, '03-incident-matrix')
  }, 90_000)

  it('the officer, on a 360 px phone, acknowledges, files a report with one wrong figure, fixes it, completes', async () => {
    await signIn(officer, 'zhou')
    // A district officer lands on the task list (issue 15).
    await officer.waitForURL('**/console/tasks')
    await officer.goto(`${t.baseUrl}/console/tasks`)
    await shot(officer, '04-officer-tasks-360')
    const link = officer.getByRole('link', { name: /封存库存/ })
    sealTask = /\/console\/tasks\/([0-9a-f-]{36})/.exec((await link.getAttribute('href')) ?? '')![1]!
    await link.click()
    await officer.getByRole('button', { name: '确认接收' }).click()
    await officer.getByText('已确认接收。').waitFor()
    await shot(officer, '05-officer-task-acknowledged-360')
    await officer.getByLabel(/封存数量/).fill('-3')
    await officer.getByLabel(/封存重量/).fill('30.5')
    await officer.getByLabel('备注').first().fill('第一批')
    await officer.getByRole('button', { name: '提交上报' }).click()
    await officer.getByRole('alert').first().waitFor()
    expect(await officer.textContent('main')).toContain('封存数量：应 ≥ 0')
    expect(await officer.getByLabel(/封存数量/).inputValue()).toBe('-3')
    expect(await officer.getByLabel(/封存重量/).inputValue()).toBe('30.5')
    await shot(officer, '06-officer-report-error-360')
    // No horizontal scrolling on the phone.
    expect(await officer.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    await officer.getByLabel(/封存数量/).fill('12')
    await officer.getByRole('button', { name: '提交上报' }).click()
    await officer.getByText('已上报。').waitFor()
    await officer.getByRole('button', { name: '标记完成' }).click()
    await officer.getByText('任务已完成。').waitFor()
    await shot(officer, '07-officer-completed-360')
  }, 90_000)

  it('the commander’s open incident page turns that cell green without reload', async () => {
    const cell = commander.locator(`#cell-${sealTask}`)
    await expect
      .poll(() => cell.getAttribute('data-state'), { timeout: 15_000, interval: 500 })
      .toBe('completed')
    expect(await cell.getAttribute('class')).toBe('st-completed')
    const bg = await cell.evaluate(
      (el) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
        ).getComputedStyle(el).backgroundColor,
    )
    expect(bg).toBe('rgb(165, 214, 167)') // green
    await shot(commander, '08-incident-matrix-live-green')
  }, 30_000)

  it('another district’s task is a 404 for the officer', async () => {
    const other = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('district_code', '=', '510105')
      .executeTakeFirstOrThrow()
    const res = await officer.goto(`${t.baseUrl}/console/tasks/${other.id}`)
    expect(res?.status()).toBe(404)
    await shot(officer, '09-other-district-404-360')
  }, 30_000)

  it('a form posted from another site is refused', async () => {
    const other = await t.deps.db
      .selectFrom('tasks')
      .select(['id', 'status'])
      .where('district_code', '=', '510104')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    // localhost is another site than 127.0.0.1: the browser sends no Strict cookie and says cross-site.
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end(
        `<form id="f" method="post" action="${t.baseUrl}/console/tasks/${other.id}/ack"><input name="_csrf" value="guess"><button>go</button></form>`,
      )
    }).listen(0)
    await new Promise((r) => evil.once('listening', r))
    const port = (evil.address() as AddressInfo).port
    await officer.goto(`http://localhost:${port}/`)
    await Promise.all([officer.waitForURL(`${t.baseUrl}/**`), officer.click('button')])
    expect(new URL(officer.url()).pathname).not.toBe(`/console/tasks/${other.id}`)
    const after = await t.deps.db
      .selectFrom('tasks')
      .select('status')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow()
    expect(after.status).toBe('pending')
    await shot(officer, '10-cross-site-refused-360')
  }, 30_000)

  it('the commander closes the incident with a summary and downloads the after-action report', async () => {
    await commander.getByLabel('处置总结').fill('演练结束：锦江区封存 12 件、30.5 千克。')
    await commander.getByRole('button', { name: '关闭事件' }).click()
    // Open tasks remain: the page says what closing cancels, and a second press closes (issue 15).
    await commander.getByText(/将取消 \d+ 个区县的 \d+ 项任务/).waitFor()
    await commander.getByRole('button', { name: '确认关闭' }).click()
    await commander.getByText('已关闭').first().waitFor()
    expect(await commander.textContent('main')).toContain('演练结束：锦江区封存 12 件')
    const [download] = await Promise.all([
      commander.waitForEvent('download'),
      commander.getByRole('link', { name: '下载总结报告（CSV）' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^FS-\d{4}-\d{4}-report\.csv$/)
    const csv = await readFile((await download.path())!, 'utf8')
    const header = csv
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]!
      .split(',')
    const jinjiang = csv
      .split(/\r?\n/)
      .find((l) => l.startsWith('锦江区,510104,'))!
      .split(',')
    // The console's CSV is for people: Chinese headers, the district's name beside its code.
    expect(jinjiang[header.indexOf('已完成')]).toBe('1')
    expect(jinjiang[header.indexOf('封存数量（件）')]).toBe('12')
    await shot(commander, '08b-incident-closed')
  }, 30_000)

  it('five wrong passwords lock the login (429 page)', async () => {
    const page = watch(await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage())
    for (let i = 0; i < 4; i++) {
      await signIn(page, 'wang', 'wrong password!')
      await page.getByText('登录名或密码错误').waitFor()
    }
    await signIn(page, 'wang', 'wrong password!') // the fifth locks
    await page.getByText('请稍后再试').first().waitFor()
    await signIn(page, 'wang') // even the right password is refused now
    await page.getByText('请稍后再试').first().waitFor()
    expect(await page.textContent('main')).toContain('锁定')
    await shot(page, '11-lockout-429-360')
    expect(violations).toEqual([])
  }, 90_000)

  it('every console page the drill went through weighs under 50 KB (no framework download)', () => {
    for (const path of [
      '/console',
      '/console/tasks',
      '/console/incidents/preview',
      `/console/tasks/${sealTask}`,
    ])
      expect(weights.has(path), path).toBe(true)
    for (const [path, bytes] of weights) expect(bytes, path).toBeLessThan(50 * 1024)
  })
})
