import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { jobs } from '../../src/jobs/job-registry.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let admin: FormClient
let chief: FormClient
let officer: FormClient

beforeAll(async () => {
  t = await startTestApp()
  await makeUser(t, 'li', PASSWORD, { role: 'admin', name: '李管理' })
  await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
  await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
  admin = new FormClient(() => t.baseUrl)
  chief = new FormClient(() => t.baseUrl)
  officer = new FormClient(() => t.baseUrl)
  for (const [c, login] of [
    [admin, 'li'],
    [chief, 'wang'],
    [officer, 'zhou'],
  ] as const)
    expect((await c.signIn(login, PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

describe('the admin lists', () => {
  it('shows the admin users, tokens, webhooks, district contacts and jobs, read-only', async () => {
    const r = await admin.get('/console/admin')
    expect(r.status).toBe(200)
    expect(r.text).toContain('系统管理')
    for (const id of ['users', 'contacts', 'jobs']) expect(r.text).toContain(`id="${id}"`)
    expect(r.text).toContain('王指挥')
    expect(r.text).toContain('周敏')
    expect(r.text).toContain('锦江区')
    for (const j of jobs) expect(r.text).toContain(j.name)
    expect(r.text).not.toContain('<form method="post" action="/console/admin')
    expect(r.text).not.toMatch(/<script>|style="/)
    const en = await admin.get('/console/admin?lang=en')
    expect(en.text).toContain('Administration')
    expect(en.text).toContain('District contacts')
  })

  it('refuses the commander and the district officer (403), and sends the signed-out to sign in', async () => {
    expect((await chief.get('/console/admin')).status).toBe(403)
    expect((await officer.get('/console/admin')).status).toBe(403)
    const anon = await new FormClient(() => t.baseUrl).get('/console/admin')
    expect(anon.status).toBe(303)
    expect(anon.location).toMatch(/^\/login/)
  })
})
