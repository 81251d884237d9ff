import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '../../src/jobs/job-registry.js'
import {
  ABANDONED_AFTER_MS,
  type CronJob,
  catchUpCronJobs,
  runCronSlot,
  runLoopOnce,
} from '../../src/jobs/scheduler.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp() // 2026-11-30 09:00 in Chengdu
  admin = await t.token('admin')
})
afterAll(() => t.close())

const counting = (name: string, cron: string, fail = false) => {
  const job: CronJob & { runs: Date[] } = {
    name,
    kind: 'cron',
    cron,
    description: 'test',
    runs: [],
    run: async (_deps, slot) => {
      job.runs.push(slot)
      if (fail) throw new Error('boom')
      return { ok: true }
    },
  }
  return job
}

describe('cron slots', () => {
  it('run once per slot whatever the number of instances', async () => {
    const job = counting('test-once', '*/5 * * * *')
    const slot = new Date('2026-11-30T01:05:00Z')
    const outcomes = await Promise.all(
      ['a', 'b', 'c'].map((instance) => runCronSlot(t.deps, job, slot, { instance })),
    )
    expect(outcomes.sort()).toEqual(['ran', 'skipped', 'skipped'])
    expect(job.runs).toEqual([slot])
  })

  it('catch up once after downtime: the latest missed slot, not every missed one', async () => {
    const job = counting('test-catch-up', '*/5 * * * *')
    t.clock.set(new Date('2026-11-30T03:07:30Z')) // two hours after the last slot anyone ran
    expect(await catchUpCronJobs(t.deps, [job], 'a')).toEqual(['test-catch-up'])
    expect(await catchUpCronJobs(t.deps, [job], 'b')).toEqual([])
    expect(job.runs).toEqual([new Date('2026-11-30T03:05:00Z')])
    const row = await t.deps.db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', 'test-catch-up')
      .execute()
    expect(row).toMatchObject([{ catch_up: true, outcome: 'ok', instance: 'a' }])
  })

  it('a slot whose instance died mid-run is run again at the next start, once; a live run is left alone', async () => {
    const job = counting('test-abandoned', '*/5 * * * *')
    t.clock.set(new Date('2026-11-30T04:07:30Z'))
    const slot = new Date('2026-11-30T04:05:00Z')
    const started = new Date('2026-11-30T04:05:01Z')
    const leave = (instance: string, at = started) =>
      t.deps.db
        .insertInto('job_runs')
        .values({ job: job.name, slot, instance, started_at: at, catch_up: false, outcome: 'running' })
        .execute()
    const rows = () => t.deps.db.selectFrom('job_runs').selectAll().where('job', '=', job.name).execute()

    // Another host's run, two minutes old: it may still be going.
    await leave('elsewhere:41')
    expect(await catchUpCronJobs(t.deps, [job], `${hostname()}:${process.pid}`)).toEqual([])
    expect(job.runs).toEqual([])

    // A pid on this host that no longer runs: killed mid-run. Two instances start; one runs it.
    await t.deps.db.deleteFrom('job_runs').where('job', '=', job.name).execute()
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], { stdio: 'ignore' }).pid
    await leave(`${hostname()}:${dead}`)
    const outcomes = await Promise.all(['a', 'b'].map((i) => catchUpCronJobs(t.deps, [job], i)))
    expect(outcomes.flat()).toEqual([job.name])
    expect(job.runs).toEqual([slot])
    expect(await rows()).toMatchObject([{ outcome: 'ok', catch_up: true }])

    // Another host's run, stuck for over the limit.
    await t.deps.db.deleteFrom('job_runs').where('job', '=', job.name).execute()
    await leave('elsewhere:41', new Date(started.getTime() - ABANDONED_AFTER_MS - 60_000))
    expect(await catchUpCronJobs(t.deps, [job], 'a')).toEqual([job.name])
    expect(job.runs).toEqual([slot, slot])
    expect(await rows()).toMatchObject([{ outcome: 'ok', instance: 'a' }])
  })

  it('the zone is TZ: a daily 17:00 job falls on 09:00 UTC in Chengdu', async () => {
    const job = counting('test-daily', '0 17 * * *')
    t.clock.set(new Date('2026-11-30T10:00:00Z'))
    await catchUpCronJobs(t.deps, [job], 'a')
    expect(job.runs).toEqual([new Date('2026-11-30T09:00:00Z')])
  })
})

