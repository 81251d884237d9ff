import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// On PostgreSQL these race for real over a pool; PGlite (one connection) serialises them, which must
// give the same answers.
let t: TestApp
let commander: string

beforeAll(async () => {
  t = await startTestApp({ poolSize: 20 })
  commander = await t.token('commander')
})
afterAll(() => t.close())

describe('under concurrency', () => {
  it('50 concurrent activations with one Idempotency-Key make exactly one incident', async () => {
    const body = { playbook: 'sudan-red', level: 'III', title: '并发启动', districts: 'all' }
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.call('POST', '/api/v1/incidents', {
          token: commander,
          body,
          headers: { 'idempotency-key': 'same-key-50' },
        }),
      ),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 200)).toHaveLength(49)
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
    const incidents = await t.deps.db
      .selectFrom('incidents')
      .select('id')
      .where('title', '=', '并发启动')
      .execute()
    expect(incidents).toHaveLength(1)
    const activated = await t.deps.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'incident.activated')
      .where('incident_id', '=', incidents[0]!.id)
      .execute()
    expect(activated).toHaveLength(1)
  })

  it('100 concurrent acks of one task make exactly one acknowledgement', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'acks', districts: ['510104'] },
    })
    const district = await t.token('district', { district: '510104' })
    const tasks = await t.call('GET', `/api/v1/tasks?incident=${inc.body.id}`, { token: district })
    const id = tasks.body.items[0].id
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.call('POST', `/api/v1/tasks/${id}/ack`, { token: i % 2 ? district : commander }),
      ),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(new Set(results.map((r) => r.body.acknowledgedAt)).size).toBe(1)
    expect(new Set(results.map((r) => r.body.owner.id)).size).toBe(1)
    const events = await t.deps.db
      .selectFrom('events')
      .select('id')
      .where('task_id', '=', id)
      .where('type', '=', 'task.acknowledged')
      .execute()
    expect(events).toHaveLength(1)
  })

  it('concurrent level changes serialise: the final task set matches the final level', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'levels', districts: ['510104', '510105'] },
    })
    const levels = ['I', 'II', 'III', 'IV', 'II', 'I', 'III']
    const responses = await Promise.all(
      levels.map((level) =>
        t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
          token: commander,
          body: { level, reason: 'race' },
        }),
      ),
    )
    // Every request succeeded and reports the level it asked for: none was lost or answered for another.
    responses.forEach((r, i) => {
      expect(r.status, r.text).toBe(200)
      expect(r.body.level).toBe(levels[i])
    })
    const final = await t.call('GET', `/api/v1/incidents/${inc.body.id}`, { token: commander })
    expect(levels).toContain(final.body.level)
    // Serialised: the recorded changes form one chain from IV to the final level, one event per real change,
    // and the tasks each response says it added or cancelled add up to what was written.
    const changes = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('incident_id', '=', inc.body.id)
      .where('type', 'in', ['incident.level_raised', 'incident.level_lowered'])
      .orderBy('id')
      .execute()
    let at = 'IV'
    for (const { payload } of changes) {
      const p = payload as { from: string; to: string }
      expect(p.from).toBe(at)
      expect(p.to).not.toBe(p.from)
      at = p.to
    }
    expect(at).toBe(final.body.level)
    expect(changes).toHaveLength(responses.filter((r) => r.body.added + r.body.cancelled > 0).length)
    const level = ['I', 'II', 'III', 'IV'].indexOf(final.body.level) + 1
    const expected = t.deps.playbooks
      .get('sudan-red')!
      .playbook.steps.filter((s) => s.level >= level)
      .map((s) => s.key)
      .sort()
    const open = await t.deps.db
      .selectFrom('tasks')
      .select(['step_key', 'district_code'])
      .where('incident_id', '=', inc.body.id)
      .where('status', '=', 'pending')
      .execute()
    for (const d of ['510104', '510105'])
      expect(
        open
          .filter((r) => r.district_code === d)
          .map((r) => r.step_key)
          .sort(),
      ).toEqual(expected)
  })
})
