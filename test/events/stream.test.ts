import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventSchema } from '../../src/events/event-schemas.js'
import { insertRawEvent } from '../helpers/raw-events.js'
import { secondInstance } from '../helpers/second-instance.js'
import { idsOf, openStream, type SseClient, typesOf } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

const API = '/api/v1'
const HOME = '510104'
const NEIGHBOUR = '510105'

let t: TestApp
let admin: string
let commander: string
let home: string
let neighbour: string
const open: SseClient[] = []

beforeAll(async () => {
  t = await startTestApp({ config: { STREAM_HEARTBEAT_MS: '300' } })
  admin = await t.token('admin')
  commander = await t.token('commander')
  home = await t.token('district', { district: HOME })
  neighbour = await t.token('district', { district: NEIGHBOUR })
})
afterAll(async () => {
  for (const s of open) s.close()
  await t.close()
})

async function stream(token: string, query = '', lastEventId?: string | number, base = t.baseUrl) {
  const s = await openStream(`${base}${API}/stream${query}`, { token, lastEventId })
  open.push(s)
  return s
}

async function activate(districts: string[] | 'all', title = 'stream test') {
  const r = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title, districts },
  })
  expect(r.status, r.text).toBe(201)
  return r.body.id as string
}

/** Every event of an incident in the table, in id order. */
async function eventsOf(incident: string) {
  return t.deps.db
    .selectFrom('events')
    .select(['id', 'type', 'district_code'])
    .where('incident_id', '=', incident)
    .orderBy('id')
    .execute()
}

