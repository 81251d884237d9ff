import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, file, PUBLIC } from './helpers.js'

const API = '/api/v1'
const JINJIANG = '510104'
const QINGYANG = '510105'

let t: TestApp
let admin: string
let commander: string
let officer: string
let colleague: string
let neighbour: string
let sampler: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  admin = await t.token('admin')
  commander = await t.token('commander')
  officer = await t.token('district', { district: JINJIANG, name: '锦江区 王警官' })
  colleague = await t.token('district', { district: JINJIANG, name: '锦江区 李警官' })
  neighbour = await t.token('district', { district: QINGYANG })
  sampler = await t.token('sampler')
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })

describe('the whole way: take, accept, agreed mediation with the amount recovered', () => {
  it('the first officer owns it; the consumer sees each step without names', async () => {
    const c = await file(t, admin)
    const taken = await post(`/complaints/${c.id}/take`, officer)
    expect(taken.status).toBe(200)
    expect(taken.body.owner.name).toBe('锦江区 王警官')
    expect(taken.body.contact).toEqual({ name: '张三', phone: '13812345678' })
    // Taking again is a no-op; a colleague is refused naming the owner; another district does not see it.
    expect((await post(`/complaints/${c.id}/take`, officer)).status).toBe(200)
    const second = await post(`/complaints/${c.id}/take`, colleague)
    expect(second.status).toBe(409)
    expect(second.body.detail).toContain('王警官')
    expect((await post(`/complaints/${c.id}/take`, neighbour)).status).toBe(404)
    // Only the owner decides.
    expect((await post(`/complaints/${c.id}/decide`, colleague, { decision: 'accept' })).status).toBe(403)
    const accepted = await post(`/complaints/${c.id}/decide`, officer, { decision: 'accept' })
    expect(accepted.status).toBe(200)
    expect(accepted.body.status).toBe('accepted')
    expect(accepted.body.closeBy).toMatch(/T23:59:59\+08:00$/)
    // A complaint closes as a mediation only.
    const wrong = await post(`/complaints/${c.id}/close`, officer, { outcome: 'answered' })
    expect(wrong.status).toBe(422)
    const noAmount = await post(`/complaints/${c.id}/close`, officer, { outcome: 'agreed' })
    expect(noAmount.status).toBe(422)
    const closed = await post(`/complaints/${c.id}/close`, officer, {
      outcome: 'agreed',
      recovered: '12.5',
      note: '退货退款',
    })
    expect(closed.status).toBe(200)
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'agreed', recovered: '12.50' })
    expect(
      (await post(`/complaints/${c.id}/close`, officer, { outcome: 'agreed', recovered: '1' })).status,
    ).toBe(409)

    const status = await t.call('GET', `${PUBLIC}/${c.tracking}?code=${c.code}`)
    expect(status.body).toMatchObject({
      status: 'closed',
      outcome: 'agreed',
      recovered: '12.50',
      decision: 'accept',
    })
    expect(status.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'complaint.received',
      'complaint.taken',
      'complaint.decided',
      'complaint.closed',
    ])
    expect(status.text).not.toContain('王警官')

    // Events: on the audit trail, no personal data of the complainant.
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('subject', '=', c.tracking)
      .execute()
    expect(events.map((e) => e.type)).toContain('complaint.closed')
    const text = JSON.stringify(events)
    expect(text).not.toContain('13812345678')
    expect(text).not.toContain('张三')
  })

  it('declining names every reason from the list, in words the consumer reads', async () => {
    const c = await file(t, admin, { description: '不予受理测试' })
    await post(`/complaints/${c.id}/take`, officer)
    const bad = await post(`/complaints/${c.id}/decide`, officer, {
      decision: 'decline',
      reasons: ['no_facts', 'nope', 'huh'],
    })
    expect(bad.status).toBe(422)
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual([
      'body.reasons[1]',
      'body.reasons[2]',
    ])
    const declined = await post(`/complaints/${c.id}/decide`, officer, {
      decision: 'decline',
      reasons: ['no_facts', 'repeated'],
    })
    expect(declined.status).toBe(200)
    expect(declined.body.status).toBe('declined')
    const status = await t.call('GET', `${PUBLIC}/${c.tracking}?code=${c.code}`)
    expect(status.body.declineReasons.map((r: { code: string }) => r.code)).toEqual(['no_facts', 'repeated'])
    expect(status.body.declineReasons[0].text.zh).toContain('消费经过')
    expect((await post(`/complaints/${c.id}/decide`, officer, { decision: 'accept' })).status).toBe(409)
  })

  it('a report closes with a case decision; an enquiry is answered without a decision', async () => {
    const report = await file(t, admin, { kind: 'report', contact: null, description: '举报无证经营' })
    await post(`/complaints/${report.id}/take`, officer)
    const got = await t.call('GET', `${API}/complaints/${report.id}`, { token: commander })
    expect(got.body.anonymous).toBe(true)
    expect(got.body.contact).toBeNull()
    const closed = await post(`/complaints/${report.id}/close`, officer, { outcome: 'case_opened' })
    expect(closed.status).toBe(200)

    const enquiry = await file(t, admin, { kind: 'enquiry', description: '请问如何退货' })
    await post(`/complaints/${enquiry.id}/take`, officer)
    expect((await post(`/complaints/${enquiry.id}/decide`, officer, { decision: 'accept' })).status).toBe(409)
    expect(
      (await post(`/complaints/${enquiry.id}/close`, officer, { outcome: 'answered', note: '已电话答复' }))
        .status,
    ).toBe(200)
  })

  it('a district officer must take it before deciding; the command centre may act directly', async () => {
    const c = await file(t, admin, { description: '指挥中心直接处理' })
    expect((await post(`/complaints/${c.id}/decide`, officer, { decision: 'accept' })).status).toBe(409)
    expect((await post(`/complaints/${c.id}/decide`, commander, { decision: 'accept' })).status).toBe(200)
  })
})

