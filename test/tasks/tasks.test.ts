import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let commander: string
let jinjiang: string
let qingyang: string
let incidentId: string

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104', name: '锦江区 王科长' })
  qingyang = await t.token('district', { district: '510105' })
  const r = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'sudan-red', level: 'III', title: '苏丹红', districts: ['510104', '510105'] },
  })
  incidentId = r.body.id
})
afterAll(() => t.close())

async function taskOf(token: string, step: string) {
  const r = await t.call('GET', `/api/v1/tasks?incident=${incidentId}`, { token })
  return r.body.items.find((x: { step: string }) => x.step === step) as { id: string; district: string }
}

describe('a district works its task', () => {
  it('acknowledges (owning it), reports figures, completes; the incident totals move', async () => {
    const task = await taskOf(jinjiang, 'sweep-outlets')
    t.clock.advance(5 * 60_000)
    const ack = await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: jinjiang })
    expect(ack.status).toBe(200)
    expect(ack.body).toMatchObject({ status: 'acknowledged', owner: { name: '锦江区 王科长' } })

    // Repeating the ack keeps the first time and owner.
    t.clock.advance(60_000)
    const again = await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: jinjiang })
    expect(again.status).toBe(200)
    expect(again.body.acknowledgedAt).toBe(ack.body.acknowledgedAt)

    const detail = await t.call('GET', `/api/v1/tasks/${task.id}`, { token: jinjiang })
    const fields = detail.body.stepDetail.reportFields as { name: string; type: string }[]
    const numeric = fields.filter((f) => f.type === 'integer').map((f) => f.name)
    expect(numeric.length).toBeGreaterThan(0)
    const figures = Object.fromEntries(numeric.map((n) => [n, 7]))

    const rep = await t.call('POST', `/api/v1/tasks/${task.id}/reports`, {
      token: jinjiang,
      body: { figures, note: '第一轮' },
    })
    expect(rep.status).toBe(201)
    expect(rep.body.task.status).toBe('in_progress')
    await t.call('POST', `/api/v1/tasks/${task.id}/reports`, { token: jinjiang, body: { figures } })

    const inc = await t.call('GET', `/api/v1/incidents/${incidentId}`, { token: commander })
    for (const n of numeric) {
      expect(inc.body.totals.districts['510104'][n]).toBe(14)
      expect(inc.body.totals.city[n]).toBe(14)
    }
    expect(
      inc.body.matrix.districts.find((d: { district: string }) => d.district === '510104').cells[
        'sweep-outlets'
      ],
    ).toMatchObject({
      status: 'in_progress',
      owner: '锦江区 王科长',
    })

    const done = await t.call('POST', `/api/v1/tasks/${task.id}/complete`, {
      token: jinjiang,
      body: { note: '完成' },
    })
    expect(done.status).toBe(200)
    expect(done.body.status).toBe('completed')

    const events = await t.deps.db
      .selectFrom('events')
      .select('type')
      .where('task_id', '=', task.id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.type)).toEqual([
      'task.created',
      'task.acknowledged',
      'task.started',
      'task.reported',
      'task.reported',
      'task.completed',
    ])
  })

  it('refuses invalid figures, listing each problem, and writes nothing', async () => {
    const task = await taskOf(jinjiang, 'seal-stock')
    await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: jinjiang })
    const detail = await t.call('GET', `/api/v1/tasks/${task.id}`, { token: jinjiang })
    const fields = detail.body.stepDetail.reportFields as { name: string; type: string; min?: number }[]
    const int = fields.find((f) => f.type === 'integer')!
    const num = fields.find((f) => f.type === 'number')!
    const r = await t.call('POST', `/api/v1/tasks/${task.id}/reports`, {
      token: jinjiang,
      body: { figures: { [int.name]: 2.5, [num.name]: 'lots', made_up: 1 } },
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      [`body.figures.${int.name}`, `body.figures.${num.name}`, 'body.figures.made_up'].sort(),
    )
    const below = await t.call('POST', `/api/v1/tasks/${task.id}/reports`, {
      token: jinjiang,
      body: { figures: { [int.name]: -1 } },
    })
    expect(below.status).toBe(422)
    expect(below.body.issues[0].code).toBe('too_small')
    const reports = await t.deps.db
      .selectFrom('task_reports')
      .select('id')
      .where('task_id', '=', task.id)
      .execute()
    expect(reports).toHaveLength(0)
  })

  it('refuses illegal transitions with 409 naming the current state', async () => {
    const task = await taskOf(jinjiang, 'remove-from-shelves')
    const report = await t.call('POST', `/api/v1/tasks/${task.id}/reports`, {
      token: jinjiang,
      body: { figures: {} },
    })
    expect(report.status).toBe(409)
    expect(report.body.current).toBe('pending')
    expect(
      (await t.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: jinjiang, body: {} })).body.current,
    ).toBe('pending')
    const declined = await t.call('POST', `/api/v1/tasks/${task.id}/decline`, {
      token: jinjiang,
      body: { reason: '辖区无此类门店' },
    })
    expect(declined.body).toMatchObject({ status: 'declined', declineReason: '辖区无此类门店' })
    const ack = await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: jinjiang })
    expect(ack.status).toBe(409)
    expect(ack.body.current).toBe('declined')
    expect(ack.body.detail).toContain('已拒绝')
    // The command centre resolves a declined task by cancelling it; a district may not cancel.
    expect(
      (await t.call('POST', `/api/v1/tasks/${task.id}/cancel`, { token: jinjiang, body: { reason: 'x' } }))
        .status,
    ).toBe(403)
    const cancelled = await t.call('POST', `/api/v1/tasks/${task.id}/cancel`, {
      token: commander,
      body: { reason: '核实无误' },
    })
    expect(cancelled.body.status).toBe('cancelled')
    expect(
      (await t.call('POST', `/api/v1/tasks/${task.id}/cancel`, { token: commander, body: { reason: 'x' } }))
        .status,
    ).toBe(409)
  })

  it('keeps each district to its own tasks', async () => {
    const foreign = await taskOf(jinjiang, 'check-certificates')
    const bodies: Record<string, unknown> = {
      ack: undefined,
      start: undefined,
      complete: {},
      decline: { reason: 'x' },
    }
    for (const [action, body] of Object.entries(bodies)) {
      const r = await t.call('POST', `/api/v1/tasks/${foreign.id}/${action}`, { token: qingyang, body })
      expect(r.status, action).toBe(404)
    }
    expect(
      (
        await t.call('POST', `/api/v1/tasks/${foreign.id}/reports`, {
          token: qingyang,
          body: { figures: {} },
        })
      ).status,
    ).toBe(404)
    expect((await t.call('GET', `/api/v1/tasks/${foreign.id}`, { token: qingyang })).status).toBe(404)
    const list = await t.call('GET', '/api/v1/tasks?district=510104', { token: qingyang })
    expect(list.body.items).toEqual([])
    const own = await t.call('GET', '/api/v1/tasks', { token: qingyang })
    expect(own.body.items.length).toBeGreaterThan(0)
    expect(own.body.items.every((x: { district: string }) => x.district === '510105')).toBe(true)
    const inc = await t.call('GET', `/api/v1/incidents/${incidentId}`, { token: qingyang })
    expect(inc.body.matrix.districts.map((d: { district: string }) => d.district)).toEqual(['510105'])
    expect(Object.keys(inc.body.totals.districts)).toEqual(['510105'])
    const status = await t.deps.db
      .selectFrom('tasks')
      .select('status')
      .where('id', '=', foreign.id)
      .executeTakeFirstOrThrow()
    expect(status.status).toBe('pending')
  })

  it('shows overdue tasks once their windows pass', async () => {
    t.clock.advance(3 * 86_400_000)
    const inc = await t.call('GET', `/api/v1/incidents/${incidentId}`, { token: commander })
    expect(inc.body.overdue.length).toBeGreaterThan(0)
    expect(
      inc.body.overdue.every((x: { overdue: string }) => ['unacknowledged', 'past_due'].includes(x.overdue)),
    ).toBe(true)
  })
})
