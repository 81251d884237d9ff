import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseDuration } from '../../src/playbooks/duration.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let commander: string
let district: string

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander', { name: '市局指挥中心' })
  district = await t.token('district', { district: '510104', name: '锦江区值班' })
})
afterAll(() => t.close())

// Every test starts from the same moment, so none depends on another's clock moves.
const START = new Date('2026-11-30T01:00:00Z') // 09:00 in Chengdu
beforeEach(() => t.clock.set(START))

const activate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.call('POST', '/api/v1/incidents', { token: commander, body, headers })

describe('activation', () => {
  it('creates exactly the level-II tasks of sudan-red in all 20 districts, with events', async () => {
    const r = await activate({
      playbook: 'sudan-red',
      level: 'II',
      title: '辣椒制品苏丹红',
      districts: 'all',
    })
    expect(r.status).toBe(201)
    expect(r.body.code).toMatch(/^FS-2026-\d{4}$/)
    expect(r.headers.get('location')).toBe(`/api/v1/incidents/${r.body.id}`)

    const playbook = t.deps.playbooks.get('sudan-red')!.playbook
    const expectedSteps = playbook.steps.filter((s) => s.level >= 2).map((s) => s.key)
    expect(expectedSteps.length).toBeLessThan(playbook.steps.length) // level I adds more
    expect(r.body.taskCount).toBe(expectedSteps.length * 20)

    const tasks = await t.deps.db
      .selectFrom('tasks')
      .selectAll()
      .where('incident_id', '=', r.body.id)
      .execute()
    const pairs = new Set(tasks.map((x) => `${x.district_code}/${x.step_key}`))
    const districts = await t.deps.db.selectFrom('districts').select('code').execute()
    for (const d of districts) for (const s of expectedSteps) expect(pairs.has(`${d.code}/${s}`)).toBe(true)
    expect(tasks.every((x) => x.status === 'pending' && x.ack_due_at <= x.due_at)).toBe(true)

    const events = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('incident_id', '=', r.body.id)
      .execute()
    expect(events.filter((e) => e.type === 'task.created')).toHaveLength(tasks.length)
    const activated = events.find((e) => e.type === 'incident.activated')
    expect(activated).toMatchObject({ actor_name: '市局指挥中心', actor_role: 'commander' })
    expect(activated?.request_id).toBe(r.headers.get('x-request-id'))
  })

  it('computes deadlines from the playbook’s durations; recurring steps from the next 17:00', async () => {
    const r = await activate({ playbook: 'sudan-red', level: 'IV', title: 't', districts: ['510104'] })
    const tasks = await t.deps.db
      .selectFrom('tasks')
      .selectAll()
      .where('incident_id', '=', r.body.id)
      .execute()
    const playbook = t.deps.playbooks.get('sudan-red')!.playbook
    expect(tasks).toHaveLength(playbook.steps.filter((s) => s.level >= 4).length)
    expect(tasks.some((x) => playbook.steps.find((s) => s.key === x.step_key)?.recurrence)).toBe(true)
    for (const task of tasks) {
      const step = playbook.steps.find((s) => s.key === task.step_key)!
      // A one-off step counts from activation; the 17:00 daily report from today's 17:00 in Chengdu
      // (09:00 UTC), which is still ahead at 09:00.
      const from = step.recurrence ? Date.parse('2026-11-30T09:00:00Z') : START.getTime()
      expect([task.step_key, task.created_at.toISOString()]).toEqual([task.step_key, START.toISOString()])
      expect([task.step_key, task.ack_due_at.toISOString()]).toEqual([
        task.step_key,
        new Date(from + parseDuration(step.ackWithin)).toISOString(),
      ])
      expect([task.step_key, task.due_at.toISOString()]).toEqual([
        task.step_key,
        new Date(from + parseDuration(step.dueWithin)).toISOString(),
      ])
    }
  })

  it('is idempotent by key: same body replays (200), a different body is refused (422)', async () => {
    const body = {
      playbook: 'avian-influenza',
      level: 'III',
      title: '禽流感',
      districts: ['510106', '510107'],
    }
    const first = await activate(body, { 'idempotency-key': 'avian-1' })
    expect(first.status).toBe(201)
    const again = await activate(
      { ...body, districts: ['510107', '510106'] },
      { 'idempotency-key': 'avian-1' },
    )
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.body.id)
    expect(again.body.taskCount).toBe(first.body.taskCount)
    const other = await activate({ ...body, level: 'II' }, { 'idempotency-key': 'avian-1' })
    expect(other.status).toBe(422)
    expect(other.body.code).toBe('idempotency_mismatch')
    const n = await t.deps.db.selectFrom('incidents').select('id').where('title', '=', '禽流感').execute()
    expect(n).toHaveLength(1)
  })

  it('lists every problem at once and writes nothing', async () => {
    const before = await t.deps.db.selectFrom('incidents').select('id').execute()
    const r = await activate({
      playbook: 'no-such',
      level: 'II',
      title: 'x',
      districts: ['510104', '999999'],
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.districts[1]',
      'body.playbook',
    ])
    const wrongLevel = await activate({
      playbook: 'unqualified-product-disposal',
      level: 'I',
      title: 'x',
      districts: 'all',
    })
    expect(wrongLevel.status).toBe(422)
    expect(wrongLevel.body.issues[0].path).toBe('body.level')
    expect(await t.deps.db.selectFrom('incidents').select('id').execute()).toHaveLength(before.length)
  })

  it('is refused to district tokens (403) and to anonymous callers (401)', async () => {
    const body = { playbook: 'sudan-red', level: 'IV', title: 'x', districts: 'all' }
    expect((await t.call('POST', '/api/v1/incidents', { token: district, body })).status).toBe(403)
    expect((await t.call('POST', '/api/v1/incidents', { body })).status).toBe(401)
  })

  it('numbers incidents in sequence and filters the list', async () => {
    const a = await activate({
      playbook: 'swine-streptococcus',
      level: 'IV',
      title: '猪链球菌演练',
      districts: 'all',
      exercise: true,
    })
    const b = await activate({
      playbook: 'swine-streptococcus',
      level: 'IV',
      title: '猪链球菌',
      districts: 'all',
    })
    const na = Number(a.body.code.slice(-4))
    expect(Number(b.body.code.slice(-4))).toBe(na + 1)
    const drills = await t.call('GET', '/api/v1/incidents?playbook=swine-streptococcus&exercise=true', {
      token: commander,
    })
    expect(drills.body.items.map((i: { id: string }) => i.id)).toEqual([a.body.id])
    const mine = await t.call('GET', '/api/v1/incidents', { token: district })
    expect(mine.body.items.every((i: { districts: string[] }) => i.districts.includes('510104'))).toBe(true)
  })
})
