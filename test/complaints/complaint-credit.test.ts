import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, PUBLIC } from './helpers.js'

const API = '/api/v1'

let t: TestApp
let admin: string
let commander: string
let jinjiang: string
let qingyang: string
let sampler: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  admin = await t.token('admin')
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  qingyang = await t.token('district', { district: '510105' })
  sampler = await t.token('sampler')
})
afterAll(() => t.close())

const SHOP = { name: '某某超市春熙路店', address: '成都市锦江区春熙路1号' }

async function fileAbout(business: unknown, over: Record<string, unknown> = {}) {
  const r = await t.call('POST', PUBLIC, { body: complaintBody({ business, ...over }) })
  expect(r.status, r.text).toBe(201)
  const row = await t.deps.db
    .selectFrom('complaints')
    .select(['id', 'business_id'])
    .where('tracking', '=', r.body.tracking)
    .executeTakeFirstOrThrow()
  return { tracking: r.body.tracking as string, id: row.id, businessId: row.business_id }
}

const post = (path: string, token: string, body?: unknown) =>
  t.call('POST', `${API}${path}`, { token, ...(body !== undefined && { body }) })

/** Takes (as the district officer), accepts if needed and closes with the outcome. */
async function close(id: string, outcome: string, kind = 'complaint') {
  expect((await post(`/complaints/${id}/take`, jinjiang)).status).toBe(200)
  if (kind === 'complaint')
    expect((await post(`/complaints/${id}/decide`, jinjiang, { decision: 'accept' })).status).toBe(200)
  const r = await post(`/complaints/${id}/close`, jinjiang, {
    outcome,
    ...(outcome === 'agreed' && { recovered: '12.50' }),
  })
  expect(r.status, r.text).toBe(200)
}

const credit = async (businessId: string) =>
  (await t.call('GET', `${API}/businesses/${businessId}`, { token: commander })).body

describe('complaints link to the register of businesses', () => {
  it('public and staff intake find or make the business by normalised name and address', async () => {
    const first = await fileAbout(SHOP, { description: '第一件' })
    expect(first.businessId).toMatch(/^[0-9a-f-]{36}$/)
    // Full-width letters and extra spaces are the same business.
    const second = await fileAbout(
      { name: ' 某某超市　春熙路店 ', address: '成都市锦江区春熙路１号' },
      { description: '第二件' },
    )
    expect(second.businessId).toBe(first.businessId)
    const staff = await t.call('POST', `${API}/complaints`, {
      token: jinjiang,
      body: {
        ...complaintBody({ business: SHOP, description: '电话投诉' }),
        channel: 'phone',
        receivedAt: '2026-11-30T08:30:00+08:00',
      },
    })
    expect(staff.status, staff.text).toBe(201)
    const read = await t.call('GET', `${API}/complaints?limit=50`, { token: commander })
    const staffRow = read.body.items.find((c: { tracking: string }) => c.tracking === staff.body.tracking)
    expect(staffRow.business.id).toBe(first.businessId)
    // A placeholder name is no business; no business named, none linked.
    const none = await fileAbout({ name: '无', address: '成都市锦江区某路9号' }, { description: '占位' })
    expect(none.businessId).toBeNull()
    const enquiry = await t.call('POST', PUBLIC, {
      body: { kind: 'enquiry', description: '请问如何查询抽检结果', contact: { phone: '13812345678' } },
    })
    expect(enquiry.status, enquiry.text).toBe(201)
    const business = await t.deps.db
      .selectFrom('businesses')
      .select(['name', 'district_code'])
      .where('id', '=', first.businessId!)
      .executeTakeFirstOrThrow()
    expect(business).toEqual({ name: SHOP.name, district_code: '510104' })
  })

  it('the business lists its complaints, without personal data; a district sees its own; roles without complaints none', async () => {
    const [c] = await t.deps.db
      .selectFrom('complaints')
      .select('business_id')
      .where('business_name', '=', SHOP.name)
      .execute()
    const id = c!.business_id!
    const full = await t.call('GET', `${API}/businesses/${id}`, { token: commander })
    expect(full.status).toBe(200)
    expect(full.body.complaints).toHaveLength(3)
    expect(full.body.complaints[0]).toMatchObject({
      kind: 'complaint',
      district: '510104',
      product: '香辣辣椒酱',
    })
    expect(full.text).not.toContain('13812345678')
    expect(full.text).not.toContain('张三')
    expect(
      (await t.call('GET', `${API}/businesses/${id}`, { token: jinjiang })).body.complaints,
    ).toHaveLength(3)
    expect((await t.call('GET', `${API}/businesses/${id}`, { token: qingyang })).body.complaints).toEqual([])
    expect((await t.call('GET', `${API}/businesses/${id}`, { token: sampler })).body.complaints).toEqual([])
  })
})

