import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProblemSchema } from '../../src/http/schemas.js'
import { TaskSchema } from '../../src/tasks/tasks.schema.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let commander: string
let admin: string
let jinjiang: string
let incidentId: string

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  admin = await t.token('admin')
  jinjiang = await t.token('district', { district: '510104' })
  const r = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: '改派', districts: ['510104', '510105'] },
  })
  incidentId = r.body.id
})
afterAll(() => t.close())

async function declined(district = '510104') {
  const list = await t.call(
    'GET',
    `/api/v1/tasks?incident=${incidentId}&district=${district}&status=pending`,
    {
      token: commander,
    },
  )
  const task = list.body.items[0] as { id: string; step: string }
  const r = await t.call('POST', `/api/v1/tasks/${task.id}/decline`, {
    token: commander,
    body: { reason: '辖区内无此业态' },
  })
  expect(r.status).toBe(200)
  return task
}

describe('reassigning a declined task', () => {
  it('opens a new task for another district in scope with new deadlines, linked to the declined one', async () => {
    const old = await declined()
    t.clock.advance(60_000)
    const now = t.clock.now().getTime()
    const r = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: commander,
      body: { district: '510105', ackWithin: 'PT15M', dueWithin: 'PT6H', reason: '由青羊区承办' },
    })
    expect(r.status, r.text).toBe(201)
    expect(r.headers.get('location')).toBe(`/api/v1/tasks/${r.body.id}`)
    expect(TaskSchema.safeParse(r.body).error).toBeUndefined()
    expect(r.body).toMatchObject({
      district: '510105',
      step: old.step,
      status: 'pending',
      reassignedFrom: old.id,
      ackDueAt: new Date(now + 15 * 60_000).toISOString(),
      dueAt: new Date(now + 6 * 3600_000).toISOString(),
    })
    const oldNow = await t.call('GET', `/api/v1/tasks/${old.id}`, { token: commander })
    expect(oldNow.body.status).toBe('declined')
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'task_id', 'payload', 'actor_role'])
      .where('task_id', 'in', [old.id, r.body.id])
      .orderBy('id')
      .execute()
    expect(events.map((e) => [e.type, e.task_id])).toEqual([
      ['task.created', old.id],
      ['task.declined', old.id],
      ['task.reassigned', old.id],
      ['task.created', r.body.id],
    ])
    expect(events[2]!.payload).toMatchObject({ to: r.body.id, district: '510105', reason: '由青羊区承办' })
    expect(events[3]!.payload).toMatchObject({ reassignedFrom: old.id })
    expect(events[2]!.actor_role).toBe('commander')

    // Once only.
    const again = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: admin,
      body: { reason: 'x' },
    })
    expect(again.status).toBe(409)
    expect(again.body.reassignedTo).toBe(r.body.id)
    expect(ProblemSchema.safeParse(again.body).error).toBeUndefined()
  })

  it('defaults to the same district and the step’s windows; the new task escalates like any other', async () => {
    const old = await declined()
    const r = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: admin,
      body: { reason: '重新承办' },
    })
    expect(r.status).toBe(201)
    expect(r.body.district).toBe('510104')
    expect(new Date(r.body.escalations.nextAt).getTime()).toBe(new Date(r.body.ackDueAt).getTime())
    // The district sees and acknowledges it.
    expect((await t.call('POST', `/api/v1/tasks/${r.body.id}/ack`, { token: jinjiang })).status).toBe(200)
  })

  it('refuses: not declined (409), unknown or out-of-scope district and bad windows (422, all at once)', async () => {
    const list = await t.call('GET', `/api/v1/tasks?incident=${incidentId}&status=pending`, {
      token: commander,
    })
    const pending = list.body.items[0].id
    const notDeclined = await t.call('POST', `/api/v1/tasks/${pending}/reassign`, {
      token: commander,
      body: { reason: 'x' },
    })
    expect(notDeclined.status).toBe(409)
    expect(notDeclined.body.code).toBe('invalid_state')

    const old = await declined('510105')
    const unknown = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: commander,
      body: { district: '999999', ackWithin: 'PT2H', dueWithin: 'PT1H', reason: 'x' },
    })
    expect(unknown.status).toBe(422)
    expect(unknown.body.issues.map((i: { code: string }) => i.code)).toEqual([
      'unknown_district',
      'due_before_ack',
    ])
    const outside = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: commander,
      body: { district: '510106', reason: 'x' },
    })
    expect(outside.status).toBe(422)
    expect(outside.body.issues[0].code).toBe('district_out_of_scope')
    const malformed = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: commander,
      body: { district: 'abc', ackWithin: 'P1M', dueWithin: 'PT0M', reason: '' },
    })
    expect(malformed.status).toBe(422)
    expect(malformed.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.ackWithin',
      'body.district',
      'body.dueWithin',
      'body.reason',
    ])
    // Nothing was written by the refusals.
    const linked = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('reassigned_from', '=', old.id)
      .execute()
    expect(linked).toEqual([])
  })

  it('refuses who may not: a district token (403), and an unknown task (404)', async () => {
    const old = await declined('510105')
    const r = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: jinjiang,
      body: { reason: 'x' },
    })
    expect(r.status).toBe(403)
    const missing = await t.call('POST', '/api/v1/tasks/00000000-0000-4000-8000-000000000000/reassign', {
      token: commander,
      body: { reason: 'x' },
    })
    expect(missing.status).toBe(404)
  })

  it('refuses once the incident is closed (409)', async () => {
    const old = await declined('510105')
    await t.call('POST', `/api/v1/incidents/${incidentId}/close`, {
      token: commander,
      body: { summary: 'done' },
    })
    const r = await t.call('POST', `/api/v1/tasks/${old.id}/reassign`, {
      token: commander,
      body: { reason: 'x' },
    })
    expect(r.status).toBe(409)
  })
})
