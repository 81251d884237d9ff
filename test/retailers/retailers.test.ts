import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let admin: string
let commander: string
let jinjiang: string
let wuhou: string
let sampler: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  wuhou = await t.token('district', { district: '510107' })
  sampler = await t.token('sampler')
})
afterAll(() => t.close())

const sample = (no: string, name: string, address: string, verdict: 'pass' | 'fail' = 'fail') =>
  t.call('POST', `${API}/samples`, {
    token: sampler,
    body: {
      no,
      unit: { name, address },
      foodName: '香辣辣椒酱',
      category: '调味品',
      items: [{ name: '苏丹红Ⅰ号', result: '1.8mg/kg', limit: '不得检出', verdict }],
    },
  })

describe('retailers', () => {
  it('an admin registers, reads, changes; commander and own district read; others are refused', async () => {
    const created = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: {
        id: 'wanda-jinjiang',
        name: '万达广场锦江店',
        district: '510104',
        address: '成都市锦江区三色路1号',
        categories: ['综合超市'],
        contact: { name: '王经理', phone: '028-8000-0001' },
      },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ id: 'wanda-jinjiang', district: '510104', linkedSamples: 0 })
    for (const token of [admin, commander, jinjiang])
      expect((await t.call('GET', `${API}/retailers/wanda-jinjiang`, { token })).status).toBe(200)
    expect((await t.call('GET', `${API}/retailers/wanda-jinjiang`, { token: wuhou })).status).toBe(404)
    expect((await t.call('GET', `${API}/retailers`, { token: wuhou })).body.items).toEqual([])
    expect((await t.call('GET', `${API}/retailers`, { token: sampler })).status).toBe(403)
    const forbidden = await t.call('POST', `${API}/retailers`, {
      token: commander,
      body: { name: 'x', district: '510104', address: 'y' },
    })
    expect(forbidden.status).toBe(403)
    const patched = await t.call('PATCH', `${API}/retailers/wanda-jinjiang`, {
      token: admin,
      body: { categories: ['综合超市', '生鲜'] },
    })
    expect(patched.body.categories).toEqual(['综合超市', '生鲜'])
    const dup = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: { id: 'wanda-jinjiang', name: 'x', district: '510104', address: 'y' },
    })
    expect(dup.status).toBe(409)
  })

  it('refuses bad input naming every problem, writing nothing', async () => {
    const bad = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: { id: 'X!', name: '', district: '12', address: '', extra: 1 },
    })
    expect(bad.status).toBe(422)
    const paths = bad.body.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.name', 'body.district', 'body.address']))
    const unknown = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: { name: '某店', district: '999999', address: '某路1号' },
    })
    expect(unknown.status).toBe(422)
    const count = await t.deps.db
      .selectFrom('retailers')
      .select(t.deps.db.fn.countAll().as('n'))
      .executeTakeFirst()
    expect(Number(count?.n)).toBe(1)
  })

  it('links samples recorded before and after registration, across full-width spaces and forms', async () => {
    // Before: the lab printed the name with an ideographic space and full-width digits.
    expect((await sample('GC-L-1', '红旗连锁\u3000春熙路店', '成都市锦江区春熙路南段８号')).status).toBe(201)
    expect((await sample('GC-L-2', '别家超市', '成都市锦江区春熙路南段8号')).status).toBe(201)
    const r = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: {
        id: 'hongqi-chunxi',
        name: '红旗连锁 春熙路店',
        district: '510104',
        address: '成都市锦江区春熙路南段8号',
      },
    })
    expect(r.body.linkedSamples).toBe(1)
    // After: half-width, extra spaces.
    expect((await sample('GC-L-3', ' 红旗连锁春熙路店 ', '成都市 锦江区春熙路南段8号', 'pass')).status).toBe(
      201,
    )
    // Same name, other address: not this retailer.
    expect((await sample('GC-L-4', '红旗连锁春熙路店', '成都市锦江区春熙路南段9号')).status).toBe(201)
    const linked = await t.call('GET', `${API}/retailers/hongqi-chunxi/samples`, { token: jinjiang })
    expect(linked.status).toBe(200)
    expect(linked.body.items.map((s: { no: string }) => s.no)).toEqual(['GC-L-1', 'GC-L-3'])
    expect(linked.body.items.map((s: { verdict: string }) => s.verdict)).toEqual(['fail', 'pass'])
    const paged = await t.call('GET', `${API}/retailers/hongqi-chunxi/samples?limit=1`, { token: admin })
    expect(paged.body.items).toHaveLength(1)
    const rest = await t.call(
      'GET',
      `${API}/retailers/hongqi-chunxi/samples?limit=1&cursor=${paged.body.next}`,
      {
        token: admin,
      },
    )
    expect(rest.body.items[0].no).toBe('GC-L-3')
    // Moving the address relinks.
    const moved = await t.call('PATCH', `${API}/retailers/hongqi-chunxi`, {
      token: admin,
      body: { address: '成都市锦江区春熙路南段9号' },
    })
    expect(moved.body.linkedSamples).toBe(1)
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'subject'])
      .where('type', 'like', 'retailer.%')
      .where('subject', '=', 'hongqi-chunxi')
      .execute()
    expect(events.map((e) => e.type)).toEqual(['retailer.registered', 'retailer.updated'])
  })

  it('a retailer token binds to a registered retailer', async () => {
    const ok = await t.call('POST', `${API}/tokens`, {
      token: admin,
      body: { role: 'retailer', retailer: 'wanda-jinjiang', name: '万达锦江 公示屏' },
    })
    expect(ok.status).toBe(201)
    const bad = await t.call('POST', `${API}/tokens`, {
      token: admin,
      body: { role: 'retailer', retailer: 'nobody-here', name: 'x' },
    })
    expect(bad.status).toBe(422)
  })
})
