import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let commander: string
let district: string

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  district = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

// Every test starts from the same moment, so none depends on another's clock moves.
const START = new Date('2026-11-30T01:00:00Z') // 09:00 in Chengdu
beforeEach(() => t.clock.set(START))

const stepsAt = (level: number) =>
  t.deps.playbooks
    .get('sudan-red')!
    .playbook.steps.filter((s) => s.level >= level)
    .map((s) => s.key)
    .sort()

async function openStepsOf(incident: string) {
  const rows = await t.deps.db
    .selectFrom('tasks')
    .select(['step_key', 'district_code', 'status'])
    .where('incident_id', '=', incident)
    .execute()
  return rows
}

describe('response level changes', () => {
  it('raising adds the new level’s tasks everywhere in scope; lowering cancels, never deletes', async () => {
    const scope = ['510104', '510105', '510106']
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'x', districts: scope },
    })
    expect(inc.body.taskCount).toBe(stepsAt(4).length * 3)

    const up = await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'II', reason: '扩散至多个区县' },
    })
    expect(up.status).toBe(200)
    expect(up.body).toMatchObject({
      level: 'II',
      added: (stepsAt(2).length - stepsAt(4).length) * 3,
      cancelled: 0,
    })
    let rows = await openStepsOf(inc.body.id)
    for (const d of scope) {
      expect(
        rows
          .filter((r) => r.district_code === d)
          .map((r) => r.step_key)
          .sort(),
      ).toEqual(stepsAt(2))
    }

    const down = await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'III', reason: '态势缓和' },
    })
    const dropped = stepsAt(2).filter((s) => !stepsAt(3).includes(s))
    expect(down.body).toMatchObject({ level: 'III', added: 0, cancelled: dropped.length * 3 })
    rows = await openStepsOf(inc.body.id)
    expect(rows).toHaveLength(stepsAt(2).length * 3) // nothing deleted
    for (const r of rows) expect(r.status).toBe(dropped.includes(r.step_key) ? 'cancelled' : 'pending')

    // Raising again opens fresh tasks for the cancelled steps (a new occurrence), keeping the old ones.
    await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'II', reason: '反弹' },
    })
    rows = await openStepsOf(inc.body.id)
    expect(rows).toHaveLength((stepsAt(2).length + dropped.length) * 3)
    expect(rows.filter((r) => r.status === 'pending')).toHaveLength(stepsAt(2).length * 3)

    const events = await t.call('GET', `/api/v1/incidents/${inc.body.id}/events`, { token: commander })
    const types = events.body.items.map((e: { type: string }) => e.type)
    expect(types.filter((x: string) => x === 'incident.level_raised')).toHaveLength(2)
    expect(types.filter((x: string) => x === 'incident.level_lowered')).toHaveLength(1)
  })

  it('refuses a level the playbook does not have, a district token, and closed incidents', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'unqualified-product-disposal', level: 'IV', title: 'x', districts: ['510104'] },
    })
    const bad = await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'I', reason: 'r' },
    })
    expect(bad.status).toBe(422)
    const forbidden = await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: district,
      body: { level: 'III', reason: 'r' },
    })
    expect(forbidden.status).toBe(403)
    await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: 's' },
    })
    const closed = await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'III', reason: 'r' },
    })
    expect(closed.status).toBe(409)
    expect(closed.body.current).toBe('closed')
    const missing = await t.call('POST', '/api/v1/incidents/00000000-0000-4000-8000-000000000000/level', {
      token: commander,
      body: { level: 'III', reason: 'r' },
    })
    expect(missing.status).toBe(404)
  })
})

