import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepRectificationDeadlines } from '../../src/rectifications/rectification-deadline.job.js'
import { API, approved, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let s: Staff
let commander: string
let jinjiang: string
let chenghua: string

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  chenghua = await t.token('district', { district: '510108' })
})
afterAll(() => t.close())

const SELLER = { name: '整改测试超市', address: '成都市锦江区整改路1号' }
const PRODUCER = { name: '整改测试食品厂', address: '四川省成都市新都区工业大道8号' }

async function record(no: string, verdict: 'pass' | 'fail', unit = SELLER, producer = PRODUCER) {
  const r = await t.call('POST', `${API}/samples`, {
    token: s.sampler,
    body: {
      no,
      unit,
      producer,
      foodName: '香辣牛肉酱',
      category: '调味品',
      sampledOn: '2026-11-20',
      items: [
        {
          name: '苯甲酸及其钠盐',
          result: verdict === 'fail' ? '1.8g/kg' : '0.1g/kg',
          limit: '≤1.0g/kg',
          verdict,
        },
      ],
    },
  })
  expect(r.status, r.text).toBe(201)
}
async function publish(number: string, sampleNos: string[], exercise = false) {
  const id = await approved(t, s, { number, sampleNos, exercise })
  const r = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  expect(r.status, r.text).toBe(200)
}
const list = async (token: string, query = '') => {
  const r = await t.call('GET', `${API}/rectifications${query}`, { token })
  expect(r.status, r.text).toBe(200)
  return r.body.items as { id: string; role: string; district: string; business: { id: string } }[]
}
const post = (token: string, id: string, step: string, body: unknown) =>
  t.call('POST', `${API}/rectifications/${id}/${step}`, { token, body })

let sellerCase: string
let producerCase: string
let producerId: string

describe('a published failing sample opens rectification cases', () => {
  it('one for the seller in its district and one for the in-city producer; a drill opens none', async () => {
    await record('RX-D', 'fail')
    await publish('整改演练〔2026〕第1号', ['RX-D'], true)
    expect(await list(commander)).toHaveLength(0)

    await record('RX-1', 'fail')
    // A producer outside the city gets no case.
    await record(
      'RX-2',
      'fail',
      { name: '整改另一超市', address: '成都市成华区二仙桥1号' },
      {
        name: '外地食品厂',
        address: '广东省佛山市某镇',
      },
    )
    await publish('成市监抽检〔2026〕第301号', ['RX-1', 'RX-2'])
    const all = await list(commander)
    expect(all.map((c) => [c.role, c.district]).sort()).toEqual([
      ['producer', '510114'],
      ['seller', '510104'],
      ['seller', '510108'],
    ])
    sellerCase = all.find((c) => c.district === '510104')?.id ?? ''
    const p = all.find((c) => c.role === 'producer')
    producerCase = p?.id ?? ''
    producerId = p?.business.id ?? ''
    const one = await t.call('GET', `${API}/rectifications/${sellerCase}`, { token: jinjiang })
    expect(one.status, one.text).toBe(200)
    expect(one.body).toMatchObject({
      status: 'open',
      overdue: false,
      failedItems: ['苯甲酸及其钠盐'],
      sample: { no: 'RX-1' },
    })
    expect(one.body.measuresRequired.length).toBeGreaterThan(0)
    expect(one.body.dueAt > one.body.openedAt).toBe(true)
  })

  it('a district officer sees only their district’s cases; others are refused', async () => {
    expect((await list(jinjiang)).map((c) => c.district)).toEqual(['510104'])
    expect((await list(commander, '?status=open&district=510108')).map((c) => c.district)).toEqual(['510108'])
    expect((await t.call('GET', `${API}/rectifications/${sellerCase}`, { token: chenghua })).status).toBe(403)
    expect((await post(chenghua, sellerCase, 'statement', { cause: 'x', measures: 'y' })).status).toBe(403)
    expect((await t.call('GET', `${API}/rectifications`, { token: s.sampler })).status).toBe(403)
    expect((await t.call('GET', `${API}/rectifications`, {})).status).toBe(401)
    expect((await t.call('GET', `${API}/rectifications?status=sideways`, { token: commander })).status).toBe(
      422,
    )
  })
})

