import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/clock.js'
import { loadConfig } from '../../src/config.js'
import { inTransaction } from '../../src/db/transaction.js'
import { escalationSweepJob } from '../../src/escalation/escalation.job.js'
import { sweepEscalations } from '../../src/escalation/escalation.service.js'
import { IncidentDetailSchema } from '../../src/incidents/incidents.schema.js'
import { startScheduler } from '../../src/jobs/scheduler.js'
import { writeTasks } from '../../src/tasks/tasks.repo.js'
import { TaskSheetSchema } from '../../src/tasks/tasks.schema.js'
import { openStream } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { DRILL_DIR, escalations, rungsOf } from './helpers.js'

/**
 * The two clocks with a drill playbook of second-long windows (ack 2 s, due 20 s, report every 6 s;
 * unacknowledged ladder 0 s duty officer, 2 s head, 4 s command centre; overdue ladder 0 s head, 3 s city
 * leadership; the last rung repeats twice every 5 s), driven by the fake clock and direct sweeps.
 */
let t: TestApp
let commander: string
let admin: string
let jinjiang: string
const T0 = new Date('2026-11-30T01:00:00Z')
const at = (s: number) => new Date(T0.getTime() + s * 1000)

beforeAll(async () => {
  t = await startTestApp({ playbooksDir: DRILL_DIR })
  commander = await t.token('commander')
  admin = await t.token('admin')
  jinjiang = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

async function activate(districts: string[] = ['510104']) {
  t.clock.set(T0)
  const r = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'drill-seconds', level: 'IV', title: '演练', districts, exercise: true },
  })
  expect(r.status, r.text).toBe(201)
  const tasks = await t.call('GET', `/api/v1/tasks?incident=${r.body.id}`, { token: commander })
  return { incident: r.body.id as string, tasks: tasks.body.items as { id: string; district: string }[] }
}

const sweepAt = async (s: number) => {
  t.clock.set(at(s))
  return sweepEscalations(t.deps)
}

describe('the unacknowledged clock', () => {
  it('climbs the ladder rung by rung, each exactly once, then repeats the last rung a bounded number of times', async () => {
    await t.call('PUT', '/api/v1/districts/510104/contacts', {
      token: admin,
      body: { dutyOfficer: { name: '值班员 李', phone: '028-8888-0001' }, head: null },
    })
    await t.call('PUT', '/api/v1/contacts/city', {
      token: admin,
      body: { commandCentre: { name: '指挥中心', phone: '028-12315' }, cityLeadership: null },
    })
    const stream = await openStream(`${t.baseUrl}/api/v1/stream?types=task.escalated`, { token: commander })
    const { tasks, incident } = await activate()
    const id = tasks[0]!.id
    expect((await sweepAt(1)).fired).toBe(0)
    expect((await sweepAt(2)).fired).toBe(1)
    expect((await sweepAt(2)).fired).toBe(0) // the same moment again fires nothing
    await sweepAt(4)
    await sweepAt(6.5)
    await sweepAt(11)
    await sweepAt(16)
    expect((await sweepAt(100)).fired).toBe(0) // the ladder is bounded
    const es = await escalations(t.deps.db, id)
    expect(rungsOf(es)).toEqual([
      'unacknowledged:1.0',
      'unacknowledged:2.0',
      'unacknowledged:3.0',
      'unacknowledged:3.1',
      'unacknowledged:3.2',
    ])
    expect(es.map((e) => e.payload.notify)).toEqual([
      'district_duty_officer',
      'district_head',
      'command_centre',
      'command_centre',
      'command_centre',
    ])
    expect(es.map((e) => e.payload.dueAt)).toEqual([2, 4, 6, 11, 16].map((s) => at(s).toISOString()))
    expect(es.every((e) => e.payload.late === false)).toBe(true)
    // The rung's target and district, never the contact's name or phone; a note when none is on file (the
    // rung fires either way); and whether the incident is an exercise.
    expect(es[0]!.payload).toMatchObject({
      notify: 'district_duty_officer',
      district: '510104',
      exercise: true,
    })
    expect(es[0]!.payload).not.toHaveProperty('contact')
    expect(es[0]!.payload.note).toBeUndefined()
    expect(es[1]!.payload.note?.en).toMatch(/No contact/)
    const stored = JSON.stringify(es)
    const streamed = await stream.until((m) => m.filter((x) => x.data.task === id).length >= 5)
    stream.close()
    const mine = streamed.filter((x) => x.data.task === id)
    expect(mine.map((x) => x.data.payload.notify)).toEqual(es.map((e) => e.payload.notify))
    for (const personal of ['值班员', '028-8888-0001', '指挥中心', '028-12315']) {
      expect(stored).not.toContain(personal)
      expect(JSON.stringify(mine)).not.toContain(personal)
    }

    const task = await t.call('GET', `/api/v1/tasks/${id}`, { token: jinjiang })
    expect(task.body.escalations).toEqual({
      count: 5,
      clock: 'unacknowledged',
      lastRung: 3,
      lastAt: at(16).toISOString(),
      lastNotify: 'command_centre',
      nextAt: null,
    })
    const inc = await t.call('GET', `/api/v1/incidents/${incident}`, { token: commander })
    expect(inc.body.overdue.map((x: { id: string }) => x.id)).toEqual([id])
    expect(inc.body.overdue[0].lateBySeconds).toBe(98)
    // The answers match their closed schemas in the document (escalations object, lateBySeconds).
    expect(TaskSheetSchema.safeParse(task.body).error).toBeUndefined()
    expect(IncidentDetailSchema.safeParse(inc.body).error).toBeUndefined()
    // The sweep writes as the system, named by its job, and the timeline shows its typed payload.
    const timeline = await t.call('GET', `/api/v1/incidents/${incident}/events?limit=500`, {
      token: commander,
    })
    const escalated = timeline.body.items.filter((e: { type: string }) => e.type === 'task.escalated')
    expect(escalated).toHaveLength(5)
    expect(escalated[0].actor).toEqual({ id: null, name: 'escalation-sweep', role: 'system' })
    expect(escalated[0].payload).toMatchObject({ step: expect.any(String), clock: 'unacknowledged', rung: 1 })
  })

  it('stops at the acknowledgement; the overdue clock then starts when the task falls due', async () => {
    const { tasks } = await activate()
    const id = tasks[0]!.id
    await sweepAt(2)
    t.clock.set(at(3))
    expect((await t.call('POST', `/api/v1/tasks/${id}/ack`, { token: jinjiang })).status).toBe(200)
    await sweepAt(5)
    await sweepAt(19)
    expect(rungsOf(await escalations(t.deps.db, id))).toEqual(['unacknowledged:1.0'])
    await sweepAt(20)
    await sweepAt(23)
    const es = await escalations(t.deps.db, id)
    expect(rungsOf(es)).toEqual(['unacknowledged:1.0', 'overdue:1.0', 'overdue:2.0'])
    expect(es.slice(1).map((e) => e.payload.notify)).toEqual(['district_head', 'city_leadership'])
  })
})

