import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishDueAnnouncements } from '../../src/announcements/announcement-publish.job.js'
import { importFixtures, PASSED } from '../announcements/helpers.js'
import { makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** The sampling office in Debian's chromium: tick samples → draft → review → approve → publish at a time → retract. */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`[browser] ${CHROMIUM} not found: skipping the announcement browser test`)
const SHOTS = '/tmp/redshield-console-shots'
const PASSWORD = 'a browser password'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')
/** Rows in the large import file (about 1 MB). */
const LARGE_ROWS = 4000

/** A time as a datetime-local input takes it, in Beijing time. */
const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)

describe.skipIf(!hasChromium)('announcements in the browser', () => {
  let t: TestApp
  let browser: Browser
  let sampler: Page
  let reviewer: Page
  let approver: Page
  let original = ''
  const violations: string[] = []

  const open = async (width: number) => {
    const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage()
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    return page
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
  async function signIn(page: Page, login: string) {
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('登录名 Login name').fill(login)
    await page.getByLabel('密码 Password').fill(PASSWORD)
    await Promise.all([
      page.waitForURL('**/console'),
      page.getByRole('button', { name: '登录 Sign in' }).click(),
    ])
  }
  const status = (page: Page) => page.locator('.meta [data-status]').getAttribute('data-status')
  /** Review by the reviewer, approval by the approver, on the announcement at `url`. */
  async function reviewAndApprove(url: string) {
    await reviewer.goto(url)
    await reviewer.getByLabel('意见').fill('核对无误')
    await Promise.all([reviewer.waitForURL(url), reviewer.getByRole('button', { name: '审核通过' }).click()])
    expect(await status(reviewer)).toBe('reviewed')
    await approver.goto(url)
    await approver.getByLabel('意见').fill('同意发布')
    await Promise.all([approver.waitForURL(url), approver.getByRole('button', { name: '核准' }).click()])
    expect(await status(approver)).toBe('approved')
  }

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    t = await startTestApp()
    await importFixtures(t, await t.token('sampler'))
    await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
    await makeUser(t, 'sun', PASSWORD, { role: 'reviewer' as 'commander', name: '孙审核' })
    await makeUser(t, 'zhao', PASSWORD, { role: 'approver' as 'commander', name: '赵核准' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    sampler = await open(360)
    reviewer = await open(1024)
    approver = await open(360)
    await signIn(sampler, 'li')
    await signIn(reviewer, 'sun')
    await signIn(approver, 'zhao')
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('the sampler ticks two samples on a phone-wide screen, drafts and submits', async () => {
    await sampler.goto(`${t.baseUrl}/console/samples?verdict=pass`)
    await sampler.getByLabel(`选择 ${PASSED[0]}`).check()
    await sampler.getByLabel(`选择 ${PASSED[2]}`).check()
    await sampler.getByLabel('文号').fill('2026第9期')
    await sampler.getByLabel('标题').fill('2026年第四季度食品安全监督抽检信息')
    await sampler.getByLabel('期间').fill('2026Q4')
    // Usable at 360 px: the page does not scroll sideways (the table scrolls in its own box).
    expect(await sampler.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    await shot(sampler, 'samples-pick-360')
    await Promise.all([
      sampler.waitForURL('**/console/announcements/*'),
      sampler.getByRole('button', { name: '起草公告' }).click(),
    ])
    original = sampler.url()
    expect(await sampler.textContent('dl')).toContain(`${PASSED[0]}、${PASSED[2]}`)
    await Promise.all([
      sampler.waitForURL(original),
      sampler.getByRole('button', { name: '提交审核' }).click(),
    ])
    expect(await status(sampler)).toBe('in_review')
  })

  it('another person reviews, a third approves and publishes it a few seconds ahead; the job publishes it', async () => {
    await reviewAndApprove(original)
    const at = beijing(new Date(t.clock.now().getTime() + 5000))
    await approver.getByLabel(/定时发布/).fill(at)
    await Promise.all([
      approver.waitForURL(original),
      approver.getByRole('button', { name: '按时发布' }).click(),
    ])
    expect(await approver.textContent('#scheduled')).toBe(
      `定时发布于 ${at.replace('T', ' ')}（北京时间 UTC+8）`,
    )
    expect(await status(approver)).toBe('scheduled')
    expect(await approver.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    await shot(approver, 'announcement-scheduled-360')
    t.clock.advance(6000)
    expect(await publishDueAnnouncements(t.deps)).toBe(1)
    await sampler.reload()
    expect(await status(sampler)).toBe('published')
    await shot(sampler, 'announcement-published-360')
  })

  it('the sampler retracts it with a reason; once the retraction is published the original shows as retracted', async () => {
    await sampler.getByText('撤回此公告').click()
    await sampler.getByLabel('撤回公告文号').fill('2026第9期（撤回）')
    await sampler.locator('#r-title').fill('关于撤回2026第9期的公告')
    await sampler.getByLabel('撤回理由（必填）').fill('检验机构复检结论变更')
    await Promise.all([
      sampler.waitForURL((u) => u.href !== original),
      sampler.getByRole('button', { name: '起草撤回公告' }).click(),
    ])
    const retraction = sampler.url()
    await Promise.all([
      sampler.waitForURL(retraction),
      sampler.getByRole('button', { name: '提交审核' }).click(),
    ])
    await reviewAndApprove(retraction)
    await approver.getByRole('button', { name: '立即发布' }).click()
    // A second press, after the page says what publishing does (issue 15).
    await approver.getByText('此操作不可撤销').waitFor()
    await Promise.all([
      approver.waitForURL(retraction),
      approver.getByRole('button', { name: '确认发布' }).click(),
    ])
    expect(await status(approver)).toBe('published')
    await sampler.goto(original)
    expect(await status(sampler)).toBe('retracted')
    expect(await sampler.textContent('main')).toContain('已撤回')
    await shot(sampler, 'announcement-retracted-360')
  })

  it('shows the upload progress of a large file, then the import result in place', async () => {
    const template = (await readFile(resolve(FIXTURES, '2026q4-passed.csv'), 'utf8')).split(/\r?\n/)
    const [header, row] = [template[0]!, template[1]!]
    const rows = Array.from({ length: LARGE_ROWS }, (_, i) =>
      row.replace(/^1,GC26510104201,/, `${i + 1},GC2651010490${String(i).padStart(4, '0')},`),
    )
    const csv = Buffer.from(`${[header, ...rows].join('\n')}\n`, 'utf8')
    const page = await open(360)
    await signIn(page, 'li')
    // A slow uplink (256 KB/s), so the upload takes seconds and the bar has something to show.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    })
    await page.goto(`${t.baseUrl}/console/samples/import`)
    await page.setInputFiles('#file', { name: 'large.csv', mimeType: 'text/csv', buffer: csv })
    await page.getByRole('button', { name: '导入' }).click()
    await page.waitForSelector('#upload-progress:not([hidden])')
    // Part-way: the bar shows a share strictly between nothing and all (read without script: strict CSP).
    const percent = async () => Number(await page.locator('#upload-progress').getAttribute('data-percent'))
    await expect.poll(percent, { timeout: 30_000, interval: 50 }).toSatisfy((p: number) => p > 0 && p < 100)
    await shot(page, 'import-progress-360')
    await page.waitForSelector('.notice', { timeout: 120_000 })
    expect(await page.textContent('.notice')).toContain(`已导入 ${LARGE_ROWS} 份样品`)
    expect(new URL(page.url()).pathname).toBe('/console/samples/import')
    await shot(page, 'import-done-360')
    const n = await t.deps.db
      .selectFrom('samples')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('no', 'like', 'GC2651010490%')
      .executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(LARGE_ROWS)
    expect(violations).toEqual([])
  }, 180_000)
})
