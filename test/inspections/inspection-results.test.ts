import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let commander: string
let jinjiang: string
let planId: string
let taskId: string
const draws: { position: number; business: { id: string } }[] = []

beforeAll(async () => {
  t = await startTestApp()
  const admin = await t.token('admin')
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  for (let i = 1; i <= 4; i++) {
    const r = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: { name: `结果测试商店${i}`, address: `成都市锦江区结果路${i}号`, district: '510104' },
    })
    expect(r.status, r.text).toBe(201)
  }
  for (let i = 1; i <= 2; i++) {
    const r = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: `jj-result-${i}`, name: `锦江检查员${i}`, role: 'district', district: '510104' },
    })
    expect(r.status, r.text).toBe(201)
  }
  const plan = await t.call('POST', `${API}/inspection-plans`, {
    token: commander,
    body: {
      title: '结果录入测试',
      period: '2026-12',
      population: { kinds: [], districts: ['510104'] },
      shares: { A: 0.75, B: 0, C: 0, D: 0 },
      seed: 'results-loop-2026',
      checklist: ['许可证照'],
    },
  })
  expect(plan.status, plan.text).toBe(201)
  planId = plan.body.id
  const drawn = await t.call('POST', `${API}/inspection-plans/${planId}/draw`, { token: commander, body: {} })
  expect(drawn.status, drawn.text).toBe(200)
  draws.push(...drawn.body.draw)
  expect(draws).toHaveLength(3)
  taskId = drawn.body.draw[0].taskId
})
afterAll(() => t.close())

const record = (position: number, body: unknown, token = jinjiang) =>
  t.call('POST', `${API}/inspection-plans/${planId}/inspections/${position}`, { token, body })
const task = async () => {
  const r = await t.call('GET', `${API}/tasks/${taskId}`, { token: jinjiang })
  expect(r.status, r.text).toBe(200)
  return r.body
}