describe('the district records the case and a passing re-sample closes it', () => {
  it('records the meeting, the stated cause and measures, and evidence', async () => {
    const m = await post(jinjiang, sellerCase, 'meeting', {
      date: '2026-12-01',
      attendees: ['店长 王某', '锦江所 李某'],
    })
    expect(m.status, m.text).toBe(200)
    expect(m.body.meeting).toEqual({ date: '2026-12-01', attendees: ['店长 王某', '锦江所 李某'] })
    const st = await post(jinjiang, sellerCase, 'statement', {
      cause: '供货商超量使用防腐剂',
      measures: '更换供货商，下架同批次',
    })
    expect(st.status, st.text).toBe(200)
    expect(st.body).toMatchObject({ cause: '供货商超量使用防腐剂', measuresTaken: '更换供货商，下架同批次' })
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100),
    ])
    const ev = await post(jinjiang, sellerCase, 'evidence', {
      note: '下架照片',
      file: { name: '下架.png', contentType: 'image/png', base64: png.toString('base64') },
    })
    expect(ev.status, ev.text).toBe(200)
    expect(ev.body.evidence).toEqual([
      expect.objectContaining({
        note: '下架照片',
        fileName: '下架.png',
        contentType: 'image/png',
        size: 108,
      }),
    ])
    const stored = await t.deps.db
      .selectFrom('rectification_evidence')
      .select('content')
      .executeTakeFirstOrThrow()
    expect(Buffer.from(stored.content ?? []).equals(png)).toBe(true)
  })

  it('refuses evidence over the limit, of a type not allowed, or not what it says it is', async () => {
    const big = Buffer.alloc(600 * 1024, 0x41)
    const over = await post(jinjiang, sellerCase, 'evidence', {
      file: { name: 'big.txt', contentType: 'text/plain', base64: big.toString('base64') },
    })
    expect(over.status, over.text).toBe(422)
    expect(over.text).toContain('524288')
    const exe = await post(jinjiang, sellerCase, 'evidence', {
      file: { name: 'x.exe', contentType: 'application/x-msdownload', base64: 'TVqQAAMAAAAEAAAA' },
    })
    expect(exe.status).toBe(422)
    expect(exe.text).toContain('application/x-msdownload')
    const fake = await post(jinjiang, sellerCase, 'evidence', {
      file: { name: 'x.png', contentType: 'image/png', base64: Buffer.from('hello').toString('base64') },
    })
    expect(fake.status).toBe(422)
    expect((await post(jinjiang, sellerCase, 'evidence', {})).status).toBe(422)
    expect((await post(jinjiang, sellerCase, 'meeting', { date: 'yesterday', attendees: [] })).status).toBe(
      422,
    )
  })

  it('refuses a re-sample of another business, a failing one leaves it open, a passing one closes it', async () => {
    await record('RX-3', 'pass', { name: '别家超市', address: '成都市锦江区别处2号' })
    const other = await post(jinjiang, sellerCase, 'resample', { sampleNo: 'RX-3' })
    expect(other.status, other.text).toBe(422)
    expect(other.text).toContain('别家超市')
    expect(other.body.errors?.[0]?.code ?? other.body.issues?.[0]?.code ?? other.text).toContain(
      'other_business',
    )
    expect((await post(jinjiang, sellerCase, 'resample', { sampleNo: 'RX-1' })).status).toBe(422)
    expect((await post(jinjiang, sellerCase, 'resample', { sampleNo: 'NOPE' })).status).toBe(422)
    await record('RX-4', 'fail')
    expect((await post(jinjiang, sellerCase, 'resample', { sampleNo: 'RX-4' })).status).toBe(409)
    await record('RX-5', 'pass')
    const closed = await post(jinjiang, sellerCase, 'resample', { sampleNo: 'RX-5' })
    expect(closed.status, closed.text).toBe(200)
    expect(closed.body).toMatchObject({
      status: 'closed',
      outcome: 'resample_passed',
      resampleNo: 'RX-5',
      overdue: false,
    })
    expect(
      (await post(jinjiang, sellerCase, 'close', { decision: 'rectified', reason: '再关一次' })).status,
    ).toBe(409)
    const events = await t.deps.db
      .selectFrom('events')
      .select('type')
      .where('subject', '=', sellerCase)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.type)).toEqual([
      'rectification.opened',
      'rectification.meeting_recorded',
      'rectification.statement_recorded',
      'rectification.evidence_added',
      'rectification.closed',
    ])
  })
})

