import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
    // Only the one task the district took up was required of it (others were cancelled untouched).
    expect(jj.onTimeRate).toBe(1)
    const qy = report.body.districts.find((d: { district: string }) => d.district === '510105')
    expect(qy).toMatchObject({ acknowledged: 0, onTimeRate: null })
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