describe('the overdue clock', () => {
  it('starts on silence past report_every; a report resets it', async () => {
    const { tasks } = await activate()
    const id = tasks[0]!.id
    t.clock.set(at(1))
    await t.call('POST', `/api/v1/tasks/${id}/ack`, { token: jinjiang })
    await t.call('POST', `/api/v1/tasks/${id}/reports`, {
      token: jinjiang,
      body: { figures: { outlets: 1 } },
    })
    await sweepAt(6.9) // report at 1 s, cadence 6 s: silent from 7 s
    expect(await escalations(t.deps.db, id)).toEqual([])
    await sweepAt(7)
    expect(rungsOf(await escalations(t.deps.db, id))).toEqual(['overdue:1.0'])
    // A report at 8 s resets the clock: the second rung (due at 10 s on the old clock) never fires.
    t.clock.set(at(8))
    await t.call('POST', `/api/v1/tasks/${id}/reports`, {
      token: jinjiang,
      body: { figures: { outlets: 2 } },
    })
    await sweepAt(10)
    await sweepAt(13.5)
    expect(rungsOf(await escalations(t.deps.db, id))).toEqual(['overdue:1.0'])
    await sweepAt(14) // silent again from 8 + 6 = 14 s: the ladder starts over at its first rung
    const es = await escalations(t.deps.db, id)
    expect(rungsOf(es)).toEqual(['overdue:1.0', 'overdue:1.0'])
    expect(es[1]!.payload.dueAt).toBe(at(14).toISOString())
  })

  it('complete, decline and cancel stop both clocks', async () => {
    const { tasks } = await activate(['510104', '510105', '510106', '510107'])
    const [a, b, c, d] = tasks.map((x) => x.id)
    t.clock.set(at(1))
    await t.call('POST', `/api/v1/tasks/${a}/ack`, { token: commander })
    await t.call('POST', `/api/v1/tasks/${a}/complete`, { token: commander, body: {} })
    await t.call('POST', `/api/v1/tasks/${b}/decline`, { token: commander, body: { reason: '无此业态' } })
    await t.call('POST', `/api/v1/tasks/${c}/ack`, { token: commander })
    await t.call('POST', `/api/v1/tasks/${c}/cancel`, { token: commander, body: { reason: '撤销' } })
    await sweepAt(3)
    await t.call('POST', `/api/v1/tasks/${d}/cancel`, { token: commander, body: { reason: '撤销' } })
    await sweepAt(3600)
    const es = await escalations(t.deps.db)
    for (const x of [a, b, c]) expect(es.filter((e) => e.task_id === x)).toEqual([])
    expect(rungsOf(es.filter((e) => e.task_id === d))).toEqual(['unacknowledged:1.0'])
  })
})

