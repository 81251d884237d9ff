import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let sampler: string
let reviewer: string
let district: string

beforeAll(async () => {
  t = await startTestApp()
  sampler = await t.token('sampler', { name: '质监处 张抽样' })
  reviewer = await t.token('reviewer')
  district = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

const body = (over: Record<string, unknown> = {}) => ({
  no: 'GC26510104001',
  unit: { name: '　成都红旗连锁股份有限公司春熙路店　', address: '成都市锦江区春熙路南段8号' },
  foodName: '香辣辣椒酱',
  spec: '260g/瓶',
  brand: '蜀味坊',
  batch: '(购进日期)2026/10/3',
  producer: { name: '成都蜀味调味品有限公司', address: '四川省成都市郫都区安德镇' },
  category: '调味品',
  lab: '四川省食品检验研究院',
  sampledOn: '2026-10-20',
  items: [
    { name: '苏丹红Ⅰ号', result: '1.8mg/kg', limit: '不得检出', verdict: 'fail' },
    { name: '菌落总数', result: '2.1×10⁶CFU/g', limit: '≤10⁵CFU/g', verdict: 'fail' },
    { name: '大肠菌群', result: '≤30MPN/100g', limit: '≤90MPN/100g', verdict: 'pass' },
  ],
  ...over,
})

describe('POST /samples', () => {
  it('records a sample: district from the address, verdict from the items, results verbatim', async () => {
    const r = await t.call('POST', `${API}/samples`, { token: sampler, body: body() })
    expect(r.status).toBe(201)
    expect(r.headers.get('location')).toBe(`${API}/samples/${r.body.id}`)
    expect(r.body).toMatchObject({
      no: 'GC26510104001',
      unit: { name: '成都红旗连锁股份有限公司春熙路店' },
      district: { code: '510104', name: '锦江区' },
      batch: '(购进日期)2026/10/3',
      productionDate: '2026-10-03',
      purchaseDate: true,
      verdict: 'fail',
      public: false,
    })
    expect(r.body.items.map((i: { result: string; unit: string | null }) => [i.result, i.unit])).toEqual([
      ['1.8mg/kg', 'mg/kg'],
      ['2.1×10⁶CFU/g', 'CFU/g'],
      ['≤30MPN/100g', 'MPN/100g'],
    ])
    const got = await t.call('GET', `${API}/samples/${r.body.id}`, { token: reviewer })
    expect(got.status).toBe(200)
    expect(got.body).toEqual(r.body)
    const events = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'sample.recorded')
      .execute()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      actor_name: '质监处 张抽样',
      district_code: '510104',
      subject: 'GC26510104001',
    })
  })

  it('tells districts of county-level cities, counties and addresses without the city', async () => {
    const cases: [string, string][] = [
      ['简阳市东溪街道人民路66号', '510185'],
      ['金堂县赵镇迎宾大道88号', '510121'],
      ['武侯区浆洗街12号', '510107'],
      ['四川省成都市新都区新繁镇', '510114'],
      ['双流县东升街道棠湖北路100号', '510116'],
    ]
    for (const [i, [address, code]] of cases.entries()) {
      const r = await t.call('POST', `${API}/samples`, {
        token: sampler,
        body: body({ no: `D${i}`, unit: { name: '某店', address }, items: [] }),
      })
      expect(r.status, address).toBe(201)
      expect(r.body.district.code, address).toBe(code)
      expect(r.body.verdict).toBe('pass')
    }
  })

  it('refuses an unknown district and an impossible date together, a taken number, and bad bodies', async () => {
    const bad = await t.call('POST', `${API}/samples`, {
      token: sampler,
      body: body({
        no: 'X1',
        unit: { name: 'x', address: '成都高新区天府大道北段1号' },
        batch: '2026-02-30',
      }),
    })
    expect(bad.status).toBe(422)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.batch',
      'body.unit.address',
    ])
    const taken = await t.call('POST', `${API}/samples`, { token: sampler, body: body() })
    expect(taken.status).toBe(409)
    const invalid = await t.call('POST', `${API}/samples`, {
      token: sampler,
      body: { ...body({ no: '' }), items: [{ name: 'x', result: 'y', verdict: 'maybe' }] },
    })
    expect(invalid.status).toBe(422)
    expect(invalid.body.issues.length).toBeGreaterThanOrEqual(2)
    expect(await t.deps.db.selectFrom('samples').select('no').where('no', '=', 'X1').execute()).toEqual([])
  })

  it('who: only a sampler writes; reviewer, approver and admin read; a district does neither', async () => {
    expect(
      (await t.call('POST', `${API}/samples`, { token: reviewer, body: body({ no: 'W1' }) })).status,
    ).toBe(403)
    expect((await t.call('POST', `${API}/samples`, { body: body({ no: 'W1' }) })).status).toBe(401)
    expect((await t.call('GET', `${API}/samples`, { token: district })).status).toBe(403)
    for (const role of ['approver', 'admin'] as const)
      expect((await t.call('GET', `${API}/samples`, { token: await t.token(role) })).status).toBe(200)
  })
})

describe('GET /samples', () => {
  it('filters by number, district, category, verdict, producer and unit, and pages', async () => {
    const q = async (query: string) =>
      (await t.call('GET', `${API}/samples?${query}`, { token: reviewer })).body.items.map(
        (s: { no: string }) => s.no,
      )
    expect(await q('no=GC26510104001')).toEqual(['GC26510104001'])
    expect(await q('district=510185')).toEqual(['D0'])
    expect(await q('verdict=fail')).toEqual(['GC26510104001'])
    expect(await q('category=调味品&verdict=pass')).toEqual(['D0', 'D1', 'D2', 'D3', 'D4'])
    expect(await q(`producer=${encodeURIComponent('蜀味')}&verdict=fail`)).toEqual(['GC26510104001'])
    expect(await q(`unit=${encodeURIComponent('红旗')}`)).toEqual(['GC26510104001'])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const r: { body: { items: { no: string }[]; next: string | null } } = await t.call(
        'GET',
        `${API}/samples?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: reviewer },
      )
      seen.push(...r.body.items.map((s) => s.no))
      cursor = r.body.next
    } while (cursor)
    expect(seen).toEqual(['D0', 'D1', 'D2', 'D3', 'D4', 'GC26510104001'])
    expect((await t.call('GET', `${API}/samples?verdict=maybe`, { token: reviewer })).status).toBe(422)
    expect((await t.call('GET', `${API}/samples?cursor=zzz`, { token: reviewer })).status).toBe(422)
  })

  it('404 for an unknown or malformed id', async () => {
    expect(
      (await t.call('GET', `${API}/samples/00000000-0000-4000-8000-000000000000`, { token: reviewer }))
        .status,
    ).toBe(404)
    expect((await t.call('GET', `${API}/samples/nope`, { token: reviewer })).status).toBe(404)
  })

  it('the service applies the text rules the schema leaves to it: no bidi controls in a brand', async () => {
    const r = await t.call('POST', `${API}/samples?lang=en`, {
      token: sampler,
      body: body({ no: 'BIDI-1', brand: '蜀味\u202e坊', producer: { name: '厂\u2066' } }),
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(['body.brand', 'body.producer.name'])
  })
})
