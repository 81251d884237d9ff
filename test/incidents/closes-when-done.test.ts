import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// `closes_when_done` (playbooks/README.md) is applied in the task verbs that end a task, whoever calls them:
// a random-inspection plan's incident closes itself when its last task is declined or cancelled through the
// generic task routes; a contingency plan's incident never does.
const API = '/api/v1'
const DISTRICTS = ['510104', '510105']
let t: TestApp
let commander: string
const district = new Map<string, string>()

beforeAll(async () => {
  t = await startTestApp()
  const admin = await t.token('admin')
  commander = await t.token('commander')
  for (const code of DISTRICTS) {
    district.set(code, await t.token('district', { district: code }))
    const b = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: { name: `自动关闭测试商店${code}`, address: `成都市自动关闭路${code}号`, district: code },
    })
    expect(b.status, b.text).toBe(201)
    for (let i = 1; i <= 2; i++) {
      const u = await t.call('POST', `${API}/users`, {
        token: admin,
        body: { login: `auto-${code}-${i}`, name: `检查员${code}-${i}`, role: 'district', district: code },
      })
      expect(u.status, u.text).toBe(201)
    }
  }
})
afterAll(() => t.close())

const incidentOf = async (id: string) => {
  const r = await t.call('GET', `${API}/incidents/${id}`, { token: commander })
  expect(r.status, r.text).toBe(200)
  return r.body as { status: string }
}
const eventsOf = (incidentId: string) =>
  t.deps.db
    .selectFrom('events')
    .select(['type', 'payload', 'task_id'])
    .where('incident_id', '=', incidentId)
    .orderBy('id')
    .execute()

describe('closes_when_done', () => {
  it('a random-inspection incident closes itself when its last open task is declined', async () => {
    const plan = await t.call('POST', `${API}/inspection-plans`, {
      token: commander,
      body: {
        title: '自动关闭测试',
        period: '2026-12',
        population: { kinds: [], districts: DISTRICTS },
        shares: { A: 1, B: 0, C: 0, D: 0 },
        seed: 'closes-when-done',
        checklist: ['许可证照'],
      },
    })
    expect(plan.status, plan.text).toBe(201)
    const drawn = await t.call('POST', `${API}/inspection-plans/${plan.body.id}/draw`, {
      token: commander,
      body: {},
    })
    expect(drawn.status, drawn.text).toBe(200)
    const taskOf = new Map<string, string>(
      drawn.body.draw.map((d: { taskId: string; district: string }) => [d.district, d.taskId]),
    )
    expect([...taskOf.keys()].sort()).toEqual(DISTRICTS)
    const incidentId = (await t.call('GET', `${API}/tasks/${taskOf.get('510104')}`, { token: commander }))
      .body.incident as string

    // The command centre cancels one district's task: another is still open, so the incident stays.
    const cancel = await t.call('POST', `${API}/tasks/${taskOf.get('510104')}/cancel`, {
      token: commander,
      body: { reason: '该户已停业' },
    })
    expect(cancel.status, cancel.text).toBe(200)
    expect((await incidentOf(incidentId)).status).toBe('active')

    // The other district declines its task, the last open one: the incident closes in the same request.
    const decline = await t.call('POST', `${API}/tasks/${taskOf.get('510105')}/decline`, {
      token: district.get('510105')!,
      body: { reason: '执法人员均回避' },
    })
    expect(decline.status, decline.text).toBe(200)
    expect(decline.body.status).toBe('declined')
    expect((await incidentOf(incidentId)).status).toBe('closed')
    const events = await eventsOf(incidentId)
    const closed = events.filter((e) => e.type === 'incident.closed')
    expect(closed).toHaveLength(1)
    expect(closed[0]?.payload).toMatchObject({ auto: true, exercise: false, cancelledTasks: 0 })
    // The decline, then the close it caused.
    expect(events.map((e) => e.type).slice(-2)).toEqual(['task.declined', 'incident.closed'])
    // Closed: the declined task can no longer be reassigned, and nothing closes twice.
    const reassign = await t.call('POST', `${API}/tasks/${taskOf.get('510105')}/reassign`, {
      token: commander,
      body: { reason: '改派' },
    })
    expect(reassign.status).toBe(409)
  })

  it('the playbook says it: the API shows closesWhenDone on the two, never on a contingency plan', async () => {
    for (const [id, closes] of [
      ['random-inspection', true],
      ['monthly-self-check', true],
      ['sudan-red', undefined],
    ] as const) {
      const r = await t.call('GET', `${API}/playbooks/${id}`, { token: commander })
      expect(r.status, r.text).toBe(200)
      expect(r.body.playbook.closesWhenDone).toBe(closes)
    }
  })

  it('an ordinary playbook’s incident never closes itself, however its tasks end', async () => {
    const inc = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '苏丹红 自动关闭对照', districts: ['510104'] },
    })
    expect(inc.status, inc.text).toBe(201)
    const tasks = await t.call('GET', `${API}/tasks?incident=${inc.body.id}&limit=100`, { token: commander })
    const ids = (tasks.body.items as { id: string }[]).map((x) => x.id)
    expect(ids.length).toBeGreaterThanOrEqual(3)
    const token = district.get('510104')!
    const [first, second, ...rest] = ids
    expect((await t.call('POST', `${API}/tasks/${first}/ack`, { token, body: {} })).status).toBe(200)
    const done = await t.call('POST', `${API}/tasks/${first}/complete`, { token, body: {} })
    expect(done.status, done.text).toBe(200)
    const declined = await t.call('POST', `${API}/tasks/${second}/decline`, {
      token,
      body: { reason: '无此产品' },
    })
    expect(declined.status, declined.text).toBe(200)
    for (const id of rest) {
      const r = await t.call('POST', `${API}/tasks/${id}/cancel`, {
        token: commander,
        body: { reason: '不适用' },
      })
      expect(r.status, r.text).toBe(200)
    }
    // Every task has ended, and the incident waits for the command centre.
    expect((await incidentOf(inc.body.id)).status).toBe('active')
    const events = await eventsOf(inc.body.id)
    expect(events.filter((e) => e.type === 'incident.closed')).toHaveLength(0)
  })
})