describe('a closed incident', () => {
  it('never escalates its tasks, even one left pending and due (a reassign racing the close)', async () => {
    const { incident, tasks } = await activate(['510104', '510105'])
    t.clock.set(at(1))
    const closed = await t.call('POST', `/api/v1/incidents/${incident}/close`, {
      token: commander,
      body: { summary: '演练结束' },
    })
    expect(closed.status, closed.text).toBe(200)
    // What a reassign that raced the close could leave behind: a pending task, due, in the closed incident.
    const leftOver = randomUUID()
    await inTransaction(t.deps.db, (trx) =>
      writeTasks(trx, [
        {
          id: leftOver,
          incident_id: incident,
          district_code: '510104',
          step_key: 'sweep',
          occurrence: 99,
          level: 4,
          status: 'pending',
          ack_due_at: at(1),
          due_at: at(20),
          next_escalation_at: at(1),
          created_at: at(1),
          updated_at: at(1),
        },
      ]),
    )
    await sweepAt(3600)
    const es = await escalations(t.deps.db)
    for (const id of [leftOver, ...tasks.map((x) => x.id)])
      expect(es.filter((e) => e.task_id === id)).toEqual([])
  })
})

describe('after downtime', () => {
  it('each missed rung fires once at restart, marked late; missed repeats fold into one', async () => {
    const { tasks } = await activate()
    const id = tasks[0]!.id
    await sweepAt(2 * 3600) // two hours down
    await sweepAt(2 * 3600 + 1)
    const es = await escalations(t.deps.db, id)
    expect(rungsOf(es)).toEqual([
      'unacknowledged:1.0',
      'unacknowledged:2.0',
      'unacknowledged:3.0',
      'unacknowledged:3.2',
    ])
    expect(es.every((e) => e.payload.late)).toBe(true)
    expect(es[3]!.payload.skippedRepeats).toBe(1)
    expect(es.map((e) => e.payload.dueAt)).toEqual([2, 4, 6, 16].map((s) => at(s).toISOString()))
  })
})

describe('the overdue list', () => {
  it('orders the incident’s late tasks by how late they are', async () => {
    const { incident, tasks } = await activate(['510104', '510105', '510106'])
    const [a, b, c] = tasks.map((x) => x.id)
    t.clock.set(at(1))
    await t.call('POST', `/api/v1/tasks/${b}/ack`, { token: commander }) // due at 20 s
    await t.call('POST', `/api/v1/tasks/${c}/ack`, { token: commander })
    await t.call('POST', `/api/v1/tasks/${c}/complete`, { token: commander, body: {} })
    t.clock.set(at(30))
    const inc = await t.call('GET', `/api/v1/incidents/${incident}`, { token: commander })
    // a: 28 s past its ack deadline; b: 10 s past due; c: done.
    expect(
      inc.body.overdue.map((x: { id: string; lateBySeconds: number }) => [x.id, x.lateBySeconds]),
    ).toEqual([
      [a, 28],
      [b, 10],
    ])
  })
})

describe('the running scheduler (real clock, this engine)', () => {
  it('fires a rung within 5 s of falling due, once', async () => {
    const { incident } = await activate(['510104'])
    const deps = {
      ...t.deps,
      clock: systemClock,
      config: loadConfig({ LOG_LEVEL: 'silent', ESCALATION_POLL_MS: '250' }),
    }
    const dueAt = new Date(Date.now() + 500)
    const id = randomUUID()
    await inTransaction(t.deps.db, (trx) =>
      writeTasks(trx, [
        {
          id,
          incident_id: incident,
          district_code: '510105',
          step_key: 'sweep',
          occurrence: 7,
          level: 4,
          status: 'pending',
          ack_due_at: dueAt,
          due_at: new Date(dueAt.getTime() + 60_000),
          next_escalation_at: dueAt,
          created_at: dueAt,
          updated_at: dueAt,
        },
      ]),
    )
    const scheduler = startScheduler(deps, [escalationSweepJob])
    try {
      for (let i = 0; i < 40 && (await escalations(t.deps.db, id)).length === 0; i++) await sleep(100)
    } finally {
      scheduler.stop()
      await scheduler.idle()
    }
    const es = await escalations(t.deps.db, id)
    expect(rungsOf(es)).toEqual(['unacknowledged:1.0'])
    const late = es[0]!.created_at.getTime() - dueAt.getTime()
    expect(late).toBeGreaterThanOrEqual(0)
    expect(late).toBeLessThanOrEqual(5000)
  })
})
