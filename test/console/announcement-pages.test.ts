import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { approved, FAILING, importFixtures, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let sampler: FormClient
let chief: FormClient
let id: string

beforeAll(async () => {
  t = await startTestApp()
  const s = await staff(t)
  await importFixtures(t, s.sampler)
  id = await approved(t, s, { number: '2026第1期', sampleNos: FAILING.slice(0, 2) })
  await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
  await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
  sampler = new FormClient(() => t.baseUrl)
  chief = new FormClient(() => t.baseUrl)
  expect((await sampler.signIn('li', PASSWORD)).status).toBe(303)
  expect((await chief.signIn('wang', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

describe('announcements in the console (read-only)', () => {
  it('lists announcements with their status and links each to its page', async () => {
    const r = await sampler.get('/console/announcements')
    expect(r.status).toBe(200)
    expect(r.text).toContain('2026第1期')
    expect(r.text).toContain('已审批')
    expect(r.text).toContain(`href="/console/announcements/${id}"`)
    const page = await sampler.get(`/console/announcements/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(FAILING[0])
    expect(page.text).toContain('质监处 审核人')
    expect((await sampler.get(`/console/announcements/${id}?lang=en`)).text).toContain('Approved')
  })

  it('refuses the commander (403) and answers an unknown announcement with 404', async () => {
    expect((await chief.get('/console/announcements')).status).toBe(403)
    expect((await chief.get(`/console/announcements/${id}`)).status).toBe(403)
    expect((await sampler.get(`/console/announcements/${randomUUID()}`)).status).toBe(404)
  })
})
