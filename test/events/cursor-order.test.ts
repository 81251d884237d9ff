import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../src/events/event-bus.js'
import type { ReadEvent } from '../../src/events/events.read.js'
import { openStream, type SseClient } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// The event cursor is (writing transaction id, event id). The reads sorted the transaction id as text (an
// `order by txid` that bound to the `txid::text as txid` of their select list: '100' before '99'), so once
// transaction ids differed in digit count a resume with Last-Event-ID skipped events for good at a batch
// boundary, and a fresh cursor (the "newest" event) landed on an old one, replaying the rest as live. The ids
// here cross a digit boundary (99 → 100), below every real transaction's.
let t: TestApp
let admin: string
const open: SseClient[] = []
const EARLY = 300
const LATE = 600

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  await sql`delete from events`.execute(t.deps.db)
  const insert = (txid: string, n: number, label: string) =>
    sql`insert into events (type, subject, actor_role, payload, created_at, txid)
        select 'test.cursor', ${label} || g, 'system', '{}'::jsonb, now(), ${txid}
        from generate_series(1, ${n}) g`.execute(t.deps.db)
  // Transaction 99 wrote the lower ids, transaction 100 the higher ones: (txid, id) order is id order.
  await insert('99', EARLY, 'early-')
  await insert('100', LATE, 'late-')
})
afterAll(async () => {
  for (const s of open) s.close()
  await t.close()
})

const allIds = async () =>
  (await t.deps.db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => Number(r.id))

describe('event cursor across a digit boundary of transaction ids', () => {
  it('a resume with Last-Event-ID delivers every event once, in order, past the 500-event batch', async () => {
    const ids = await allIds()
    expect(ids).toHaveLength(EARLY + LATE)
    const s = await openStream(`${t.baseUrl}/api/v1/stream`, { token: admin, lastEventId: 0 })
    open.push(s)
    await s.until((m) => m.length >= ids.length)
    expect(s.messages.map((m) => Number(m.id))).toEqual(ids)

    // Resuming from an event of the earlier transaction continues right after it.
    const from = ids[EARLY - 10] as number
    const resumed = await openStream(`${t.baseUrl}/api/v1/stream`, { token: admin, lastEventId: from })
    open.push(resumed)
    const rest = ids.filter((id) => id > from)
    await resumed.until((m) => m.length >= rest.length)
    expect(resumed.messages.map((m) => Number(m.id))).toEqual(rest)
  })

  it('a fresh event bus (a restart) starts at the newest event: nothing old is replayed as live', async () => {
    const ids = await allIds()
    const bus = new EventBus(t.deps.db, t.deps.database, t.deps.logger, { pollMs: 50 })
    await bus.start()
    try {
      expect(bus.position()).toEqual({ txid: 100n, id: ids.at(-1) })
      const seen: ReadEvent[] = []
      bus.subscribe({ events: (batch) => seen.push(...batch) })
      await t.token('commander') // one new event, by a real (much later) transaction
      const created = await t.deps.db
        .selectFrom('events')
        .select('id')
        .where('type', '=', 'token.created')
        .executeTakeFirstOrThrow()
      for (let i = 0; i < 500 && !seen.some((r) => r.event.id === Number(created.id)); i++) {
        bus.wake()
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(seen.map((r) => r.event.id)).toEqual([Number(created.id)])
    } finally {
      await bus.stop()
    }
  })
})
