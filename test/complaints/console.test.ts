import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csrfOf, FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, PUBLIC } from './helpers.js'

const PASSWORD = 'correct horse battery 12315'

let t: TestApp
let officer: FormClient
let commander: FormClient
let sampler: FormClient

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  await makeUser(t, 'jj-officer', PASSWORD, { role: 'district', district: '510104', name: '锦江区 赵六' })
  await makeUser(t, 'cc', PASSWORD, { role: 'commander', name: '指挥中心' })
  officer = new FormClient(() => t.baseUrl)
  commander = new FormClient(() => t.baseUrl)
  expect((await officer.signIn('jj-officer', PASSWORD)).status).toBe(303)
  expect((await commander.signIn('cc', PASSWORD)).status).toBe(303)
  sampler = new FormClient(() => t.baseUrl)
})
afterAll(() => t.close())

describe('the 12315 desk in the console', () => {
  it('a district officer records a call (every problem at once first), takes, accepts and closes it', async () => {
    const list = await officer.get('/console/complaints')
    expect(list.status).toBe(200)
    const csrf = csrfOf(list.text)
    const bad = await officer.post('/console/complaints', {
      _csrf: csrf,
      channel: 'phone',
      receivedAt: '',
      kind: 'complaint',
      contact_phone: '123',
      description: '',
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('receivedAt')
    expect(bad.text).toContain('contact.phone')
    const ok = await officer.post('/console/complaints', {
      _csrf: csrf,
      channel: 'phone',
      receivedAt: '2026-11-30T08:30',
      kind: 'complaint',
      contact_phone: '13812345678',
      contact_name: '钱七',
      description: '电话反映：辣椒酱变质',
      product_name: '香辣辣椒酱',
      business_name: '某某超市',
      business_address: '成都市锦江区春熙路1号',
    })
    expect(ok.status, ok.text.slice(0, 300)).toBe(201)
    const tracking = /(12315-2026-\d{7})/.exec(ok.text)?.[1]
    expect(tracking).toBeDefined()
    // Masked in the list.
    expect(ok.text).toContain('138****5678')
    expect(ok.text).not.toContain('13812345678')
    const row = await t.deps.db
      .selectFrom('complaints')
      .select(['id', 'channel'])
      .where('tracking', '=', tracking!)
      .executeTakeFirstOrThrow()
    expect(row.channel).toBe('phone')
    const detail = await officer.get(`/console/complaints/${row.id}`)
    expect(detail.text).toContain('13812345678')
    expect((await officer.post(`/console/complaints/${row.id}/take`, { _csrf: csrf })).status).toBe(303)
    expect(
      (await officer.post(`/console/complaints/${row.id}/decide`, { _csrf: csrf, decision: 'accept' }))
        .status,
    ).toBe(303)
    const refused = await officer.post(`/console/complaints/${row.id}/close`, {
      _csrf: csrf,
      outcome: 'agreed',
    })
    expect(refused.status).toBe(422)
    expect(
      (
        await officer.post(`/console/complaints/${row.id}/close`, {
          _csrf: csrf,
          outcome: 'agreed',
          recovered: '8.80',
        })
      ).status,
    ).toBe(303)
    const after = await t.call('GET', `/api/v1/complaints/${row.id}`, { token: await t.token('admin') })
    expect(after.body).toMatchObject({
      status: 'closed',
      outcome: 'agreed',
      recovered: '8.80',
      owner: { name: '锦江区 赵六' },
    })
  })

  it('the command centre sees a signal with its complaints and activates the response in one step', async () => {
    for (let i = 1; i <= 8; i++)
      await t.call('POST', PUBLIC, {
        body: complaintBody({
          product: { name: '红油豆瓣', batch: 'D-88' },
          description: `第${i}件 豆瓣发霉`,
        }),
      })
    const page = await commander.get('/console/signals')
    expect(page.status).toBe(200)
    expect(page.text).toContain('红油豆瓣 D-88')
    const id = /\/console\/signals\/([0-9a-f-]{36})\/activate/.exec(page.text)?.[1]
    const activated = await commander.post(`/console/signals/${id}/activate`, { _csrf: csrfOf(page.text) })
    expect(activated.status).toBe(303)
    expect(activated.location).toMatch(/^\/console\/incidents\//)
    // District officers do not see signals.
    expect((await officer.get('/console/signals')).status).toBe(403)
    // Without a session: to sign in.
    expect((await sampler.get('/console/complaints')).status).toBe(303)
  })
})