describe('GET /api/v1/stream', () => {
  it('streams committed events as SSE with the event id, in order', async () => {
    const s = await stream(admin)
    expect(s.status).toBe(200)
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const incident = await activate([HOME])
    const expected = await eventsOf(incident)
    expect(expected.length).toBeGreaterThan(1)
    const got = await s.until((m) => m.filter((x) => x.data.incident === incident).length >= expected.length)
    const mine = got.filter((x) => x.data.incident === incident)
    expect(idsOf(mine)).toEqual(expected.map((e) => Number(e.id)))
    expect(mine[0]?.data).toMatchObject({
      type: 'incident.activated',
      incident,
      actor: { role: 'commander' },
    })
    expect(typeof mine[0]?.data.at).toBe('string')
    // The stream's event is the document's Event, the same shape as the incident timeline's.
    for (const m of mine) expect(EventSchema.safeParse(m.data).error).toBeUndefined()
    const timeline = await t.call('GET', `${API}/incidents/${incident}/events`, { token: admin })
    expect(mine.map((m) => m.data)).toEqual(timeline.body.items)
  })

  it('answers with the security headers, and refuses an unknown query parameter or a bad type (422)', async () => {
    const s = await stream(admin, '?types=task.*')
    expect(s.status).toBe(200)
    expect(s.headers.get('x-content-type-options')).toBe('nosniff')
    expect(s.headers.get('x-frame-options')).toBe('DENY')
    expect(s.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(s.headers.get('referrer-policy')).toBe('no-referrer')
    for (const q of ['?typez=task.*', '?types=task.*&since=1', '?types=Task!']) {
      const r = await t.call('GET', `${API}/stream${q}`, { token: admin })
      expect(r.status, q).toBe(422)
      expect(r.headers.get('content-type')).toMatch(/problem\+json/)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    }
    const lang = await stream(admin, '?types=task.*&lang=en')
    expect(lang.status).toBe(200)
  })

  it('sends heartbeat comments when idle (configurable interval)', async () => {
    const s = await stream(admin)
    const deadline = Date.now() + 5000
    while (!s.comments.includes('heartbeat') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    expect(s.comments).toContain('heartbeat')
  })

  it('scopes by role: a district sees its own tasks and the incidents covering it, nothing else', async () => {
    const h = await stream(home)
    const n = await stream(neighbour)
    const sampler = await stream(await t.token('sampler'))
    const a = await stream(admin)
    const c = await stream(commander)
    const scoped = await activate([HOME], 'home only')
    const wide = await activate('all', 'everyone')
    await t.call('POST', `${API}/tokens`, { token: admin, body: { name: 'tok', role: 'sampler' } })
    // A later module's event, to see that the sampling office gets its kind.
    await insertRawEvent(
      t.deps.db,
      t.clock.now(),
      {
        type: 'announcement.published',
        subject: 'A-1',
      },
      'test',
    )
    await a.until((m) => typesOf(m).includes('announcement.published'))
    const all = [...(await eventsOf(scoped)), ...(await eventsOf(wide))]
    const forHome = all.filter((e) => e.district_code === HOME || e.district_code === null)
    await h.until((m) => m.length >= forHome.length && typesOf(m).length > 0)
    await c.until((m) => typesOf(m).filter((x) => x === 'alert.issued').length >= 2)
    await sampler.until((m) => m.length >= 3)
    await n.until((m) => m.some((x) => x.data.incident === wide && x.data.type === 'incident.activated'))
    // The bus delivers in order: once the last event reached admin, it was offered to every stream.
    await new Promise((r) => setTimeout(r, 300))

    expect(idsOf(h.messages)).toEqual(forHome.map((e) => Number(e.id)))
    for (const m of n.messages) {
      expect(m.data.incident).toBe(wide)
      expect([NEIGHBOUR, null]).toContain(m.data.district)
    }
    // The sampling office sees announcements, samples and alerts: each activation now issues its public
    // alert (alert.issued), then the announcement.
    expect(typesOf(sampler.messages)).toEqual(['alert.issued', 'alert.issued', 'announcement.published'])
    expect(typesOf(a.messages)).toContain('token.created')
    expect(typesOf(c.messages)).not.toContain('token.created')
    expect(typesOf(c.messages)).toContain('task.created')
    // The command centre may not read announcements through the API, so not on the stream either.
    expect(typesOf(c.messages)).not.toContain('announcement.published')
  })

  it('?types= narrows with exact types and prefixes, and never widens a district’s scope', async () => {
    const tasksOnly = await stream(admin, '?types=task.*')
    const exact = await stream(admin, '?types=incident.activated')
    const sneaky = await stream(home, `?types=${encodeURIComponent('token.*,*,task.created')}`)
    const a = await stream(admin)
    const incident = await activate('all', 'types')
    await t.call('POST', `${API}/tokens`, { token: admin, body: { name: 'tok2', role: 'sampler' } })
    await a.until((m) => typesOf(m).includes('token.created'))
    await tasksOnly.until((m) => m.some((x) => x.data.incident === incident))
    await new Promise((r) => setTimeout(r, 300))
    expect(new Set(typesOf(tasksOnly.messages))).toEqual(new Set(['task.created']))
    expect(typesOf(exact.messages)).toEqual(['incident.activated'])
    expect(sneaky.messages.length).toBeGreaterThan(0)
    for (const m of sneaky.messages) {
      expect(m.data.type).not.toBe('token.created')
      expect([HOME, null]).toContain(m.data.district)
    }
  })

  it('refuses bad ?types= and Last-Event-ID with a problem naming each', async () => {
    const r = await t.call('GET', `${API}/stream?types=${encodeURIComponent('task.*,Bad Type,;drop')}`, {
      token: admin,
    })
    expect(r.status).toBe(422)
    expect(r.headers.get('content-type')).toMatch(/problem\+json/)
    expect(r.body.issues).toHaveLength(2)
    const l = await t.call('GET', `${API}/stream`, { token: admin, headers: { 'last-event-id': 'abc' } })
    expect(l.status).toBe(422)
    expect(l.body.issues[0].path).toBe('header.last-event-id')
    const none = await t.call('GET', `${API}/stream`)
    expect(none.status).toBe(401)
  })

  it('resumes with Last-Event-ID: exactly what was missed, then live, nothing repeated', async () => {
    const first = await stream(home)
    const one = await activate([HOME], 'before')
    await first.until((m) => m.some((x) => x.data.incident === one && x.data.type === 'task.created'))
    const expectedOne = (await eventsOf(one)).length
    await first.until((m) => m.filter((x) => x.data.incident === one).length === expectedOne)
    const last = first.messages.at(-1)?.id
    first.close()
    const missed = await activate([HOME], 'while away')
    const missedEvents = await eventsOf(missed)
    const again = await stream(home, '', last)
    await again.until((m) => m.length >= missedEvents.length)
    const live = await activate([HOME], 'after')
    const liveEvents = await eventsOf(live)
    await again.until((m) => m.length >= missedEvents.length + liveEvents.length)
    await new Promise((r) => setTimeout(r, 200))
    expect(idsOf(again.messages)).toEqual([...missedEvents, ...liveEvents].map((e) => Number(e.id)))
  })
})

describe('the server ends a stream', () => {
  const waitFor = async (what: () => boolean) => {
    const deadline = Date.now() + 10_000
    while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  }

  it('when its token is revoked: a last comment says why, and the token cannot reopen it', async () => {
    const created = await t.call('POST', `${API}/tokens`, {
      token: admin,
      body: { name: 'wallboard', role: 'commander' },
    })
    expect(created.status, created.text).toBe(201)
    const s = await stream(created.body.token)
    const other = await stream(commander)
    expect(s.status).toBe(200)
    const revoked = await t.call('DELETE', `${API}/tokens/${created.body.id}`, { token: admin })
    expect(revoked.status, revoked.text).toBe(200)
    await waitFor(() => s.ended)
    expect(s.ended).toBe(true)
    expect(s.comments).toContain('token revoked')
    // Another token's stream is untouched.
    const incident = await activate([HOME], 'after a revocation')
    await other.until((m) => m.some((x) => x.data.incident === incident))
    expect(other.ended).toBe(false)
    expect((await t.call('GET', `${API}/stream`, { token: created.body.token })).status).toBe(401)
  })
})

describe('a client that falls too far behind', () => {
  let small: TestApp
  beforeAll(async () => {
    small = await startTestApp({ config: { STREAM_MAX_BEHIND: '50' } })
  })
  afterAll(() => small.close())

  it('is ended with a comment, and resuming with Last-Event-ID loses nothing', async () => {
    const token = await small.token('admin')
    const s = await openStream(`${small.baseUrl}${API}/stream`, { token })
    open.push(s)
    const first = await small.call('POST', `${API}/incidents`, {
      token: await small.token('commander'),
      body: { playbook: 'sudan-red', level: 'IV', title: 'a burst', districts: 'all' },
    })
    expect(first.status, first.text).toBe(201)
    const deadline = Date.now() + 10_000
    while (!s.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(s.ended).toBe(true)
    expect(s.comments).toContain('too far behind')
    const written = await small.deps.db
      .selectFrom('events')
      .select('id')
      .where('incident_id', '=', first.body.id)
      .orderBy('id')
      .execute()
    expect(written.length).toBeGreaterThan(50)
    const last = s.messages.at(-1)?.id ?? '0'
    const resumed = await openStream(`${small.baseUrl}${API}/stream`, { token, lastEventId: last })
    open.push(resumed)
    const got = await resumed.until(
      (m) =>
        m.filter((x) => x.data.incident === first.body.id).length >=
        written.length - s.messages.filter((x) => x.data.incident === first.body.id).length,
    )
    const all = [...s.messages, ...got].filter((x) => x.data.incident === first.body.id)
    expect(idsOf(all)).toEqual(written.map((e) => Number(e.id)))
  })
})

describe.runIf(testEngine() === 'postgres')('across instances (PostgreSQL)', () => {
  it('an event written on one instance reaches streams on another; resume across a switch loses and repeats nothing', async () => {
    const b = await secondInstance(t)
    try {
      const onA = await stream(admin, '?types=incident.*,task.*')
      const onB = await stream(admin, '?types=incident.*,task.*', undefined, b.baseUrl)
      const first = await activate('all', 'via A')
      await onB.until((m) => m.some((x) => x.data.incident === first))
      const cut = onA.messages.length > 0 ? onA.messages : await onA.until((m) => m.length > 0)
      const lastSeen = cut.at(-1)?.id
      const seenOnA = idsOf(onA.messages)
      onA.close()
      // Written through B while the client is away, then it reconnects to B.
      const r = await fetch(`${b.baseUrl}${API}/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${commander}`, 'content-type': 'application/json' },
        body: JSON.stringify({ playbook: 'sudan-red', level: 'IV', title: 'via B', districts: 'all' }),
      })
      expect(r.status).toBe(201)
      const second = ((await r.json()) as { id: string }).id
      const resumed = await stream(admin, '?types=incident.*,task.*', lastSeen, b.baseUrl)
      // What the streams asked for: an incident's alert.issued carries its incident id but is not incident.*.
      const all = [...(await eventsOf(first)), ...(await eventsOf(second))]
        .filter((e) => e.type.startsWith('incident.') || e.type.startsWith('task.'))
        .map((e) => Number(e.id))
      await resumed.until((m) => idsOf(m).includes(all.at(-1) ?? -1))
      await new Promise((res) => setTimeout(res, 300))
      const got = [...seenOnA, ...idsOf(resumed.messages)]
      expect(new Set(got).size).toBe(got.length)
      expect([...got].sort((x, y) => x - y)).toEqual(all)
    } finally {
      await b.close()
    }
  })

  it('an id that commits after a later one is still delivered, once (no gap at the cursor)', async () => {
    const s = await stream(admin, '?types=test.*')
    if (!t.testDb.url) throw new Error('postgres')
    const slow = new pg.Client({ connectionString: t.testDb.url })
    await slow.connect()
    try {
      await slow.query('begin')
      const early = await slow.query<{ id: string }>(
        `insert into events (type, payload, created_at) values ('test.early', '{}', now()) returning id`,
      )
      await insertRawEvent(t.deps.db, t.clock.now(), { type: 'test.late' }, 'late')
      const lateId = await sql<{ id: number }>`select max(id) as id from events`.execute(t.deps.db)
      expect(Number(lateId.rows[0]?.id)).toBeGreaterThan(Number(early.rows[0]?.id))
      await new Promise((r) => setTimeout(r, 300))
      await slow.query('commit')
      await s.until((m) => m.length >= 2)
      await new Promise((r) => setTimeout(r, 300))
      expect(typesOf(s.messages).sort()).toEqual(['test.early', 'test.late'])
      // And a resume after both repeats neither.
      const resumed = await stream(admin, '?types=test.*', s.messages.at(-1)?.id)
      await new Promise((r) => setTimeout(r, 500))
      expect(resumed.messages).toEqual([])
    } finally {
      await slow.end()
    }
  })
})

/**
 * A transaction with an xid, open in another database of the same server (the `postgres` database): it holds
 * the server-wide xmin back, as another test file's transaction does on CI. Returns how to end it.
 */
async function openTransactionElsewhere(url: string | undefined): Promise<() => Promise<void>> {
  const other = new pg.Client({ connectionString: (url ?? '').replace(/\/[^/?]*(\?|$)/, '/postgres$1') })
  await other.connect()
  await other.query('begin')
  await other.query('select pg_current_xact_id()')
  return async () => {
    await other.query('rollback').catch(() => {})
    await other.end()
  }
}

describe.runIf(testEngine() === 'postgres')('a transaction open in another database (PostgreSQL)', () => {
  it('does not hold the stream back: a new event still arrives within the poll', async () => {
    // Polling off, so only the notification can deliver it: the bus's one-statement read stops at the
    // server-wide xmin, which the open transaction holds, and the exact horizon must take over.
    const q = await startTestApp({ config: { EVENT_POLL_MS: '60000' } })
    const end = await openTransactionElsewhere(t.testDb.url)
    try {
      const s = await openStream(`${q.baseUrl}${API}/stream?types=test.*`, { token: await q.token('admin') })
      open.push(s)
      await insertRawEvent(q.deps.db, q.clock.now(), { type: 'test.while_held' }, 'held')
      await s.until((m) => m.length >= 1)
      expect(typesOf(s.messages)).toEqual(['test.while_held'])
    } finally {
      await end()
      await q.close()
    }
  })
})

describe.runIf(testEngine() === 'postgres')('LISTEN connection lost (PostgreSQL)', () => {
  it('reconnects and catches up from the table: an event committed while it was down still arrives', async () => {
    // Polling off (60 s), so only the reconnect can deliver what was missed.
    const q = await startTestApp({ config: { EVENT_POLL_MS: '60000' } })
    try {
      const token = await q.token('admin')
      const s = await openStream(`${q.baseUrl}${API}/stream?types=test.*`, { token })
      open.push(s)
      const terminated = await sql<{ n: number }>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and query ilike 'listen %'`.execute(q.deps.db)
      expect(terminated.rows[0]?.n).toBe(1)
      await insertRawEvent(
        q.deps.db,
        q.clock.now(),
        {
          type: 'test.while_down',
        },
        'gap',
      )
      await s.until((m) => typesOf(m).includes('test.while_down'), 10_000)
      await insertRawEvent(q.deps.db, q.clock.now(), { type: 'test.after' }, 'gap')
      await s.until((m) => typesOf(m).includes('test.after'), 10_000)
      expect(typesOf(s.messages)).toEqual(['test.while_down', 'test.after'])
    } finally {
      await q.close()
    }
  })

  // The catch-up read after a reconnect used the server-wide horizon, so a transaction open in another
  // database (another test file on CI) held the missed event back until the 60 s poll; nothing had announced
  // it, so nothing made the bus read with this database's own horizon.
  it('catches up after a reconnect while a transaction in another database is open', async () => {
    const q = await startTestApp({ config: { EVENT_POLL_MS: '60000' } })
    const end = await openTransactionElsewhere(q.testDb.url)
    try {
      const s = await openStream(`${q.baseUrl}${API}/stream?types=test.*`, { token: await q.token('admin') })
      open.push(s)
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and query ilike 'listen %'`.execute(q.deps.db)
      await insertRawEvent(q.deps.db, q.clock.now(), { type: 'test.while_down' }, 'gap')
      await s.until((m) => typesOf(m).includes('test.while_down'), 10_000)
      await insertRawEvent(q.deps.db, q.clock.now(), { type: 'test.after' }, 'gap')
      await s.until((m) => typesOf(m).includes('test.after'), 10_000)
      expect(typesOf(s.messages)).toEqual(['test.while_down', 'test.after'])
    } finally {
      await end()
      await q.close()
    }
  })
})