describe('closing and the after-action report', () => {
  it('cancels open tasks, keeps completed ones, and reports per district with on-time rates', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '苏丹红', districts: ['510104', '510105'] },
    })
    const tasks = await t.call('GET', `/api/v1/tasks?incident=${inc.body.id}`, { token: district })
    const one = tasks.body.items.find((x: { step: string }) => x.step === 'sweep-outlets')
    t.clock.advance(10 * 60_000)
    await t.call('POST', `/api/v1/tasks/${one.id}/ack`, { token: district })
    await t.call('POST', `/api/v1/tasks/${one.id}/reports`, {
      token: district,
      body: { figures: { outlets_inspected: 42, outlets_with_products: 3 } },
    })
    t.clock.advance(60 * 60_000)
    await t.call('POST', `/api/v1/tasks/${one.id}/complete`, { token: district, body: {} })

    const close = await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: '排查完毕，未发现问题产品' },
    })
    expect(close.status).toBe(200)
    expect(close.body.status).toBe('closed')
    const rows = await t.deps.db
      .selectFrom('tasks')
      .select(['id', 'status'])
      .where('incident_id', '=', inc.body.id)
      .execute()
    expect(rows.find((r) => r.id === one.id)?.status).toBe('completed')
    expect(rows.filter((r) => r.id !== one.id).every((r) => r.status === 'cancelled')).toBe(true)
    expect(
      (
        await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
          token: commander,
          body: { summary: 'x' },
        })
      ).status,
    ).toBe(409)

    const report = await t.call('GET', `/api/v1/incidents/${inc.body.id}/report`, { token: commander })
    expect(report.status).toBe(200)
    expect(report.body).toMatchObject({
      final: true,
      exercise: false,
      countsInStatistics: true,
      summary: '排查完毕，未发现问题产品',
    })
    const jj = report.body.districts.find((d: { district: string }) => d.district === '510104')
    expect(jj).toMatchObject({
      acknowledged: 1,
      acknowledgedOnTime: 1,
      completed: 1,
      medianMinutesToAcknowledge: 10,
    })
    expect(jj.figures.outlets_inspected).toBe(42)
    // Closing cancelled the other tasks long after their acknowledgement was due: they were still
    // required, so one task done on time out of all of them — all but the 17:00 daily report, whose
    // acknowledgement was not yet due when the incident closed.
    const perDistrict = jj.tasks - 1
    expect(perDistrict).toBeGreaterThan(1)
    expect(jj.onTimeRate).toBe(Math.round((1 / perDistrict) * 10000) / 10000)
    // A district that let every deadline pass scores 0, and the city rate counts it.
    const qy = report.body.districts.find((d: { district: string }) => d.district === '510105')
    expect(qy).toMatchObject({ acknowledged: 0, cancelled: jj.tasks, onTimeRate: 0 })
    expect(report.body.city.onTimeRate).toBe(Math.round((1 / (2 * perDistrict)) * 10000) / 10000)
    expect(report.body.city.figures.outlets_inspected).toBe(42)

    const csv = await t.call('GET', `/api/v1/incidents/${inc.body.id}/report`, {
      token: commander,
      headers: { accept: 'text/csv' },
    })
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    expect(lines[0]).toContain('district,tasks,acknowledged')
    expect(lines[0]).toContain('outlets_inspected')
    expect(lines).toHaveLength(3)
  })

  it('excuses only tasks called off before their acknowledgement was due', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'III', title: 'x', districts: ['510104'] },
    })
    // Lowered within the acknowledgement window (PT30M): the level-III tasks were never required.
    t.clock.advance(5 * 60_000)
    const down = await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'IV', reason: '态势缓和' },
    })
    expect(down.status).toBe(200)
    const level3 = stepsAt(3).length - stepsAt(4).length
    expect(down.body.cancelled).toBe(level3)
    const tasks = await t.call('GET', `/api/v1/tasks?incident=${inc.body.id}&status=pending`, {
      token: district,
    })
    expect(tasks.status).toBe(200)
    const one = tasks.body.items.find((x: { step: string }) => x.step === 'daily-report')
    expect((await t.call('POST', `/api/v1/tasks/${one.id}/ack`, { token: district })).status).toBe(200)
    expect(
      (await t.call('POST', `/api/v1/tasks/${one.id}/complete`, { token: district, body: {} })).status,
    ).toBe(200)
    // A commander cancel within the window is an excuse too.
    const other = tasks.body.items.find((x: { step: string }) => x.step === 'final-verification')
    const cancel = await t.call('POST', `/api/v1/tasks/${other.id}/cancel`, {
      token: commander,
      body: { reason: '不适用' },
    })
    expect(cancel.status).toBe(200)
    // The rest are cancelled by closing after the window: required, and missed.
    t.clock.advance(60 * 60_000)
    expect(
      (
        await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
          token: commander,
          body: { summary: 's' },
        })
      ).status,
    ).toBe(200)
    const report = await t.call('GET', `/api/v1/incidents/${inc.body.id}/report`, { token: commander })
    const row = report.body.districts[0]
    // Required: every task but the level-III ones and the one the commander cancelled in time (the
    // daily report, acknowledged and completed, counts).
    const required = row.tasks - level3 - 1
    expect(required).toBeGreaterThan(1)
    expect(row).toMatchObject({
      district: '510104',
      completed: 1,
      cancelled: row.tasks - 1,
      onTimeRate: Math.round((1 / required) * 10000) / 10000,
    })
  })

  it('does not hold a district to tasks the incident closed before they were due', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'x', districts: ['510104'] },
    })
    t.clock.advance(10 * 60_000)
    await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: '误报' },
    })
    const report = await t.call('GET', `/api/v1/incidents/${inc.body.id}/report`, { token: commander })
    expect(report.body.districts[0]).toMatchObject({ acknowledged: 0, onTimeRate: null })
    expect(report.body.city.onTimeRate).toBeNull()
  })

  it('marks exercises and keeps them out of statistics', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '演练', districts: ['510104'], exercise: true },
    })
    await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: '演练结束' },
    })
    const report = await t.call('GET', `/api/v1/incidents/${inc.body.id}/report`, { token: commander })
    expect(report.body).toMatchObject({ exercise: true, countsInStatistics: false })
  })

  it('exports the timeline as JSON and CSV with actor and request id', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'x', districts: ['510104'] },
      headers: { 'x-request-id': 'activate-123' },
    })
    const json = await t.call('GET', `/api/v1/incidents/${inc.body.id}/events?limit=1`, { token: commander })
    expect(json.body.items).toHaveLength(1)
    expect(json.body.items[0]).toMatchObject({
      type: 'incident.activated',
      requestId: 'activate-123',
      actor: { role: 'commander' },
    })
    const next = await t.call('GET', `/api/v1/incidents/${inc.body.id}/events?cursor=${json.body.next}`, {
      token: commander,
    })
    expect(next.body.items[0].type).toBe('task.created')
    const csv = await t.call('GET', `/api/v1/incidents/${inc.body.id}/events`, {
      token: commander,
      headers: { accept: 'text/csv' },
    })
    expect(csv.text).toContain('activate-123')
    expect(csv.text.split('\n')[0]).toContain('id,at,type,district,task,actor,role,request_id,payload')
    expect((await t.call('GET', `/api/v1/incidents/${inc.body.id}/events`, { token: district })).status).toBe(
      403,
    )
  })
})
