import { sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { up as backfill } from '../../db/migrations/2026-12-08T12-00-00-event-exercise.js'
import { ManualClock } from '../../src/clock.js'
import { EventSchema } from '../../src/events/event-schemas.js'
import { runWebhookDelivery } from '../../src/webhooks/webhook-delivery.job.js'
import { API, approved, FAILING, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { insertRawEvent } from '../helpers/raw-events.js'
import { type Receiver, startReceiver } from '../helpers/receiver.js'
import { openStream, type SseClient, type SseMessage } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const HOME = '510104'
const NEIGHBOUR = '510105'

let t: TestApp
let s: Staff
let commander: string
let officer: string
let rx: Receiver
let secret: string
let live: SseClient

const call = async (method: string, path: string, token: string, body?: unknown, status = 200) => {
  const r = await t.call(method, `${API}${path}`, { token, body })
  expect(r.status, `${method} ${path}: ${r.text}`).toBe(status)
  return r.body
}

const marked = (type: string) =>
  (type.startsWith('incident.') || type.startsWith('task.')) && type !== 'task.escalated'

beforeAll(async () => {
  // Starts at the wall time: the webhook signature's timestamp is checked against it.
  t = await startTestApp({ clock: new ManualClock(new Date()) })
  s = await staff(t)
  commander = await t.token('commander', { name: '指挥中心 值班' })
  officer = await t.token('district', { district: HOME, name: '锦江 周敏' })
  rx = await startReceiver()
  const hook = await call(
    'POST',
    '/webhooks',
    s.admin,
    { url: rx.url, events: ['incident.*', 'task.*'] },
    201,
  )
  secret = hook.secret
  live = await openStream(`${t.baseUrl}${API}/stream`, { token: s.admin })
  expect(live.status).toBe(200)
})
afterAll(async () => {
  live?.close()
  await rx?.close()
  await t.close()
})

/** Every task and incident verb once over an incident activated by hand: all the event types they write. */
async function exerciseEveryVerb(incident: string) {
  const tasks = (await call('GET', `/tasks?incident=${incident}&district=${HOME}`, commander)).items as {
    id: string
    step: string
  }[]
  const byStep = (step: string) => tasks.find((x) => x.step === step)!.id
  const worked = byStep('activate-response')
  await call('POST', `/tasks/${worked}/ack`, officer)
  const report = await call(
    'POST',
    `/tasks/${worked}/reports`,
    officer,
    { figures: { staff_deployed: 4 } },
    201,
  )
  const reportId = (report.report ?? report).id as string
  await call(
    'POST',
    `/tasks/${worked}/reports/${reportId}/corrections`,
    officer,
    { figures: { staff_deployed: 3 }, reason: '多报了 1 人' },
    201,
  )
  await call('POST', `/tasks/${worked}/complete`, officer, {})
  const declined = byStep('notify-operators')
  await call('POST', `/tasks/${declined}/ack`, officer)
  await call('POST', `/tasks/${declined}/start`, officer)
  await call('POST', `/tasks/${declined}/decline`, officer, { reason: '非本区辖区' })
  await call(
    'POST',
    `/tasks/${declined}/reassign`,
    commander,
    { district: NEIGHBOUR, reason: '由青羊区承办' },
    201,
  )
  await call('POST', `/tasks/${byStep('sweep-outlets')}/cancel`, commander, { reason: '重复任务' })
  await call('POST', `/incidents/${incident}/level`, commander, { level: 'III', reason: '扩大排查' })
  await call('POST', `/incidents/${incident}/level`, commander, { level: 'IV', reason: '风险可控' })
  await call('POST', `/incidents/${incident}/close`, commander, { summary: '处置完毕' })
}

const activate = async (exercise: boolean) =>
  (
    await call(
      'POST',
      '/incidents',
      commander,
      {
        playbook: 'sudan-red',
        level: 'IV',
        title: exercise ? '苏丹红演练' : '苏丹红处置',
        districts: [HOME, NEIGHBOUR],
        exercise,
      },
      201,
    )
  ).id as string

async function recorded(incident: string) {
  return t.deps.db
    .selectFrom('events')
    .select(['id', 'type'])
    .where('incident_id', '=', incident)
    .orderBy('id')
    .execute()
}

function verified(r: { headers: Record<string, unknown>; body: string }) {
  const headers = {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }
  // biome-ignore lint/suspicious/noExplicitAny: the verified body is inspected field by field
  return new Webhook(secret).verify(r.body, headers) as any
}

describe('演练 on every incident and task event', () => {
  it('an exercise and a real incident: every event says which, on the stream and in webhook bodies', async () => {
    const drill = await activate(true)
    await exerciseEveryVerb(drill)
    const real = await activate(false)
    await exerciseEveryVerb(real)
    const events = [...(await recorded(drill)), ...(await recorded(real))].filter((e) => marked(e.type))
    // Every verb over tasks and incidents wrote its kind (escalation's own event is not among them).
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'incident.activated',
        'incident.level_raised',
        'incident.level_lowered',
        'incident.closed',
        'task.created',
        'task.acknowledged',
        'task.started',
        'task.reported',
        'task.report_corrected',
        'task.completed',
        'task.declined',
        'task.reassigned',
        'task.cancelled',
      ]),
    )
    const want = (m: { incident: string }) => m.incident === drill
    const ours = (m: SseMessage) =>
      (m.data.incident === drill || m.data.incident === real) && marked(m.data.type)
    const streamed = (await live.until((m) => m.filter(ours).length >= events.length)).filter(ours)
    expect(streamed).toHaveLength(events.length)
    for (const m of streamed) {
      expect(m.data.payload.exercise, `${m.data.type} on the stream`).toBe(want(m.data))
      expect(EventSchema.safeParse(m.data).error).toBeUndefined()
    }
    expect(streamed.filter((m) => m.data.payload.exercise).length).toBeGreaterThan(10)
    expect(streamed.filter((m) => !m.data.payload.exercise).length).toBeGreaterThan(10)

    const run = await runWebhookDelivery(t.deps)
    expect(run.failed).toBe(0)
    const bodies = rx
      .accepted()
      .map(verified)
      .filter((b) => b.data.incident === drill || b.data.incident === real)
    expect(bodies.map((b) => b.data.id).sort()).toEqual(events.map((e) => Number(e.id)).sort())
    for (const b of bodies) expect(b.data.payload.exercise, `${b.type} by webhook`).toBe(want(b.data))
  })

  it('a disposal task of an exercise announcement: the per-sample record and its correction say 演练', async () => {
    await importFixtures(t, s.sampler)
    const id = await approved(t, s, {
      number: '成市监抽检〔2026〕演练1号',
      sampleNos: FAILING,
      exercise: true,
    })
    const published = await call('POST', `/announcements/${id}/publish`, s.approver, {})
    const incident = published.incidentId as string
    const tasks = (await call('GET', `/tasks?incident=${incident}&district=${HOME}`, commander)).items as {
      id: string
      step: string
    }[]
    const task = tasks.find((x) => x.step === 'remove-from-shelves')!.id
    await call('POST', `/tasks/${task}/ack`, officer)
    const sheet = await call('GET', `/tasks/${task}`, officer)
    const sample = sheet.shops[0].samples[0].id as string
    const record = await call('POST', `/tasks/${task}/disposals`, officer, { sample, unitsRemoved: 5 }, 201)
    const recordId = (record.report ?? record).id as string
    await call(
      'POST',
      `/tasks/${task}/reports/${recordId}/corrections`,
      officer,
      { figures: { units_removed: 4 }, reason: '多数了 1 件' },
      201,
    )
    const events = (await recorded(incident)).filter((e) => marked(e.type))
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['task.disposal_recorded', 'task.report_corrected', 'incident.activated']),
    )
    const ours = (m: SseMessage) => m.data.incident === incident && marked(m.data.type)
    const streamed = (await live.until((m) => m.filter(ours).length >= events.length)).filter(ours)
    expect(streamed).toHaveLength(events.length)
    for (const m of streamed) {
      expect(m.data.payload.exercise, m.data.type).toBe(true)
      expect(EventSchema.safeParse(m.data).error).toBeUndefined()
    }
  })

  it('events written before the field existed get it from their incident (the migration’s backfill)', async () => {
    const drill = await activate(true)
    const at = t.clock.now()
    await insertRawEvent(t.deps.db, at, {
      type: 'task.started',
      incidentId: drill,
      payload: { step: 'activate-response', to: 'in_progress' },
    })
    await insertRawEvent(t.deps.db, at, {
      type: 'task.escalated',
      incidentId: drill,
      payload: { step: 'activate-response' },
    })
    await backfill(t.deps.db as never)
    const rows = await t.deps.db
      .selectFrom('events')
      .select(['type', sql<Record<string, unknown>>`payload`.as('payload')])
      .where('incident_id', '=', drill)
      .where('type', 'in', ['task.started', 'task.escalated'])
      .execute()
    expect(rows.find((r) => r.type === 'task.started')?.payload).toEqual({
      step: 'activate-response',
      to: 'in_progress',
      exercise: true,
    })
    // The escalation sweep marks its own event; the backfill leaves it alone.
    expect(rows.find((r) => r.type === 'task.escalated')?.payload).toEqual({ step: 'activate-response' })
  })
})