describe('GET /api/v1/jobs', () => {
  it('lists each job with its schedule, last runs (start, duration, outcome, error) and next run', async () => {
    t.clock.set(new Date('2026-11-30T04:00:10Z'))
    const recurring = jobs.find((j) => j.name === 'recurring-tasks') as CronJob
    await runCronSlot(t.deps, recurring, new Date('2026-11-30T04:00:00Z'), { instance: 'a' })
    await runCronSlot(
      t.deps,
      { ...recurring, run: () => Promise.reject(new Error('disk full')) },
      new Date('2026-11-30T04:01:00Z'),
    )
    const sweep = jobs.find((j) => j.name === 'escalation-sweep')
    if (sweep?.kind !== 'loop') throw new Error('escalation-sweep is a loop job')
    expect(await runLoopOnce(t.deps, sweep)).toMatchObject({ worked: false }) // nothing due: not recorded

    const r = await t.call('GET', '/api/v1/jobs', { token: admin })
    expect(r.status).toBe(200)
    expect(r.body.next).toBeNull()
    // Every registered job, in registry order.
    expect(r.body.items.map((j: { name: string }) => j.name)).toEqual([
      'escalation-sweep',
      'recurring-tasks',
      'publish-announcements',
      'webhook-delivery',
      'board-refresh',
      'board-events',
      'complaint-deadlines',
      'complaint-retention',
      'rectification-deadlines',
    ])
    const [esc, rec] = r.body.items
    expect(esc).toMatchObject({
      kind: 'loop',
      schedule: 'every 1000 ms',
      timeZone: 'Asia/Shanghai',
      schedulerEnabled: false,
      lastRuns: [],
    })
    expect(rec).toMatchObject({ kind: 'cron', schedule: '* * * * *', nextRun: '2026-11-30T04:01:00.000Z' })
    expect(rec.lastRuns).toEqual([
      expect.objectContaining({ slot: '2026-11-30T04:01:00.000Z', outcome: 'failed', error: 'disk full' }),
      expect.objectContaining({
        slot: '2026-11-30T04:00:00.000Z',
        outcome: 'ok',
        instance: 'a',
        durationMs: 0,
        catchUp: false,
        error: null,
        result: '0',
      }),
    ])
    const page = await t.call('GET', '/api/v1/jobs?limit=1', { token: admin })
    expect(page.body.items).toHaveLength(1)
    const rest = await t.call('GET', `/api/v1/jobs?limit=1&cursor=${page.body.next}`, { token: admin })
    expect(rest.body.items.map((j: { name: string }) => j.name)).toEqual(['recurring-tasks'])
    const last = await t.call('GET', `/api/v1/jobs?limit=7&cursor=${rest.body.next}`, { token: admin })
    expect(last.body.items.map((j: { name: string }) => j.name)).toEqual([
      'publish-announcements',
      'webhook-delivery',
      'board-refresh',
      'board-events',
      'complaint-deadlines',
      'complaint-retention',
      'rectification-deadlines',
    ])
    expect(last.body.next).toBeNull()
  })

  it('is for admins only', async () => {
    for (const role of ['commander', 'district', 'sampler'] as const) {
      const token = await t.token(role, role === 'district' ? { district: '510104' } : {})
      expect((await t.call('GET', '/api/v1/jobs', { token })).status).toBe(403)
    }
    expect((await t.call('GET', '/api/v1/jobs')).status).toBe(401)
  })
})
