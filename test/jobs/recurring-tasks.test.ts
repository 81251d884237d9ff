import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecurringTasks } from '../../src/jobs/recurring-tasks.job.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp() // clock: 2026-11-30 09:00 in Chengdu
})
afterAll(() => t.close())

const dailyTasks = (incident: string) =>
  t.deps.db
    .selectFrom('tasks')
    .select(['district_code', 'occurrence', 'due_at', 'ack_due_at', 'status'])
    .where('incident_id', '=', incident)
    .where('step_key', '=', 'daily-report')
    .orderBy('district_code')
    .orderBy('occurrence')
    .execute()

describe('recurring steps: one task per occurrence until the incident closes', () => {
  it('opens tomorrow’s 17:00 report once today’s begins, catches up after downtime, never doubles', async () => {
    const commander = await t.token('commander')
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'daily', districts: ['510104', '510105'] },
    })
    const step = t.deps.playbooks.get('sudan-red')!.playbook.steps.find((s) => s.key === 'daily-report')!
    expect(step.recurrence?.dailyAt).toBe('17:00')
    let tasks = await dailyTasks(inc.body.id)
    expect(tasks).toHaveLength(2)
    const firstDue = tasks[0]!.due_at.getTime()

    expect(await createRecurringTasks(t.deps)).toBe(0) // 09:00: today's 17:00 has not begun

    t.clock.set(new Date('2026-11-30T09:00:30Z')) // 17:00:30 in Chengdu
    expect(await createRecurringTasks(t.deps)).toBe(2)
    expect(await createRecurringTasks(t.deps)).toBe(0) // the same slot again adds nothing
    tasks = await dailyTasks(inc.body.id)
    const jinjiang = tasks.filter((x) => x.district_code === '510104')
    expect(jinjiang.map((x) => x.occurrence)).toEqual([0, 1])
    expect(jinjiang[1]!.due_at.getTime() - firstDue).toBe(86_400_000)

    // Three days of downtime: each missed day gets its task (they show as overdue), then tomorrow's.
    t.clock.set(new Date('2026-12-03T10:00:00Z'))
    expect(await createRecurringTasks(t.deps)).toBe(2 * 3)
    tasks = await dailyTasks(inc.body.id)
    expect(tasks.filter((x) => x.district_code === '510104').map((x) => x.occurrence)).toEqual([
      0, 1, 2, 3, 4,
    ])

    await t.call('POST', `/api/v1/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: 'done' },
    })
    t.clock.set(new Date('2026-12-10T10:00:00Z'))
    expect(await createRecurringTasks(t.deps)).toBe(0)
  })
})
