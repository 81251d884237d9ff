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

describe('the admin section', () => {
  it('lists users, tokens, retailers, district contacts, webhooks and jobs with their last run', async () => {
    const users = await admin.get('/console/admin/users')
    expect(users.status).toBe(200)
    expect(users.text).toContain('id="users"')
    expect(users.text).toContain('王指挥')
    expect((await admin.get('/console/admin/tokens')).text).toContain('新建令牌')
    expect((await admin.get('/console/admin/retailers')).text).toContain('登记经营者')
    const contacts = await admin.get('/console/admin/contacts')
    expect(contacts.text).toContain('id="contacts"')
    expect(contacts.text).toContain('锦江区')
    const r = await admin.get('/console/admin')
    expect(r.status).toBe(200)
    for (const id of ['webhooks', 'jobs']) expect(r.text).toContain(`id="${id}"`)
    for (const j of jobs) expect(r.text).toContain(j.name)
    expect(r.text).not.toMatch(/<script>|style="/)
    const en = await admin.get('/console/admin/contacts?lang=en')
    expect(en.text).toContain('District contacts')
    expect(en.text).toContain('Jinjiang')
    // The language sticks to the person until switched back.
    expect((await admin.get('/console/admin?lang=zh')).text).toContain('定时任务')
  })

  it('pages a list with next and previous links', async () => {
    for (let i = 0; i < 101; i++)
      await makeUser(t, `bulk${String(i).padStart(3, '0')}`, PASSWORD, { role: 'commander' })
    const first = await admin.get('/console/admin/users')
    expect(first.text).not.toContain('rel="prev"')
    const next = /href="(\/console\/admin\/users\?at=[^"]+)" rel="next"/.exec(first.text)?.[1]
    expect(next).toBeTruthy()
    const second = await admin.get(next!)
    // 104 accounts, 100 a page, ordered by login: the second page holds the last four.
    expect(second.text).toContain('zhou')
    expect(second.text).not.toContain('>bulk000<')
    expect(second.text).not.toContain('rel="next"')
    expect(second.text).toContain('href="/console/admin/users" rel="prev"')
    expect((await admin.get('/console/admin/users?at=not*a*cursor')).status).toBe(200)
  })

  it('sets a district contact (every problem at once, typed values kept), attributed to the admin', async () => {
    const path = '/console/admin/contacts/510104'
    const bad = await admin.post(path, {
      _csrf: await admin.csrf(path),
      dutyName: '',
      dutyPhone: 'call me',
      headName: '刘局',
      headPhone: '',
    })
    expect(bad.status).toBe(422)
    for (const label of ['值班人员', '值班电话', '负责人电话'])
      expect(bad.text).toMatch(new RegExp(`<li>${label}：`))
    expect(bad.text).toContain('value="call me"')
    const ok = await admin.post(path, {
      _csrf: await admin.csrf(path),
      dutyName: '周敏',
      dutyPhone: '028-1111 2222',
      headName: '',
      headPhone: '',
    })
    expect(ok.status).toBe(303)
    expect((await admin.get('/console/admin/contacts')).text).toContain('周敏 028-1111 2222')
    const e = await t.deps.db
      .selectFrom('events')
      .select(['actor_name', 'payload'])
      .where('type', '=', 'contacts.updated')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(e.actor_name).toBe('李管理')
    expect(e.payload).toEqual({ scope: 'district', district: '510104', filled: ['dutyOfficer'] })
    expect((await admin.get('/console/admin/contacts/999999')).status).toBe(404)
  })

  it('refuses the commander and the district officer (403), and sends the signed-out to sign in', async () => {
    for (const path of ['/console/admin', '/console/admin/contacts/510104']) {
      expect((await chief.get(path)).status).toBe(403)
      expect((await officer.get(path)).status).toBe(403)
    }
    const anon = await new FormClient(() => t.baseUrl).get('/console/admin')
    expect(anon.status).toBe(303)
    expect(anon.location).toMatch(/^\/login/)
  })
})

describe('the console navigation', () => {
  const links = (html: string) => [...html.matchAll(/<nav class="nav"[\s\S]*?<\/nav>/g)][0]?.[0] ?? ''

  it('shows each role its sections and marks the current one', async () => {
    const a = links((await admin.get('/console/admin/users')).text)
    for (const href of [
      '/console',
      '/console/tasks',
      '/console/samples',
      '/console/announcements',
      '/console/admin',
    ])
      expect(a).toContain(`href="${href}"`)
    expect(a).toContain('href="/console/admin" aria-current="page"')
    const c = links((await chief.get('/console/tasks')).text)
    expect(c).toContain('href="/console/tasks" aria-current="page"')
    expect(c).not.toContain('/console/admin')
    expect(c).not.toContain('/console/samples')
    const o = links((await officer.get('/console')).text)
    expect(o).toContain('href="/console" aria-current="page"')
    expect(o).not.toContain('/console/admin')
    expect(o).not.toContain('/console/announcements')
  })
})