describe('merging businesses', () => {
  it('the complaints of the merged record follow to the business that stays', async () => {
    const a = await fileAbout(
      { name: '老字号酱园', address: '成都市锦江区总府路5号' },
      { description: '合并一' },
    )
    const b = await fileAbout(
      { name: '老字号酱园总店', address: '成都市锦江区总府路5号' },
      { description: '合并二' },
    )
    expect(a.businessId).not.toBe(b.businessId)
    const merged = await t.call('POST', `${API}/businesses/${b.businessId}/merge`, {
      token: admin,
      body: { into: a.businessId, reason: '同一经营者' },
    })
    expect(merged.status, merged.text).toBe(200)
    const row = await t.call('GET', `${API}/complaints/${b.id}`, { token: commander })
    expect(row.body.business.id).toBe(a.businessId)
    const into = await t.call('GET', `${API}/businesses/${a.businessId}`, { token: commander })
    expect(into.body.complaints.map((c: { tracking: string }) => c.tracking).sort()).toEqual(
      [a.tracking, b.tracking].sort(),
    )
  })
})

describe('upheld complaints in the credit class', () => {
  it('an agreed mediation counts, in words, reclassifying in the closing transaction; two move A to B', async () => {
    const shop = { name: '诚信便利店', address: '成都市锦江区红星路2号' }
    const a = await fileAbout(shop, { description: '过期食品一' })
    const b = await fileAbout(shop, { description: '过期食品二' })
    const c = await fileAbout(shop, { description: '过期食品三' })
    const id = a.businessId!
    // Not classified until something counts (or classified A): no complaint line yet.
    const before = await credit(id)
    expect(before.creditClass ?? 'A').toBe('A')
    expect(JSON.stringify(before.creditExplanation)).not.toContain('投诉')

    // A mediation without agreement does not count.
    await close(c.id, 'not_agreed')
    expect(JSON.stringify((await credit(id)).creditExplanation)).not.toContain('调解达成')

    await close(a.id, 'agreed')
    let now = await credit(id)
    expect(now.creditClass).toBe('A')
    expect(now.creditScore).toBe(5)
    expect(now.creditExplanation.map((l: { zh: string }) => l.zh)).toContain(
      '2026-11-30 投诉「香辣辣椒酱」经调解达成、消费者获赔 +5 分',
    )
    expect(now.creditExplanation.map((l: { en: string }) => l.en).join('\n')).toContain(
      'a complaint about 香辣辣椒酱 was upheld in mediation +5',
    )
    await close(b.id, 'agreed')
    now = await credit(id)
    expect(now.creditClass).toBe('B')
    expect(now.creditScore).toBe(10)
    expect(now.creditHistory[0]).toMatchObject({ class: 'B', from: 'A' })
    expect(now.creditHistory[0].reason).toContain(b.tracking)

    // The public page names the upheld complaints, never who made them.
    const pub = await t.call('GET', `${API}/public/businesses/${id}`)
    expect(pub.status).toBe(200)
    expect(pub.body.creditClass).toBe('B')
    expect(pub.body.upheldComplaints).toHaveLength(2)
    expect(pub.body.upheldComplaints[0]).toMatchObject({
      kind: 'complaint',
      outcome: 'agreed',
      product: '香辣辣椒酱',
    })
    expect(pub.text).not.toContain('13812345678')
    const page = await t.call('GET', `/businesses/${id}`)
    expect(page.text).toContain('查实的投诉举报')
    expect(page.text).toContain('投诉经调解达成')
  })

  it('a report closed with a case opened counts; one with no case does not; an exercise never does', async () => {
    const shop = { name: '放心肉铺', address: '成都市锦江区东大街3号' }
    const report = (d: string) => fileAbout(shop, { kind: 'report', contact: undefined, description: d })
    const opened = await report('销售病死猪肉')
    const noCase = await report('疑似注水肉')
    const id = opened.businessId!
    await close(noCase.id, 'no_case', 'report')
    expect(JSON.stringify((await credit(id)).creditExplanation)).not.toContain('举报')
    await close(opened.id, 'case_opened', 'report')
    const after = await credit(id)
    expect(after.creditScore).toBe(5)
    expect(after.creditExplanation.map((l: { zh: string }) => l.zh)).toContain(
      '2026-11-30 举报「香辣辣椒酱」经查实立案 +5 分',
    )

    // A drill complaint recorded by staff, closed as agreed: the class does not move.
    const drill = await t.call('POST', `${API}/complaints`, {
      token: jinjiang,
      body: {
        ...complaintBody({ business: shop, description: '演练投诉' }),
        channel: 'phone',
        receivedAt: '2026-11-30T08:30:00+08:00',
        exercise: true,
      },
    })
    expect(drill.status, drill.text).toBe(201)
    const row = await t.deps.db
      .selectFrom('complaints')
      .select(['id', 'business_id'])
      .where('tracking', '=', drill.body.tracking)
      .executeTakeFirstOrThrow()
    expect(row.business_id).toBe(id)
    await close(row.id, 'agreed')
    const still = await credit(id)
    expect(still.creditScore).toBe(5)
    expect((await t.call('GET', `${API}/public/businesses/${id}`)).body.upheldComplaints).toHaveLength(1)
  })
})
