import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API, approved, type Staff, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let s: Staff
let commander: string
let jinjiang: string

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

type Part = { due: number; onTime: number; rate: number | null }
const card = async (month: string) => {
  const r = await t.call('GET', `${API}/scorecard?month=${month}`, { token: commander })
  expect(r.status, r.text).toBe(200)
  return r.body as {
    districts: { district: string; tasks: Part; rectifications: Part; selfChecks: Part & { filed: number } }[]
    city: { tasks: Part; rectifications: Part }
  }
}

describe('the district scorecard', () => {
  it('counts disposal tasks and rectifications closed on time, per district and for the city', async () => {
    const r = await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: {
        no: 'SC-1',
        unit: { name: '评分测试超市', address: '成都市锦江区评分路1号' },
        foodName: '腊肠',
        category: '肉制品',
        sampledOn: '2026-11-20',
        items: [{ name: '亚硝酸盐', result: '60mg/kg', limit: '≤30mg/kg', verdict: 'fail' }],
      },
    })
    expect(r.status, r.text).toBe(201)
    const id = await approved(t, s, { number: '成市监抽检〔2026〕第501号', sampleNos: ['SC-1'] })
    expect(
      (await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })).status,
    ).toBe(200)
    const cases = await t.call('GET', `${API}/rectifications`, { token: jinjiang })
    const c = cases.body.items[0]
    expect(
      (
        await t.call('POST', `${API}/rectifications/${c.id}/close`, {
          token: jinjiang,
          body: { decision: 'rectified', reason: '已下架并更换供货商' },
        })
      ).status,
    ).toBe(200)
    const month = new Date(Date.parse(c.dueAt) + 8 * 3600_000).toISOString().slice(0, 7)
    const sc = await card(month)
    const jj = sc.districts.find((d) => d.district === '510104')
    expect(jj?.rectifications).toEqual({ due: 1, onTime: 1, rate: 100 })
    expect(sc.city.rectifications).toEqual({ due: 1, onTime: 1, rate: 100 })
    expect(jj?.selfChecks).toEqual({ due: 0, filed: 0, onTime: 0, rate: null })
    const taskMonths = [await card('2026-11'), await card('2026-12')]
    const due = taskMonths.reduce(
      (n, m) => n + (m.districts.find((d) => d.district === '510104')?.tasks.due ?? 0),
      0,
    )
    expect(due).toBeGreaterThan(0)
  })

  it('refuses a bad month and readers other than the command centre', async () => {
    expect((await t.call('GET', `${API}/scorecard?month=2026-13`, { token: commander })).status).toBe(422)
    expect((await t.call('GET', `${API}/scorecard`, { token: commander })).status).toBe(422)
    expect((await t.call('GET', `${API}/scorecard?month=2026-12`, { token: jinjiang })).status).toBe(403)
    expect((await t.call('GET', `${API}/scorecard?month=2026-12`, {})).status).toBe(401)
  })

  it('the console page shows the month for the command centre and not for a district officer', async () => {
    await makeUser(t, 'sc-chief', 'correct horse battery', { role: 'commander', name: '评分指挥' })
    await makeUser(t, 'sc-officer', 'correct horse battery', {
      role: 'district',
      district: '510104',
      name: '评分区员',
    })
    const chief = new FormClient(() => t.baseUrl)
    const officer = new FormClient(() => t.baseUrl)
    expect((await chief.signIn('sc-chief', 'correct horse battery')).status).toBe(303)
    expect((await officer.signIn('sc-officer', 'correct horse battery')).status).toBe(303)
    const page = await chief.get('/console/scorecard?month=2026-12')
    expect(page.status).toBe(200)
    expect(page.text).toContain('区县评分 · 2026-12')
    expect(page.text).toContain('锦江区')
    expect(page.text).toContain('全市')
    expect((await officer.get('/console/scorecard')).status).toBe(403)
  })
})
