import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecurringTasks } from '../../src/jobs/recurring-tasks.job.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

/**
 * Every verb that changes an incident's tasks (close, level change, reassign, cancel, the recurring-task
 * job) takes the incident's lock first, then the task: a closed incident never keeps a pending task, and a
 * reassignment never collides with a level change on the occurrence number.
 */
let t: TestApp
let commander: string

beforeAll(async () => {
  t = await startTestApp({ poolSize: 20 })
  commander = await t.token('commander')
})
afterAll(() => t.close())

const OPEN = ['pending', 'acknowledged', 'in_progress'] as const

async function incidentWithDeclinedTask(title: string, level = 'IV') {
  const inc = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'sudan-red', level, title, districts: ['510104', '510105'] },
  })
  expect(inc.status, inc.text).toBe(201)
  const list = await t.call('GET', `/api/v1/tasks?incident=${inc.body.id}&district=510104&status=pending`, {
    token: commander,
  })
  const task = list.body.items[0] as { id: string; step: string }
  const d = await t.call('POST', `/api/v1/tasks/${task.id}/decline`, {
    token: commander,
    body: { reason: '辖区内无此业态' },
  })
  expect(d.status, d.text).toBe(200)
  return { incidentId: inc.body.id as string, taskId: task.id }
}

async function openTasks(incidentId: string) {
  return t.deps.db
    .selectFrom('tasks')
    .select(['id', 'status'])
    .where('incident_id', '=', incidentId)
    .where('status', 'in', [...OPEN])
    .execute()
}

describe('tasks of a closed incident', () => {
  it('cancelling a task of a closed incident is refused (409)', async () => {
    const { incidentId, taskId } = await incidentWithDeclinedTask('closed-cancel')
    const close = await t.call('POST', `/api/v1/incidents/${incidentId}/close`, {
      token: commander,
      body: { summary: '结束' },
    })
    expect(close.status, close.text).toBe(200)
    const r = await t.call('POST', `/api/v1/tasks/${taskId}/cancel`, {
      token: commander,
      body: { reason: 'x' },
    })
    expect(r.status).toBe(409)
    expect(r.body.code).toBe('invalid_state')
  })

  it('a reassignment after close is refused and adds no task', async () => {
    const { incidentId, taskId } = await incidentWithDeclinedTask('closed-reassign')
    await t.call('POST', `/api/v1/incidents/${incidentId}/close`, {
      token: commander,
      body: { summary: '结束' },
    })
    const r = await t.call('POST', `/api/v1/tasks/${taskId}/reassign`, {
      token: commander,
      body: { district: '510105', reason: '改派' },
    })
    expect(r.status).toBe(409)
    expect(await openTasks(incidentId)).toEqual([])
  })
})

describe.skipIf(testEngine() !== 'postgres')(
  'races (PostgreSQL: PGlite has one connection and serialises)',
  () => {
    it('reassign racing close: the incident ends with no open task, whichever wins', async () => {
      const rounds = await Promise.all(
        Array.from({ length: 12 }, (_, i) => incidentWithDeclinedTask(`close-vs-reassign-${i}`)),
      )
      const outcomes = await Promise.all(
        rounds.map(({ incidentId, taskId }) =>
          Promise.all([
            t.call('POST', `/api/v1/tasks/${taskId}/reassign`, {
              token: commander,
              body: { district: '510105', reason: '改派' },
            }),
            t.call('POST', `/api/v1/incidents/${incidentId}/close`, {
              token: commander,
              body: { summary: '结束' },
            }),
          ]),
        ),
      )
      for (const [reassign, close] of outcomes) {
        expect([201, 409]).toContain(reassign.status)
        expect(close.status, close.text).toBe(200)
      }
      for (const { incidentId } of rounds) expect(await openTasks(incidentId)).toEqual([])
    })

    it('reassign racing level changes and cancels: no 500, no duplicate occurrence', async () => {
      const { incidentId, taskId } = await incidentWithDeclinedTask('level-vs-reassign', 'III')
      const calls = [
        t.call('POST', `/api/v1/tasks/${taskId}/reassign`, {
          token: commander,
          body: { reason: '同区重派' },
        }),
        ...['II', 'IV', 'I', 'III', 'II'].map((level) =>
          t.call('POST', `/api/v1/incidents/${incidentId}/level`, {
            token: commander,
            body: { level, reason: 'race' },
          }),
        ),
      ]
      const results = await Promise.all(calls)
      for (const r of results) expect(r.status, r.text).toBeLessThan(500)
      const rows = await t.deps.db
        .selectFrom('tasks')
        .select(['district_code', 'step_key', 'occurrence'])
        .where('incident_id', '=', incidentId)
        .execute()
      const keys = rows.map((r) => `${r.district_code}/${r.step_key}/${r.occurrence}`)
      expect(new Set(keys).size).toBe(keys.length)
    })

    it('reassign racing the recurring-task job: both succeed, no occurrence number is taken twice', async () => {
      const rounds = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const inc = await t.call('POST', '/api/v1/incidents', {
            token: commander,
            body: {
              playbook: 'sudan-red',
              level: 'IV',
              title: `recurring-vs-reassign-${i}`,
              districts: ['510104'],
            },
          })
          const task = await t.deps.db
            .selectFrom('tasks')
            .select('id')
            .where('incident_id', '=', inc.body.id)
            .where('step_key', '=', 'daily-report')
            .executeTakeFirstOrThrow()
          const d = await t.call('POST', `/api/v1/tasks/${task.id}/decline`, {
            token: commander,
            body: { reason: '辖区内无此业态' },
          })
          expect(d.status, d.text).toBe(200)
          return { incidentId: inc.body.id as string, taskId: task.id }
        }),
      )
      // 17:00:30 in Chengdu: the job opens tomorrow's report and the reassignment today's again, both in 510104.
      t.clock.set(new Date('2026-11-30T09:00:30Z'))
      const [job, ...reassigned] = await Promise.all([
        createRecurringTasks(t.deps),
        ...rounds.map(({ taskId }) =>
          t.call('POST', `/api/v1/tasks/${taskId}/reassign`, {
            token: commander,
            body: { reason: '同区重派' },
          }),
        ),
      ])
      expect(typeof job).toBe('number')
      for (const r of reassigned) expect((r as { status: number; text: string }).status).toBe(201)
      await createRecurringTasks(t.deps) // catches up an incident a reassignment held during the first run
      for (const { incidentId } of rounds) {
        const rows = await t.deps.db
          .selectFrom('tasks')
          .select(['district_code', 'occurrence'])
          .where('incident_id', '=', incidentId)
          .where('step_key', '=', 'daily-report')
          .execute()
        const keys = rows.map((r) => `${r.district_code}/${r.occurrence}`)
        expect(new Set(keys).size).toBe(keys.length)
        expect(rows.length).toBeGreaterThanOrEqual(3) // the declined one, its reassignment, tomorrow's
      }
    })
  },
)
