import { type KyselyPlugin, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../src/events/event-bus.js'
import { type ReadEvent, readEventsAfter, START } from '../../src/events/events.read.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

// A live event used to cost a read of the table after its notification: most of its latency on the stream.
// Now the notification carries a small statement's events, and the bus hands them on at once when the writer
// was the oldest transaction running and nothing else is outstanding; otherwise it reads, as before. These
// tests count the bus's own statements (a plugin on its Kysely) and compare what it delivers with the table.

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A bus over a Kysely that counts the statements the bus itself sends; it polls only when told to. */
async function countingBus() {
  let statements = 0
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      statements++
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  const bus = new EventBus(t.deps.db.withPlugin(counter), t.deps.database, t.deps.logger, { pollMs: 600_000 })
  const seen: ReadEvent[] = []
  bus.subscribe({ events: (batch) => seen.push(...batch) })
  await bus.start()
  // Let the first catch-up read (which takes the fence) finish before counting.
  for (let before = -1; before !== statements; ) {
    before = statements
    await sleep(100)
  }
  return {
    bus,
    seen,
    statements: () => statements,
    resetCount: () => {
      statements = 0
    },
  }
}

async function waitFor(cond: () => boolean, what: string, state: () => string = () => '') {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(20)
  if (!cond()) throw new Error(`timed out waiting for ${what} ${state()}`)
}

const insertEvent = (type: string, payload: unknown) =>
  sql<{ id: number }>`insert into events (type, subject, actor_role, payload, created_at)
    values (${type}, 'fast-path', 'system', ${JSON.stringify(payload)}::jsonb, now()) returning id`.execute(
    t.deps.db,
  )

/** The table's own view of the events after a position: what a read would have delivered. */
const fromTable = async (ids: number[]) =>
  (await readEventsAfter(t.deps.db, START, 100_000)).filter((r) => ids.includes(r.event.id))

describe('event bus: events handed on from their notification', () => {
  it('a small event reaches the listeners without the bus reading the table, exactly as the table has it', async () => {
    const b = await countingBus()
    try {
      b.resetCount()
      const { rows } = await insertEvent('test.fast', { 名称: '香辣酱 & <b>', n: 1, nested: { a: [1, 2] } })
      const id = Number(rows[0]?.id)
      await waitFor(() => b.seen.some((r) => r.event.id === id), 'the event')
      expect(b.statements()).toBe(0)
      expect(b.seen.filter((r) => r.event.id === id)).toEqual(await fromTable([id]))
      expect(b.bus.position()).toEqual(b.seen.at(-1)?.cursor)
    } finally {
      await b.bus.stop()
    }
  })

  it('an event too large for a notification is read from the table, whole', async () => {
    const b = await countingBus()
    try {
      b.resetCount()
      const big = '检'.repeat(4000) // 12,000 bytes in UTF-8: over the 8,000 a notification carries
      const { rows } = await insertEvent('test.big', { big })
      const id = Number(rows[0]?.id)
      await waitFor(() => b.seen.some((r) => r.event.id === id), 'the large event')
      expect(b.statements()).toBeGreaterThan(0)
      const got = b.seen.find((r) => r.event.id === id)
      expect(got?.event.payload as unknown).toEqual({ big })
    } finally {
      await b.bus.stop()
    }
  })

  it('a statement of many events is read, each once and in order', async () => {
    const b = await countingBus()
    try {
      const { rows } = await sql<{
        id: number
      }>`insert into events (type, subject, actor_role, payload, created_at)
        select 'test.many', 'n' || g, 'system', '{}'::jsonb, now() from generate_series(1, 50) g
        returning id`.execute(t.deps.db)
      const ids = rows.map((r) => Number(r.id)).sort((x, y) => x - y)
      await waitFor(() => ids.every((id) => b.seen.some((r) => r.event.id === id)), 'all 50')
      expect(b.seen.filter((r) => ids.includes(r.event.id)).map((r) => r.event.id)).toEqual(ids)
    } finally {
      await b.bus.stop()
    }
  })
})

// Two transactions at once need two connections: PostgreSQL only (PGlite has one and runs them in turn).
describe.skipIf(testEngine() !== 'postgres')('event bus: an older transaction still open', () => {
  it('holds a younger writer’s event until the older commits, then delivers both in (txid, id) order', async () => {
    const b = await countingBus()
    const older = new pg.Client({ connectionString: t.testDb.url })
    await older.connect()
    try {
      await older.query('begin')
      const first = await older.query<{ id: string }>(
        `insert into events (type, subject, actor_role, payload, created_at)
         values ('test.older', 'older', 'system', '{}', now()) returning id`,
      )
      // The younger commits first: its notification says it was not the oldest, so it must wait.
      const { rows } = await insertEvent('test.younger', {})
      const youngerId = Number(rows[0]?.id)
      await sleep(300)
      expect(b.seen.some((r) => r.event.id === youngerId)).toBe(false)
      await older.query('commit')
      const olderId = Number(first.rows[0]?.id)
      await waitFor(() => b.seen.some((r) => r.event.id === youngerId), 'the younger event')
      const order = b.seen.map((r) => r.event.id).filter((id) => id === olderId || id === youngerId)
      expect(order).toEqual([olderId, youngerId])
      expect(b.seen.filter((r) => r.event.id === olderId || r.event.id === youngerId)).toEqual(
        await fromTable([olderId, youngerId]),
      )
    } finally {
      await older.end()
      await b.bus.stop()
    }
  })

  it('many writers at once: every event once, in (txid, id) order, as the table has them', async () => {
    const b = await countingBus()
    const writers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = new pg.Client({ connectionString: t.testDb.url })
        await c.connect()
        return c
      }),
    )
    try {
      const start = b.bus.position()
      await Promise.all(
        writers.map(async (c, w) => {
          for (let i = 0; i < 40; i++) {
            await c.query('begin')
            await c.query(
              `insert into events (type, subject, actor_role, payload, created_at)
               values ('test.race', $1, 'system', '{}', now())`,
              [`w${w}-${i}`],
            )
            if (i % 3 === 0) await sleep(1) // some transactions stay open while others commit
            await c.query('commit')
          }
        }),
      )
      const expected = (await readEventsAfter(t.deps.db, start ?? START, 100_000)).filter(
        (r) => (r.event.type as string) === 'test.race',
      )
      expect(expected).toHaveLength(240)
      await waitFor(
        () => b.seen.filter((r) => (r.event.type as string) === 'test.race').length >= 240,
        'all 240',
        () =>
          `${b.seen.filter((r) => (r.event.type as string) === 'test.race').length} seen, position ${b.bus.position()?.id}, last expected ${expected.at(-1)?.event.id}`,
      )
      await sleep(200)
      expect(b.seen.filter((r) => (r.event.type as string) === 'test.race')).toEqual(expected)
    } finally {
      await Promise.all(writers.map((c) => c.end()))
      await b.bus.stop()
    }
  })
})
