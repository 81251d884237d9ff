import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const count = async (table: 'incidents' | 'tasks' | 'events' | 'idempotency_keys') =>
  Number(
    (
      await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('activation is all-or-nothing', () => {
  it('a database failure on the last write leaves nothing behind, and the key can be used again', async () => {
    const commander = await t.token('commander')
    // A real fault inside the transaction: the very last statement (the events) fails.
    await sql`create function refuse_activation() returns trigger language plpgsql as $$
      begin raise exception 'injected fault'; end $$`.execute(t.deps.db)
    await sql`create trigger refuse_activation before insert on events for each row
      when (new.type = 'incident.activated') execute function refuse_activation()`.execute(t.deps.db)
    const before = await Promise.all([
      count('incidents'),
      count('tasks'),
      count('events'),
      count('idempotency_keys'),
    ])

    const body = { playbook: 'sudan-red', level: 'II', title: '原子性', districts: 'all' }
    const failed = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body,
      headers: { 'idempotency-key': 'atomic-1' },
    })
    expect(failed.status).toBe(500)
    expect(failed.body.code).toBe('internal_error')
    expect(
      await Promise.all([count('incidents'), count('tasks'), count('events'), count('idempotency_keys')]),
    ).toEqual(before)

    await sql`drop trigger refuse_activation on events`.execute(t.deps.db)
    const retried = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body,
      headers: { 'idempotency-key': 'atomic-1' },
    })
    expect(retried.status).toBe(201)
    expect(await count('incidents')).toBe(before[0] + 1)
  })

  it('int8 and counts come back as numbers on this engine', async () => {
    const row = await t.deps.db
      .selectFrom('events')
      .select(['id', (eb) => eb.fn.countAll<number>().over().as('n')])
      .limit(1)
      .executeTakeFirstOrThrow()
    expect(typeof row.id).toBe('number')
    expect(typeof row.n).toBe('number')
  })
})