describe('an overdue case escalates and counts against the class; a refusal too', () => {
  it('escalates up the ladder once per rung, then a refusal closes it and the public page says so', async () => {
    expect(await sweepRectificationDeadlines(t.deps)).toEqual({ fired: 0 })
    t.clock.set(new Date('2027-01-20T02:00:00Z'))
    expect((await sweepRectificationDeadlines(t.deps)).fired).toBeGreaterThanOrEqual(1)
    await sweepRectificationDeadlines(t.deps)
    await sweepRectificationDeadlines(t.deps)
    const fired = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'rectification.escalated')
      .where('subject', '=', producerCase)
      .orderBy('id')
      .execute()
    expect(fired.map((e) => (e.payload as { notify: string }).notify)).toEqual([
      'district_head',
      'command_centre',
    ])
    // Whom to notify, never a name or phone: a gateway's webhook looks the contact up at delivery.
    for (const e of fired) {
      expect(e.payload).not.toHaveProperty('contact')
      expect(e.payload).toHaveProperty('district')
    }
    const overdue = (await t.call('GET', `${API}/businesses/${producerId}`, { token: commander })).body
    expect(overdue.creditExplanation.map((l: { zh: string }) => l.zh).join('\n')).toContain('整改逾期')
    expect(await list(commander, '?status=overdue')).toHaveLength(2)

    expect((await post(commander, producerCase, 'close', { decision: 'refused' })).status).toBe(422)
    const refused = await post(commander, producerCase, 'close', {
      decision: 'refused',
      reason: '企业拒不整改',
    })
    expect(refused.status, refused.text).toBe(200)
    expect(refused.body).toMatchObject({ status: 'closed', outcome: 'refused', closeReason: '企业拒不整改' })
    const after = (await t.call('GET', `${API}/businesses/${producerId}`, { token: commander })).body
    expect(after.creditExplanation.map((l: { zh: string }) => l.zh).join('\n')).toContain('整改被拒绝')
    const pub = await t.call('GET', `${API}/public/businesses/${producerId}`, {})
    expect(pub.status, pub.text).toBe(200)
    expect(pub.body.rectifications).toEqual([
      expect.objectContaining({ sampleNo: 'RX-1', status: 'closed', outcome: 'refused' }),
    ])
    const page = await t.call('GET', `/businesses/${producerId}`, {})
    expect(page.text).toContain('拒不整改')
  })

  it('a merge of the business carries its cases to the record that stays', async () => {
    const keep = await t.call('POST', `${API}/businesses`, {
      token: s.admin,
      body: { name: '整改测试食品厂（新登记）', address: '成都市新都区工业大道8号附1号', district: '510114' },
    })
    expect(keep.status, keep.text).toBe(201)
    const merged = await t.call('POST', `${API}/businesses/${producerId}/merge`, {
      token: s.admin,
      body: { into: keep.body.id, reason: '同一企业两条记录' },
    })
    expect(merged.status, merged.text).toBe(200)
    const cases = await list(commander, `?business=${keep.body.id}`)
    expect(cases.map((c) => c.id)).toEqual([producerCase])
  })
})