describe('routing', () => {
  it('the city queue: unplaceable addresses wait for the command centre to assign them', async () => {
    const c = await file(t, admin, {
      business: { name: '流动摊贩', address: '某夜市' },
      description: '城市队列',
    })
    const queue = await t.call('GET', `${API}/complaints?queue=city`, { token: commander })
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(c.id)
    // No district sees it yet, nor can assign it.
    expect((await t.call('GET', `${API}/complaints/${c.id}`, { token: officer })).status).toBe(404)
    expect((await post(`/complaints/${c.id}/assign`, officer, { district: JINJIANG })).status).toBe(403)
    expect((await post(`/complaints/${c.id}/assign`, commander, { district: '999999' })).status).toBe(422)
    const assigned = await post(`/complaints/${c.id}/assign`, commander, { district: JINJIANG })
    expect(assigned.status).toBe(200)
    expect(assigned.body.district).toBe(JINJIANG)
    expect((await post(`/complaints/${c.id}/assign`, commander, { district: QINGYANG })).status).toBe(409)
    expect((await post(`/complaints/${c.id}/take`, officer)).status).toBe(200)
  })

  it('a transfer needs a reason, moves it to the other district and keeps the original clock', async () => {
    const c = await file(t, admin, { description: '转办测试' })
    const before = await t.call('GET', `${API}/complaints/${c.id}`, { token: commander })
    await post(`/complaints/${c.id}/take`, officer)
    expect(
      (await post(`/complaints/${c.id}/transfer`, colleague, { district: QINGYANG, reason: '不归我' }))
        .status,
    ).toBe(409)
    const noReason = await post(`/complaints/${c.id}/transfer`, officer, { district: QINGYANG })
    expect(noReason.status).toBe(422)
    t.clock.advance(2 * 86_400_000)
    const moved = await post(`/complaints/${c.id}/transfer`, officer, {
      district: QINGYANG,
      reason: '经营者实际在青羊区',
    })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({ district: QINGYANG, owner: null, decideBy: before.body.decideBy })
    expect((await t.call('GET', `${API}/complaints/${c.id}`, { token: officer })).status).toBe(404)
    expect((await post(`/complaints/${c.id}/take`, neighbour)).status).toBe(200)
  })
})

describe('reading', () => {
  it('districts see their own, masked in lists; the command centre sees all; paging visits each once', async () => {
    for (let i = 0; i < 3; i++) await file(t, admin, { description: `列表 ${i}` })
    const mine = await t.call('GET', `${API}/complaints?limit=2`, { token: officer })
    expect(mine.status).toBe(200)
    expect(mine.body.items.every((i: { district: string }) => i.district === JINJIANG)).toBe(true)
    const withContact = mine.body.items.find((i: { contact: unknown }) => i.contact !== null)
    expect(withContact.contact).toEqual({ name: '张*', phone: '138****5678' })
    const seen = new Set<string>()
    let cursor: string | null = null
    do {
      const page: { body: { items: { id: string }[]; next: string | null } } = await t.call(
        'GET',
        `${API}/complaints?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: commander },
      )
      for (const i of page.body.items) {
        expect(seen.has(i.id)).toBe(false)
        seen.add(i.id)
      }
      cursor = page.body.next
    } while (cursor)
    const total = await t.deps.db
      .selectFrom('complaints')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(seen.size).toBe(Number(total.n))
    const other = await t.call('GET', `${API}/complaints?district=${JINJIANG}`, { token: neighbour })
    expect(other.body.items.every((i: { district: string }) => i.district === QINGYANG)).toBe(true)
  })

  it('who is refused: roles outside the field, anonymous callers', async () => {
    expect((await t.call('GET', `${API}/complaints`, { token: sampler })).status).toBe(403)
    expect((await t.call('GET', `${API}/complaints`)).status).toBe(401)
    const c = await file(t, admin, { description: '无权' })
    expect((await post(`/complaints/${c.id}/take`, commander)).status).toBe(403)
    expect((await post(`/complaints/${c.id}/decide`, sampler, { decision: 'accept' })).status).toBe(403)
    expect((await post('/complaints/not-a-uuid/take', officer)).status).toBe(404)
  })
})

describe('staff intake', () => {
  it('records a call with its channel and time; the clock counts from the time received', async () => {
    const r = await post('/complaints', officer, {
      ...complaintBody({ description: '电话投诉' }),
      channel: 'phone',
      receivedAt: '2026-11-27T16:00:00+08:00',
    })
    expect(r.status).toBe(201)
    const row = await t.deps.db
      .selectFrom('complaints')
      .select(['channel', 'decide_due_at'])
      .where('tracking', '=', r.body.tracking)
      .executeTakeFirstOrThrow()
    expect(row.channel).toBe('phone')
    // Received Friday 27 November; seven working days after it: Tuesday 8 December.
    expect(new Date(row.decide_due_at).toISOString()).toBe('2026-12-08T15:59:59.000Z')
    const future = await post('/complaints', officer, {
      ...complaintBody(),
      channel: 'visit',
      receivedAt: '2027-01-01T00:00:00+08:00',
    })
    expect(future.status).toBe(422)
    expect(
      (
        await post('/complaints', sampler, {
          ...complaintBody(),
          channel: 'letter',
          receivedAt: '2026-11-27T16:00:00+08:00',
        })
      ).status,
    ).toBe(403)
  })
})
