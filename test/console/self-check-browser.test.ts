import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openMonthlySelfChecks } from '../../src/scorecard/self-checks.service.js'
import { seriousViolations } from '../helpers/axe.js'
import { makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** 每月自查 on a 360 px phone in Debian's chromium: from the task list to the filed check, task done. */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`[browser] ${CHROMIUM} not found: skipping the self-check browser test`)
const SHOTS = '/tmp/redshield-console-shots'
const PASSWORD = 'a browser password'
const WIDTH = 360

describe.skipIf(!hasChromium)('the monthly self-check task on a phone', () => {
  let t: TestApp
  let browser: Browser
  let page: Page
  const csp: string[] = []

  /** What a phone must not do: scroll sideways, or show axe's serious or critical findings. */
  async function fits(name: string) {
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(
      WIDTH,
    )
    expect(await seriousViolations(page), name).toEqual([])
  }

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    t = await startTestApp() // 2026-11-30 09:00 in Chengdu: October has ended, its self-check is due
    expect(await openMonthlySelfChecks(t.deps)).toBe(20)
    await makeUser(t, 'zhou-sc', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    page = await (await browser.newContext({ viewport: { width: WIDTH, height: 740 } })).newPage()
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text())
    })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('the officer opens the month’s task from their list, acknowledges, files findings and measures, and sees it done', async () => {
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('登录名 Login name').fill('zhou-sc')
    await page.getByLabel('密码 Password').fill(PASSWORD)
    await page.getByRole('button', { name: '登录 Sign in' }).click()
    await page.waitForURL('**/console/tasks')
    expect(await page.textContent('main')).toContain('2026年10月 每月自查')
    await fits('task list')
    await page.screenshot({ path: `${SHOTS}/40-self-check-task-list-360.png`, fullPage: true })

    await page.getByRole('link', { name: /报送每月自查/ }).click()
    await page.waitForURL(/\/console\/tasks\/[0-9a-f-]{36}$/)
    // The month's figures and the check's own form; no generic report or completion.
    await page.locator('#self-check-figures').waitFor()
    expect(await page.getByRole('button', { name: '标记完成' }).count()).toBe(0)
    await fits('task page, pending')

    await page.getByRole('button', { name: '确认接收' }).click()
    await page.getByText('已确认接收。').waitFor()
    // Filing is the next step: no separate 开始处置 stands before the form.
    expect(await page.getByRole('button', { name: '开始处置' }).count()).toBe(0)
    await fits('task page, acknowledged')
    await page
      .getByLabel('自查情况')
      .fill('10月本区县任务均按时办结；投诉受理 2 件超时，原因是节假日值班衔接不畅。')
    await page.getByLabel('整改措施（选填）').fill('节假日安排专人每日核对投诉受理时限，周例会通报。')
    await page.screenshot({ path: `${SHOTS}/41-self-check-form-filled-360.png`, fullPage: true })
    await page.getByRole('button', { name: '报送自查并完成任务' }).click()

    await page.getByText('自查已报送，任务已完成。').waitFor()
    const main = (await page.textContent('main')) ?? ''
    expect(main).toContain('已完成')
    expect(main).toContain('投诉受理 2 件超时')
    expect(main).toContain('节假日安排专人')
    // The report's figures read in the step's order, as the scorecard lists them.
    expect(main).toMatch(/应办任务 0 项；按时办结任务 0 项；应受理投诉 0 件；按时受理投诉 0 件/)
    expect(await page.getByRole('button', { name: '报送自查并完成任务' }).count()).toBe(0)
    await fits('task page, filed')
    await page.screenshot({ path: '/tmp/selfcheck-360.png', fullPage: true })

    // What the page said is what happened: the check filed, its task completed.
    const check = await t.deps.db
      .selectFrom('self_checks')
      .innerJoin('tasks', 'tasks.id', 'self_checks.task_id')
      .select(['self_checks.status as check', 'tasks.status as task'])
      .where('self_checks.district_code', '=', '510104')
      .executeTakeFirstOrThrow()
    expect(check).toEqual({ check: 'filed', task: 'completed' })
    expect(csp).toEqual([])
  }, 120_000)
})
