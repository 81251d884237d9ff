import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

// With the database frozen, requests held their connection for 40 s and then committed after the client
// had gone. Now a statement is cancelled after DB_STATEMENT_TIMEOUT_MS and a request waits at most
// DB_ACQUIRE_TIMEOUT_MS for a connection: 503 problem+json with Retry-After, nothing written.
// PostgreSQL only: PGlite has one in-process connection and no server-side statement timeout.
describe.skipIf(testEngine() !== 'postgres')('database timeouts', () => {
  let t: TestApp
  let commander: string
  let district: string
  let incidentId: string

  beforeAll(async () => {
    t = await startTestApp({
      poolSize: 1,
      database: { statementTimeoutMillis: 300, acquireTimeoutMillis: 300 },
    })
    commander = await t.token('commander')
    district = await t.token('district', { district: '510104' })
    const r = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'x', districts: ['510104'] },
    })
    expect(r.status).toBe(201)
    incidentId = r.body.id
  })
  afterAll(() => t?.close())

  const expectUnavailable = (r: { status: number; headers: Headers; body: { code?: string } }) => {
    expect(r.status).toBe(503)
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(r.body.code).toBe('service_unavailable')
  }

  it('cancels a statement stuck behind a lock: 503, and the change is not written', async () => {
    const list = await t.call('GET', `/api/v1/tasks?incident=${incidentId}`, { token: district })
    const task = list.body.items[0] as { id: string }
    // Another session holds the task row, as a frozen or slow transaction would.
    const other = new pg.Client({ connectionString: t.testDb.url })
    await other.connect()
    try {
      await other.query('begin')
      await other.query('select id from tasks where id = $1 for update', [task.id])
      expectUnavailable(await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: district }))
    } finally {
      await other.query('rollback')
      await other.end()
    }
    const row = await t.deps.db
      .selectFrom('tasks')
      .select(['status', 'acknowledged_at'])
      .where('id', '=', task.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'pending', acknowledged_at: null })
    const events = await t.deps.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'task.acknowledged')
      .execute()
    expect(events).toHaveLength(0)
    // Once the lock is gone the same request goes through.
    expect((await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: district })).status).toBe(200)
  })

  it('gives up waiting for a pooled connection: 503, and nothing is written', async () => {
    const before = await t.deps.db.selectFrom('incidents').select('id').execute()
    // Hold the pool's only connection while the request runs.
    const r = await t.deps.db.connection().execute(() =>
      t.call('POST', '/api/v1/incidents', {
        token: commander,
        body: { playbook: 'sudan-red', level: 'IV', title: 'y', districts: ['510104'] },
      }),
    )
    expectUnavailable(r)
    expect(await t.deps.db.selectFrom('incidents').select('id').execute()).toHaveLength(before.length)
  })
})