describe('inspection results close the loop', () => {
  it('责令整改 opens a rectification case for the business in the same transaction', async () => {
    const r = await record(1, { result: 'rectification_opened', note: '进货查验记录缺失' })
    expect(r.status, r.text).toBe(200)
    const list = await t.call('GET', `${API}/rectifications?business=${draws[0]?.business.id}`, {
      token: jinjiang,
    })
    expect(list.status, list.text).toBe(200)
    expect(list.body.items).toHaveLength(1)
    const c = list.body.items[0]
    expect(c).toMatchObject({
      role: 'inspected',
      district: '510104',
      status: 'open',
      sample: null,
      announcementId: null,
      inspection: { planId, position: 1, title: '结果录入测试' },
      failedItems: ['进货查验记录缺失'],
    })
    expect(c.measuresRequired.length).toBeGreaterThan(0)
    const ev = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('type', 'in', ['rectification.opened', 'inspection.recorded'])
      .orderBy('id')
      .execute()
    expect(ev.map((e) => e.type)).toEqual(['rectification.opened', 'inspection.recorded'])
    expect(ev[1]?.payload).toMatchObject({ rectificationId: c.id })
    // The district records the case like any other, and closes it by decision.
    const meeting = await t.call('POST', `${API}/rectifications/${c.id}/meeting`, {
      token: jinjiang,
      body: { date: '2026-12-08', attendees: ['店主', '锦江检查员1'] },
    })
    expect(meeting.status, meeting.text).toBe(200)
    // The business's public page lists the case by its inspection.
    const pub = await t.call('GET', `${API}/public/businesses/${draws[0]?.business.id}`, {})
    expect(pub.body.rectifications).toEqual([
      expect.objectContaining({ foodName: '双随机抽查', sampleNo: '结果录入测试 #1', status: 'open' }),
    ])
    // The task is not done while results are missing.
    expect((await task()).status).not.toBe('completed')
  })

  it('the staff business record lists its inspections and cases, as far as the reader may read them', async () => {
    const business = draws[0]?.business.id
    const own = await t.call('GET', `${API}/businesses/${business}`, { token: jinjiang })
    expect(own.status, own.text).toBe(200)
    expect(own.body.inspections).toEqual([
      expect.objectContaining({ planId, position: 1, title: '结果录入测试', result: 'rectification_opened' }),
    ])
    expect(own.body.rectifications).toEqual([
      expect.objectContaining({
        role: 'inspected',
        inspection: expect.objectContaining({ planId, position: 1 }),
      }),
    ])
    // Another district reads the register, but not this district's cases and inspections.
    const other = await t.call('GET', `${API}/businesses/${business}`, {
      token: await t.token('district', { district: '510105' }),
    })
    expect(other.status, other.text).toBe(200)
    expect(other.body).toMatchObject({ inspections: [], rectifications: [] })
    // A sampling clerk may read the register, but neither cases nor plans.
    const clerk = await t.call('GET', `${API}/businesses/${business}`, { token: await t.token('sampler') })
    expect(clerk.status, clerk.text).toBe(200)
    expect(clerk.body).toMatchObject({ inspections: [], rectifications: [] })
  })

  it('a case an inspection opened counts in the credit class when it is refused', async () => {
    const business = draws[0]?.business.id
    const list = await t.call('GET', `${API}/rectifications?business=${business}`, { token: jinjiang })
    const id = list.body.items[0].id as string
    const admin = await t.token('admin')
    const before = await t.call('GET', `${API}/businesses/${business}`, { token: admin })
    const closed = await t.call('POST', `${API}/rectifications/${id}/close`, {
      token: jinjiang,
      body: { decision: 'refused', reason: '拒不整改' },
    })
    expect(closed.status, closed.text).toBe(200)
    const after = await t.call('GET', `${API}/businesses/${business}`, { token: admin })
    expect(after.status, after.text).toBe(200)
    const lines = (after.body.creditExplanation as { zh: string }[]).map((l) => l.zh)
    expect(lines.some((l) => l.includes('「结果录入测试」整改被拒绝'))).toBe(true)
    expect(after.body.creditExplanation).not.toEqual(before.body.creditExplanation)
  })

  it('a pass or issues found opens no case; a refused result changes nothing', async () => {
    expect((await record(2, { result: 'rectification_opened' }, commander)).status).toBe(200)
    const opened = await t.call('GET', `${API}/rectifications?business=${draws[1]?.business.id}`, {
      token: commander,
    })
    // Without a note the case still opens, with no finding written.
    expect(opened.body.items[0]).toMatchObject({ failedItems: [], role: 'inspected' })
    const other = await t.token('district', { district: '510105' })
    expect((await record(3, { result: 'pass' }, other)).status).toBe(403)
    expect((await record(3, { result: 'closed' })).status).toBe(422)
    expect((await task()).status).not.toBe('completed')
    const n = await t.deps.db
      .selectFrom('rectifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(2)
  })

  it('the last result of the district’s draw completes its inspection task with the figures', async () => {
    // The district had already reported one business by hand; the closing report adds the rest.
    expect((await t.call('POST', `${API}/tasks/${taskId}/ack`, { token: jinjiang, body: {} })).status).toBe(
      200,
    )
    const manual = await t.call('POST', `${API}/tasks/${taskId}/reports`, {
      token: jinjiang,
      body: { figures: { businesses_inspected: 1 } },
    })
    expect(manual.status, manual.text).toBe(201)
    const last = await record(3, { result: 'issues_found', note: '标签不规范' })
    expect(last.status, last.text).toBe(200)
    const done = await task()
    expect(done.status).toBe('completed')
    expect(done.completedAt).toBeTruthy()
    expect(done.totals).toMatchObject({ businesses_inspected: 3 })
    const closing = done.reports.find((x: { note: string | null }) => x.note?.includes('抽查结果已全部录入'))
    expect(closing.figures).toEqual({ businesses_inspected: 2 })
    expect(closing.note).toContain('通过 0，发现问题 1，责令整改 2')
    const completed = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'task.completed')
      .where('task_id', '=', taskId)
      .execute()
    expect(completed).toHaveLength(1)
    // Completed through the task verb, as a completion from the API is.
    expect(completed[0]?.payload).toMatchObject({ to: 'completed', exercise: false })
    // The plan's only district task was its last open one: the incident closed itself, with its event.
    expect(done.incidentStatus).toBe('closed')
    const incident = await t.call('GET', `${API}/incidents/${done.incident}`, { token: commander })
    expect(incident.body.status).toBe('closed')
    const closed = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'incident.closed')
      .where('incident_id', '=', done.incident)
      .execute()
    expect(closed).toHaveLength(1)
    expect(closed[0]?.payload).toMatchObject({ auto: true, exercise: false, cancelledTasks: 0 })
    // No case for an issues-found result.
    const none = await t.call('GET', `${API}/rectifications?business=${draws[2]?.business.id}`, {
      token: commander,
    })
    expect(none.body.items).toHaveLength(0)
  })
})
