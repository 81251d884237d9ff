import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API, approved, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let s: Staff
let commander: string
let jinjiang: string

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

const SELLER = { name: '撤回测试超市', address: '成都市锦江区撤回路1号' }

async function record(no: string, unit = SELLER) {
  const r = await t.call('POST', `${API}/samples`, {
    token: s.sampler,
    body: {
      no,
      unit,
      foodName: '红油豆瓣',
      category: '调味品',
      sampledOn: '2026-11-20',
      items: [{ name: '苏丹红Ⅰ', result: '检出', limit: '不得检出', verdict: 'fail' }],
    },
  })
  expect(r.status, r.text).toBe(201)
}
const step = async (path: string, token: string, body: unknown = {}, status = 200) => {
  const r = await t.call('POST', `${API}${path}`, { token, body })
  expect(r.status, r.text).toBe(status)
  return r.body
}
type Case = { id: string; status: string; outcome: string | null; closeReason: string | null }
const cases = async (query = '') =>
  (await t.call('GET', `${API}/rectifications${query}`, { token: commander })).body.items as Case[]

describe('a retraction closes the cases its publication opened', () => {
  it('closes them as retracted (公告已撤回) by the publisher and reclassifies the business', async () => {
    await record('RT-1')
    const id = await approved(t, s, { number: '成市监抽检〔2026〕第701号', sampleNos: ['RT-1'] })
    await step(`/announcements/${id}/publish`, s.approver)
    const [open] = await cases()
    expect(open).toMatchObject({ status: 'open', outcome: null })
    const one = (await t.call('GET', `${API}/rectifications/${open?.id}`, { token: jinjiang })).body
    const businessId = one.business.id as string
    const before = (await t.call('GET', `${API}/businesses/${businessId}`, { token: commander })).body
    expect(before.creditClass).not.toBe('A')

    // Nothing closes while the retraction is only a draft.
    const r = await step(
      `/announcements/${id}/retract`,
      s.sampler,
      {
        number: '成市监抽检〔2026〕第701号（撤回）',
        title: '关于撤回第701号公告的公告',
        reason: '样品编号错位',
      },
      201,
    )
    await step(`/announcements/${r.id}/submit`, s.sampler)
    expect((await cases())[0]?.status).toBe('open')
    await step(`/announcements/${r.id}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    await step(`/announcements/${r.id}/approve`, s.approver, { decision: 'pass', comment: 'ok' })
    await step(`/announcements/${r.id}/publish`, s.approver)

    const [closed] = await cases()
    expect(closed).toMatchObject({ id: open?.id, status: 'closed', outcome: 'retracted' })
    expect(closed?.closeReason).toContain('公告已撤回')
    expect(closed?.closeReason).toContain('第701号（撤回）')
    // Attributable: closed by whoever published the retraction, and said so on the stream.
    const row = await t.deps.db
      .selectFrom('rectifications')
      .select('closed_by')
      .where('id', '=', open?.id ?? '')
      .executeTakeFirstOrThrow()
    const published = await t.deps.db
      .selectFrom('announcements')
      .select('published_by')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow()
    expect(row.closed_by).toBeTruthy()
    expect(row.closed_by).toBe(published.published_by)
    const ev = await t.deps.db
      .selectFrom('events')
      .select(['payload', 'actor_id'])
      .where('type', '=', 'rectification.closed')
      .where('subject', '=', open?.id ?? '')
      .executeTakeFirstOrThrow()
    expect(ev.payload).toMatchObject({ outcome: 'retracted', businessId, onTime: true })

    // The class is recomputed without the retracted failure; the public page no longer lists the case.
    const after = (await t.call('GET', `${API}/businesses/${businessId}`, { token: commander })).body
    expect(after.creditClass).toBe('A')
    const pub = await t.call('GET', `${API}/public/businesses/${businessId}`, {})
    expect(pub.body.rectifications).toEqual([])

    // A closed case takes no further step.
    const again = await t.call('POST', `${API}/rectifications/${open?.id}/close`, {
      token: jinjiang,
      body: { decision: 'rectified', reason: '已整改' },
    })
    expect(again.status).toBe(409)
  })

  it('leaves the cases of other announcements open', async () => {
    await record('RT-2')
    await record('RT-3')
    const a = await approved(t, s, { number: '成市监抽检〔2026〕第702号', sampleNos: ['RT-2'] })
    await step(`/announcements/${a}/publish`, s.approver)
    const b = await approved(t, s, { number: '成市监抽检〔2026〕第703号', sampleNos: ['RT-3'] })
    await step(`/announcements/${b}/publish`, s.approver)
    const r = await step(
      `/announcements/${a}/retract`,
      s.sampler,
      { number: '成市监抽检〔2026〕第702号（撤回）', title: '撤回', reason: '复核' },
      201,
    )
    await step(`/announcements/${r.id}/submit`, s.sampler)
    await step(`/announcements/${r.id}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    await step(`/announcements/${r.id}/approve`, s.approver, { decision: 'pass', comment: 'ok' })
    await step(`/announcements/${r.id}/publish`, s.approver)
    const open = await cases('?status=open')
    expect(open).toHaveLength(1)
    const detail = (await t.call('GET', `${API}/rectifications/${open[0]?.id}`, { token: commander })).body
    expect(detail.sample.no).toBe('RT-3')
  })

  it('a case retracted after its deadline never counts as overdue in the credit class', async () => {
    await record('RT-9', { name: '撤回逾期测试店', address: '成都市锦江区撤回路9号' })
    const a = await approved(t, s, { number: '成市监抽检〔2026〕第709号', sampleNos: ['RT-9'] })
    await step(`/announcements/${a}/publish`, s.approver)
    const details = await Promise.all(
      (await cases('?status=open')).map(
        async (c) => (await t.call('GET', `${API}/rectifications/${c.id}`, { token: commander })).body,
      ),
    )
    const detail = details.find((d) => d.sample.no === 'RT-9')
    const open = detail
    expect(detail.sample.no).toBe('RT-9')
    t.clock.set(new Date(new Date(detail.dueAt).getTime() + 2 * 86_400_000))
    const r = await step(
      `/announcements/${a}/retract`,
      s.sampler,
      { number: '成市监抽检〔2026〕第709号（撤回）', title: '撤回', reason: '复核' },
      201,
    )
    await step(`/announcements/${r.id}/submit`, s.sampler)
    await step(`/announcements/${r.id}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    await step(`/announcements/${r.id}/approve`, s.approver, { decision: 'pass', comment: 'ok' })
    await step(`/announcements/${r.id}/publish`, s.approver)
    const business = (await t.call('GET', `${API}/businesses/${detail.business.id}`, { token: commander }))
      .body
    expect(
      (await t.call('GET', `${API}/rectifications/${open?.id}`, { token: commander })).body,
    ).toMatchObject({
      status: 'closed',
      outcome: 'retracted',
    })
    expect(business.creditClass).toBe('A')
    expect(JSON.stringify(business.creditExplanation)).not.toContain('逾期')
  })
})
