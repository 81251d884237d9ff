import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boardEventsJob } from '../../src/boards/board-events.job.js'
import { type CronJob, runCronSlot, runLoopOnce, startScheduler } from '../../src/jobs/scheduler.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

// PostgreSQL went away while a request or a job held a connection, and the process died of an unhandled
// 'error' event on the checked-out pg client. Now every client has a lifelong 'error' listener: the request
// answers 503 with Retry-After, the job run fails and is recorded, and both work again once the database is
// back. The database is taken away by a TCP proxy in front of it (the shared server is never stopped).
// PostgreSQL only: PGlite runs in-process, there is no connection to lose.
describe.skipIf(testEngine() !== 'postgres')('PostgreSQL lost under load', () => {
  let t: TestApp
  let proxy: TcpProxy
  let commander: string
  let district: string
  let taskIds: string[]
  const lost: { err: Error; where: string }[] = []

  beforeAll(async () => {
    const admin = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
    proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) })
    t = await startTestApp({
      poolSize: 4,
      database: {
        connectVia: (url) => proxy.via(url),
        onError: (err, where) => lost.push({ err, where }),
        acquireTimeoutMillis: 2000,
      },
    })
    commander = await t.token('commander')
    district = await t.token('district', { district: '510104' })
    const r = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '断线', districts: ['510104'] },
    })
    expect(r.status, r.text).toBe(201)
    const list = await t.call('GET', `/api/v1/tasks?incident=${r.body.id}`, { token: district })
    taskIds = list.body.items.map((i: { id: string }) => i.id)
    expect(taskIds.length).toBeGreaterThan(1)
  })
  afterAll(async () => {
    await t?.close()
    await proxy?.close()
  })

  /**
   * Resolves once a session of the app waits for a lock `other` holds. The statistics snapshot is cleared on
   * each look: inside a transaction pg_stat_activity would otherwise answer its first reading again.
   */
  async function lockWaited(other: pg.Client) {
    for (;;) {
      const { rows } = await other.query(
        `select pg_stat_clear_snapshot(), (select count(*)::int from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()) as n`,
      )
      if (rows[0].n > 0) return
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Another session (straight to the server, not through the proxy) holds a task row. */
  async function holdRow(id: string) {
    const other = new pg.Client({ connectionString: t.testDb.url })
    other.on('error', () => {})
    await other.connect()
    await other.query('begin')
    await other.query('select id from tasks where id = $1 for update', [id])
    return {
      /** Resolves once a session of the app waits for this row's lock. */
      waitedOn: () => lockWaited(other),
      release: async () => {
        await other.query('rollback')
        await other.end()
      },
    }
  }

  it('a request holding a connection answers 503 with Retry-After; the service answers again once it is back', async () => {
    const [taskId] = taskIds as [string]
    const held = await holdRow(taskId)
    try {
      const pending = t.call('POST', `/api/v1/tasks/${taskId}/ack`, { token: district })
      await held.waitedOn()
      proxy.cut()
      const r = await pending
      expect(r.status, r.text).toBe(503)
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(r.body.code).toBe('service_unavailable')
      // Still alive, and still answering while the database is away.
      const meanwhile = await t.call('GET', `/api/v1/tasks?incident=x`, { token: district })
      expect([422, 503]).toContain(meanwhile.status)
      expect((await t.call('GET', '/api/v1/tasks', { token: district })).status).toBe(503)
      // The lost connection was reported (the service logs it), not swallowed.
      expect(lost.some((l) => l.where === 'in use')).toBe(true)
    } finally {
      await held.release()
      proxy.restore()
    }
    const again = await t.call('POST', `/api/v1/tasks/${taskId}/ack`, { token: district })
    expect(again.status, again.text).toBe(200)
    expect(again.body.status).toBe('acknowledged')
  })

  it('an import holding its dedicated connection (COPY) answers 503; the same file imports once it is back', async () => {
    const sampler = await t.token('sampler')
    const csv = await readFile(resolve(import.meta.dirname, '../fixtures/samples/2026q4-failing.csv'), 'utf8')
    const post = () =>
      t.call('POST', '/api/v1/samples/import?name=outage.csv', {
        token: sampler,
        raw: csv,
        headers: { 'content-type': 'text/csv; charset=utf-8' },
      })
    // Another session holds the samples table, so the import's COPY waits with its connection checked out.
    const other = new pg.Client({ connectionString: t.testDb.url })
    other.on('error', () => {})
    await other.connect()
    try {
      await other.query('begin')
      await other.query('lock table samples in share mode')
      const pending = post()
      await lockWaited(other)
      proxy.cut()
      const r = await pending
      expect(r.status, r.text).toBe(503)
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      await other.query('rollback')
      await other.end()
      proxy.restore()
    }
    const again = await post()
    expect(again.status, again.text).toBe(201)
    expect(again.body).toMatchObject({ duplicate: false, samples: 4 })
  })

  it('a job run holding a connection fails, its end is recorded once the database is back, and the next run works', async () => {
    const taskId = taskIds[1] as string
    const job: CronJob = {
      name: 'test-outage',
      kind: 'cron',
      cron: '* * * * *',
      description: 'waits on a task row',
      run: async (deps) => {
        await sql`select id from tasks where id = ${taskId} for update`.execute(deps.db)
        return { done: true }
      },
    }
    const slot = new Date('2026-11-30T01:01:00Z')
    const held = await holdRow(taskId)
    let run: Promise<string>
    try {
      run = runCronSlot(t.deps, job, slot, { instance: 'outage' })
      await held.waitedOn()
      proxy.cut()
      // The run cannot record its end while the database is away; it keeps trying.
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      await held.release()
      proxy.restore()
    }
    expect(await run).toBe('failed')
    const row = await t.deps.db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', job.name)
      .where('slot', '=', slot)
      .executeTakeFirstOrThrow()
    expect(row.outcome).toBe('failed')
    expect(row.finished_at).not.toBeNull()
    // The next slot runs normally.
    expect(await runCronSlot(t.deps, job, new Date('2026-11-30T01:02:00Z'), { instance: 'outage' })).toBe(
      'ran',
    )
  })

  it('the board consumer keeps the work of a refresh the outage cut off and does it once the database is back', async () => {
    const consumer = startScheduler(t.deps, [boardEventsJob])
    const admin = await t.token('admin')
    // Another session holds the boards table: the consumer's refresh for the new retailer waits on it.
    const other = new pg.Client({ connectionString: t.testDb.url })
    other.on('error', () => {})
    await other.connect()
    try {
      await other.query('begin')
      await other.query('lock table boards in share mode')
      const r = await t.call('POST', '/api/v1/retailers', {
        token: admin,
        body: { id: 'outage-shop', name: '断线店', district: '510104', address: '成都市锦江区' },
      })
      expect(r.status, r.text).toBe(201)
      await lockWaited(other)
      proxy.cut()
      await new Promise((res) => setTimeout(res, 300))
    } finally {
      await other.query('rollback')
      await other.end()
      proxy.restore()
    }
    try {
      // The events that asked for it were read before the cut; the consumer retries their work by itself.
      for (let i = 0; i < 300; i++) {
        const board = await t.deps.db
          .selectFrom('boards')
          .select('version')
          .where('retailer_id', '=', 'outage-shop')
          .executeTakeFirst()
        if (board) break
        await new Promise((res) => setTimeout(res, 50))
      }
      const board = await t.deps.db
        .selectFrom('boards')
        .select('version')
        .where('retailer_id', '=', 'outage-shop')
        .executeTakeFirst()
      expect(board?.version).toBe(1)
      // The retry is a run of the registered job, recorded like every loop job's.
      const runs = await t.deps.db
        .selectFrom('job_runs')
        .select('outcome')
        .where('job', '=', 'board-events')
        .execute()
      expect(runs.map((r) => r.outcome)).toContain('ok')
    } finally {
      consumer.stop()
    }
  })

  it('a loop job polling while the database is away fails that poll and works at the next', async () => {
    const job = {
      name: 'test-outage-loop',
      kind: 'loop' as const,
      everyMs: () => 1000,
      description: 'counts tasks',
      run: async (deps: TestApp['deps']) => {
        const rows = await deps.db.selectFrom('tasks').select('id').execute()
        return { worked: true, result: { tasks: rows.length } }
      },
    }
    proxy.cut()
    const failed = runLoopOnce(t.deps, job, 'outage')
    await new Promise((r) => setTimeout(r, 300))
    proxy.restore()
    expect(await failed).toEqual({ worked: false })
    expect(await runLoopOnce(t.deps, job, 'outage')).toMatchObject({ worked: true })
    // Nothing is left `running`: a poll whose record could not even be started leaves no row.
    const runs = await t.deps.db
      .selectFrom('job_runs')
      .select(['outcome'])
      .where('job', '=', job.name)
      .execute()
    expect(runs.map((r) => r.outcome)).toEqual(['ok'])
  })
})
