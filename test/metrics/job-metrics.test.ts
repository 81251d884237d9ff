import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalationSweepJob } from '../../src/escalation/escalation.job.js'
import { jobs } from '../../src/jobs/job-registry.js'
import { runCronSlot, runLoopOnce } from '../../src/jobs/scheduler.js'
import { DRILL_DIR } from '../escalation/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** The escalation sweep and the scheduler update their instruments: /metrics sees them move. */
const API = '/api/v1'
let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp({ playbooksDir: DRILL_DIR })
  admin = await t.token('admin')
})
afterAll(() => t.close())

function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return 0
}
const scrape = async () => {
  const r = await t.call('GET', '/metrics', { token: admin })
  expect(r.status).toBe(200)
  return r.text
}

describe('job and escalation metrics', () => {
  it('counts fired rungs by clock with their lateness, and the sweep runs that did something', async () => {
    const before = await scrape()
    const commander = await t.token('commander')
    const inc = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'drill-seconds', level: 'IV', title: '秒级演练', districts: ['510104'] },
    })
    expect(inc.status, inc.text).toBe(201)
    // Nothing due yet: an idle poll is neither recorded nor counted.
    expect((await runLoopOnce(t.deps, escalationSweepJob)).worked).toBe(false)
    expect(sample(await scrape(), 'redshield_job_runs_total', { job: 'escalation-sweep' })).toBe(
      sample(before, 'redshield_job_runs_total', { job: 'escalation-sweep' }),
    )
    // The unacknowledged clock starts at the ack deadline (2 s). 5 s in, its rungs at +0 s and +2 s are
    // due: fired 3 s and 1 s late.
    t.clock.advance(5000)
    expect((await runLoopOnce(t.deps, escalationSweepJob)).worked).toBe(true)
    const after = await scrape()
    const fired = (text: string) =>
      sample(text, 'redshield_escalations_fired_total', { clock: 'unacknowledged' })
    expect(fired(after) - fired(before)).toBe(2)
    const lateness = (text: string, suffix: string) =>
      sample(text, `redshield_escalation_lateness_seconds_${suffix}`, { clock: 'unacknowledged' })
    expect(lateness(after, 'count') - lateness(before, 'count')).toBe(2)
    expect(lateness(after, 'sum') - lateness(before, 'sum')).toBeCloseTo(4, 3)
    const runs = (text: string) =>
      sample(text, 'redshield_job_runs_total', { job: 'escalation-sweep', outcome: 'ok' })
    expect(runs(after) - runs(before)).toBe(1)
    expect(
      sample(after, 'redshield_job_duration_seconds_count', { job: 'escalation-sweep' }) -
        sample(before, 'redshield_job_duration_seconds_count', { job: 'escalation-sweep' }),
    ).toBe(1)
  })

  it('counts cron slots that ran, by outcome', async () => {
    const recurring = jobs.find((j) => j.name === 'recurring-tasks')
    if (recurring?.kind !== 'cron') throw new Error('no recurring-tasks cron job')
    const before = sample(await scrape(), 'redshield_job_runs_total', {
      job: 'recurring-tasks',
      outcome: 'ok',
    })
    expect(await runCronSlot(t.deps, recurring, new Date('2026-11-30T01:00:00Z'))).toBe('ran')
    // The same slot again is skipped (another instance had it): not a run.
    expect(await runCronSlot(t.deps, recurring, new Date('2026-11-30T01:00:00Z'))).toBe('skipped')
    const after = sample(await scrape(), 'redshield_job_runs_total', {
      job: 'recurring-tasks',
      outcome: 'ok',
    })
    expect(after - before).toBe(1)
  })

  it('registers webhook delivery as a loop job that wakes on new events', async () => {
    const delivery = jobs.find((j) => j.name === 'webhook-delivery')
    expect(delivery).toMatchObject({ kind: 'loop', wakeOnEvents: true })
    const listed = await t.call('GET', `${API}/jobs`, { token: admin })
    expect(listed.status).toBe(200)
    expect((listed.body.items as { name: string }[]).map((j) => j.name)).toContain('webhook-delivery')
  })
})
