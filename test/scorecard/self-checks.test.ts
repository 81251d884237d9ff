import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecurringTasks } from '../../src/jobs/recurring-tasks.job.js'
import { openMonthlySelfChecks } from '../../src/scorecard/self-checks.service.js'
import { csrfOf, FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let commander: string
let jinjiang: string
let qingyang: string
let districts: number

beforeAll(async () => {
  t = await startTestApp() // clock: 2026-11-30 09:00 in Chengdu
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  qingyang = await t.token('district', { district: '510105' })
  districts = t.deps.districts.items.length
})
afterAll(() => t.close())

type Check = { id: string; district: string; month: string; status: string; dueAt: string }
const list = async (token: string, query = '') => {
  const r = await t.call('GET', `${API}/self-checks${query}`, { token })
  expect(r.status, r.text).toBe(200)
  return r.body.items as Check[]
}

describe('每月自查: a monthly self-check per district', () => {
  it('opens each district’s check once its month has ended, once, and makes up missed months', async () => {
    // November's incident task for 锦江, due within the month: the figures the self-check reports on.
    const inc = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '自查测试', districts: ['510104'] },
    })
    expect(inc.status, inc.text).toBe(201)
    // The first run opens only the month just ended (October), with the recurring tasks.
    expect(await createRecurringTasks(t.deps)).toBe(0)
    expect((await list(commander, '?month=2026-10&limit=500')).length).toBe(districts)
    expect(await openMonthlySelfChecks(t.deps)).toBe(0)
    // November ends at midnight China time.
    t.clock.set(new Date('2026-11-30T16:00:30Z'))
    expect(await openMonthlySelfChecks(t.deps)).toBe(districts)
    expect(await openMonthlySelfChecks(t.deps)).toBe(0)
    const mine = await list(jinjiang)
    expect(mine.map((c) => [c.district, c.month])).toEqual([
      ['510104', '2026-11'],
      ['510104', '2026-10'],
    ])
    // Due at the end of the 5th working day of December.
    expect(mine[0]).toMatchObject({ status: 'due', dueAt: '2026-12-07T15:59:59.000Z' })
    const opened = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'self_check.opened')
      .where('district_code', '=', '510104')
      .execute()
    expect(opened).toHaveLength(2)
  })

  it('shows the district its own scorecard figures of the month and takes its report once', async () => {
    const [nov] = await list(jinjiang, '?month=2026-11')
    const got = await t.call('GET', `${API}/self-checks/${nov?.id}`, { token: jinjiang })
    expect(got.status, got.text).toBe(200)
    expect(got.body.figures.tasks.due).toBeGreaterThan(0)
    expect(got.body.figures.tasks.onTime).toBe(0)
    expect(got.body.figures).not.toHaveProperty('selfChecks')
    expect(got.body).toMatchObject({ districtName: '锦江区', filedAt: null, onTime: null, overdue: false })

    const path = `${API}/self-checks/${nov?.id}/report`
    const bad = await t.call('POST', path, { token: jinjiang, body: { summary: '   ', extra: 1 } })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('summary')
    expect(bad.text).toContain('extra')
    const body = {
      summary: '11月苏丹红排查任务均未按时办结，原因是人手不足',
      measures: '增派执法人员，每日调度',
    }
    expect((await t.call('POST', path, { token: qingyang, body })).status).toBe(403)
    expect((await t.call('POST', path, { token: commander, body })).status).toBe(403)
    expect((await t.call('POST', path, { body })).status).toBe(401)
    const filed = await t.call('POST', path, { token: jinjiang, body })
    expect(filed.status, filed.text).toBe(200)
    expect(filed.body).toMatchObject({ status: 'filed', onTime: true, overdue: false, ...body })
    expect(filed.body.figures.tasks).toEqual(got.body.figures.tasks)
    expect((await t.call('POST', path, { token: jinjiang, body })).status).toBe(409)
    expect((await t.call('GET', `${API}/self-checks/${nov?.id}`, { token: qingyang })).status).toBe(403)
    const none = '00000000-0000-4000-8000-000000000000'
    expect((await t.call('GET', `${API}/self-checks/${none}`, { token: commander })).status).toBe(404)
    expect((await t.call('GET', `${API}/self-checks/not-a-uuid`, { token: commander })).status).toBe(422)
    expect((await t.call('GET', `${API}/self-checks?month=2026-13`, { token: commander })).status).toBe(422)
    const sampler = await t.token('sampler')
    expect((await t.call('GET', `${API}/self-checks`, { token: sampler })).status).toBe(403)
  })

  it('counts on the scorecard: filed on time, filed late, not filed', async () => {
    t.clock.set(new Date('2026-12-10T02:00:00Z')) // past the due time
    expect((await list(commander, '?status=overdue&month=2026-11&limit=500')).length).toBe(districts - 1)
    const [nov] = await list(qingyang, '?month=2026-11')
    const late = await t.call('POST', `${API}/self-checks/${nov?.id}/report`, {
      token: qingyang,
      body: { summary: '补报' },
    })
    expect(late.status, late.text).toBe(200)
    expect(late.body).toMatchObject({ onTime: false, overdue: true, measures: null })
    const sc = await t.call('GET', `${API}/scorecard?month=2026-11`, { token: commander })
    expect(sc.status, sc.text).toBe(200)
    const card = (code: string) => sc.body.districts.find((d: { district: string }) => d.district === code)
    expect(card('510104').selfChecks).toEqual({ due: 1, filed: 1, onTime: 1, rate: 100 })
    expect(card('510105').selfChecks).toEqual({ due: 1, filed: 1, onTime: 0, rate: 0 })
    expect(card('510106').selfChecks).toEqual({ due: 1, filed: 0, onTime: 0, rate: 0 })
    expect(sc.body.city.selfChecks).toMatchObject({ due: districts, filed: 2, onTime: 1 })
    // A month whose check is not open yet has nothing due.
    const dec = await t.call('GET', `${API}/scorecard?month=2026-12`, { token: commander })
    expect(dec.body.city.selfChecks).toEqual({ due: 0, filed: 0, onTime: 0, rate: null })
  })

  it('after downtime makes up each missed month, once', async () => {
    t.clock.set(new Date('2027-03-01T01:00:00Z'))
    expect(await openMonthlySelfChecks(t.deps)).toBe(3 * districts)
    expect((await list(jinjiang)).map((c) => c.month)).toEqual([
      '2027-02',
      '2027-01',
      '2026-12',
      '2026-11',
      '2026-10',
    ])
  })

  it('in the console: the district files its own with the figures shown; the command centre draws a spot check', async () => {
    await makeUser(t, 'sc-jinniu', 'correct horse battery', {
      role: 'district',
      district: '510106',
      name: '金牛区员',
    })
    await makeUser(t, 'sc-boss', 'correct horse battery', { role: 'commander', name: '指挥长' })
    const officer = new FormClient(() => t.baseUrl)
    const chief = new FormClient(() => t.baseUrl)
    expect((await officer.signIn('sc-jinniu', 'correct horse battery')).status).toBe(303)
    expect((await chief.signIn('sc-boss', 'correct horse battery')).status).toBe(303)
    const listPage = await officer.get('/console/self-checks')
    expect(listPage.status).toBe(200)
    expect(listPage.text).toContain('2026-11')
    expect(listPage.text).toContain('逾期未报')
    expect(listPage.text).not.toContain('锦江区')
    const [nov] = await list(await t.token('district', { district: '510106' }), '?month=2026-11')
    const path = `/console/self-checks/${nov?.id}`
    const form = await officer.get(path)
    expect(form.status).toBe(200)
    expect(form.text).toContain('任务按时')
    expect(form.text).toContain('报送自查')
    const _csrf = (await officer.csrf(path)) as string
    const empty = await officer.post(path, { _csrf, summary: '', measures: '' })
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('summary')
    const ok = await officer.post(path, { _csrf, summary: '本月无逾期任务', measures: '' })
    expect(ok.status, ok.text).toBe(303)
    const filed = await officer.get(path)
    expect(filed.text).toContain('本月无逾期任务')
    expect(filed.text).not.toContain('报送自查')
    // The command centre reads it but has no form to file; it draws the quarter's spot check from its page.
    expect((await chief.get(path)).text).not.toContain('报送自查')
    expect((await chief.post(path, { _csrf: await chief.csrf(), summary: 'x' })).status).toBe(403)
    const sc = await chief.get('/console/scorecard?month=2026-11')
    expect(sc.text).toContain('自查按时报送')
    const csrf = csrfOf(sc.text)
    const bad = await chief.post('/console/spot-checks', {
      _csrf: csrf,
      quarter: '2027-Q9',
      count: '3',
      seed: 'x',
    })
    expect(bad.status).toBe(422)
    const drawn = await chief.post('/console/spot-checks', {
      _csrf: csrf,
      quarter: '2027-Q1',
      count: '3',
      seed: 'console-spot-2027',
    })
    expect(drawn.status, drawn.text).toBe(303)
    expect((await chief.get('/console/scorecard')).text).toContain('console-spot-2027')
    expect((await officer.get('/console/scorecard')).status).toBe(403)
    expect(
      (
        await officer.post('/console/spot-checks', {
          _csrf,
          quarter: '2027-Q2',
          count: '3',
          seed: 'console-spot-2027',
        })
      ).status,
    ).toBe(403)
  })
})
