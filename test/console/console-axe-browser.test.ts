import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openMonthlySelfChecks } from '../../src/scorecard/self-checks.service.js'
import {
  API,
  approved,
  extraSample,
  FAILING,
  importFixtures,
  PASSED,
  type Staff,
  staff,
} from '../announcements/helpers.js'
import { type AxeFinding, axeFindings } from '../helpers/axe-console.js'
import { makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** axe-core over the console's pages at a phone's and a desk's size: no serious or critical violation. */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
const SHOTS = '/tmp/shots-staff/axe'
const PASSWORD = 'an axe password'
const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const

describe.skipIf(!hasChromium)('console pages pass axe (serious, critical) at 360×740 and 1280×800', () => {
  let t: TestApp
  let s: Staff
  let browser: Browser
  const paths: { who: 'admin' | 'zhou' | 'wang' | 'li'; path: string; name: string }[] = []
  const findings: Record<string, AxeFinding[]> = {}

  async function signedIn(login: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, bypassCSP: true })
    const page = await context.newPage()
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('登录名 Login name').fill(login)
    await page.getByLabel('密码 Password').fill(PASSWORD)
    await Promise.all([
      page.waitForURL(/\/console/),
      page.getByRole('button', { name: '登录 Sign in' }).click(),
    ])
    return page
  }

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    t = await startTestApp()
    s = await staff(t)
    await importFixtures(t, s.sampler)
    const id = await approved(t, s, { number: '无障碍〔2026〕1号', sampleNos: [...FAILING, ...PASSED] })
    const pub = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
    const incident = pub.body.incidentId as string
    const officerToken = await t.token('district', { district: '510104', name: '锦江 周敏' })
    const list = await t.call('GET', `${API}/tasks?incident=${incident}&district=510104`, {
      token: officerToken,
    })
    const task = list.body.items.find((x: { step: string }) => x.step === 'remove-from-shelves').id as string
    await t.call('POST', `${API}/tasks/${task}/ack`, { token: officerToken })
    const sheet = await t.call('GET', `${API}/tasks/${task}`, { token: officerToken })
    const sample = sheet.body.shops[0].samples[0].id
    const rec = await t.call('POST', `${API}/tasks/${task}/disposals`, {
      token: officerToken,
      body: { sample, unitsRemoved: 12, sealedKg: 2.5 },
    })
    await t.call('POST', `${API}/tasks/${task}/reports/${rec.body.report.id}/corrections`, {
      token: officerToken,
      body: { figures: { units_removed: 10 }, reason: '复核为 10 件' },
    })
    await extraSample(t, s.sampler, 'AXE-1')
    const draft = await t.call('POST', `${API}/announcements`, {
      token: s.sampler,
      body: { number: '无障碍〔2026〕2号', title: '抽检信息', period: '2026Q4', sampleNos: ['AXE-1'] },
    })
    await makeUser(t, 'admin1', PASSWORD, { role: 'admin', name: '管理员' })
    await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
    await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
    await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
    const users = await t.call('GET', `${API}/users`, { token: s.admin })
    const someUser = (users.body.items as { id: string }[])[0]!.id
    await openMonthlySelfChecks(t.deps)
    const checks = await t.call('GET', `${API}/self-checks?district=510104`, { token: officerToken })
    const check = checks.body.items[0].id as string
    paths.push(
      { who: 'wang', path: '/console', name: 'command' },
      { who: 'zhou', path: '/console/tasks', name: 'tasks' },
      { who: 'zhou', path: `/console/tasks/${task}`, name: 'disposal-task' },
      { who: 'wang', path: `/console/incidents/${incident}`, name: 'incident' },
      { who: 'wang', path: `/console/incidents/${incident}/report`, name: 'report' },
      { who: 'admin', path: '/console/samples', name: 'samples' },
      // A filter set: the "all N matching" button; and the list adding to a draft.
      { who: 'admin', path: '/console/samples?verdict=fail', name: 'samples-filtered' },
      { who: 'admin', path: `/console/samples?into=${draft.body.id}`, name: 'samples-into-draft' },
      { who: 'li', path: '/console/samples/import', name: 'samples-import' },
      { who: 'admin', path: '/console/announcements', name: 'announcements' },
      { who: 'admin', path: `/console/announcements/${id}`, name: 'announcement' },
      { who: 'admin', path: `/console/announcements/${draft.body.id}`, name: 'announcement-draft' },
      { who: 'admin', path: '/console/admin', name: 'admin' },
      { who: 'admin', path: '/console/admin/users', name: 'admin-users' },
      { who: 'admin', path: `/console/admin/users/${someUser}`, name: 'admin-user' },
      { who: 'admin', path: '/console/admin/tokens', name: 'admin-tokens' },
      { who: 'admin', path: '/console/admin/retailers', name: 'admin-retailers' },
      { who: 'admin', path: '/console/admin/contacts', name: 'admin-contacts' },
      { who: 'admin', path: '/console/admin/contacts/510104', name: 'admin-contact' },
      { who: 'admin', path: '/console/password', name: 'password' },
      { who: 'wang', path: '/console/scorecard', name: 'scorecard' },
      { who: 'zhou', path: '/console/self-checks', name: 'self-checks' },
      { who: 'zhou', path: `/console/self-checks/${check}`, name: 'self-check' },
    )
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  for (const viewport of VIEWPORTS) {
    it(`every console page at ${viewport.width}×${viewport.height}`, async () => {
      const pages: Record<string, Page> = {}
      const login = { admin: 'admin1', zhou: 'zhou', wang: 'wang', li: 'li' } as const
      const anon = await (await browser.newContext({ viewport, bypassCSP: true })).newPage()
      await anon.goto(`${t.baseUrl}/login`)
      findings[`login@${viewport.width}`] = await axeFindings(anon)
      for (const p of paths) {
        pages[p.who] ??= await signedIn(login[p.who], viewport)
        const page = pages[p.who]!
        const r = await page.goto(`${t.baseUrl}${p.path}`)
        expect(r?.status(), p.path).toBe(200)
        findings[`${p.name}@${viewport.width}`] = await axeFindings(page)
        await page.screenshot({ path: `${SHOTS}/${p.name}-${viewport.width}.png`, fullPage: true })
      }
      // The second press before closing: the confirmation page.
      const chief = pages.wang!
      await chief.goto(`${t.baseUrl}${paths.find((p) => p.name === 'incident')!.path}`)
      await chief.getByLabel('处置总结').fill('结束')
      await chief.getByRole('button', { name: '关闭事件' }).click()
      await chief.getByText(/将取消 \d+ 个区县的 \d+ 项任务/).waitFor()
      findings[`confirm-close@${viewport.width}`] = await axeFindings(chief)
      await chief.screenshot({ path: `${SHOTS}/confirm-close-${viewport.width}.png`, fullPage: true })
      const bad = Object.fromEntries(
        Object.entries(findings).filter(([k, v]) => k.endsWith(`@${viewport.width}`) && v.length > 0),
      )
      expect(bad).toEqual({})
    }, 240_000)
  }
})
