import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditCodeCheckChar, creditCodeProblem } from '../../src/businesses/credit-code.js'
import { isNotGiven } from '../../src/domain/names.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')
let t: TestApp
let admin: string
let commander: string
let district: string
let sampler: string
let retailer: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
  district = await t.token('district', { district: '510104' })
  sampler = await t.token('sampler')
  retailer = await t.token('retailer', { retailer: 'demo-none' }).catch(() => '')
})
afterAll(() => t.close())

const list = (q: string, token = commander) => t.call('GET', `${API}/businesses?${q}`, { token })

describe('the unified social credit code (GB 32100)', () => {
  it('accepts codes whose check character matches and names what is wrong otherwise', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeUndefined()
    expect(creditCodeProblem('91110000600037341L')).toBeUndefined()
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3')
    expect(creditCodeProblem('91350100M000100Y44')?.zh).toContain('校验位不符')
    expect(creditCodeProblem('91350100M000100Y4')?.en).toContain('18 characters')
    expect(creditCodeProblem('91350100M0001O0Y43')?.en).toContain('"O"')
  })

  it('reads the placeholders published tables print for a field not given', () => {
    for (const v of ['/', '／', '—', '-', '无', '', '  ', null]) expect(isNotGiven(v)).toBe(true)
    for (const v of ['成都蜀味调味品有限公司', '无锡食品厂', 'A']) expect(isNotGiven(v)).toBe(false)
  })
})

describe('POST /businesses', () => {
  it('an admin registers a business with a valid code; the register finds it by name or code', async () => {
    const created = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: {
        name: '成都锦城食品有限公司',
        address: '成都市锦江区东大街100号',
        district: '510104',
        creditCode: '91350100m000100y43',
      },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: '成都锦城食品有限公司',
      district: '510104',
      districtName: '锦江区',
      creditCode: '91350100M000100Y43',
      mergedInto: null,
      samples: [],
    })
    expect((await list('q=锦城')).body.items.map((b: { id: string }) => b.id)).toContain(created.body.id)
    expect((await list('q=91350100M000100Y43')).body.items).toHaveLength(1)
    const again = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: { name: '成都锦城食品有限公司 ', address: '成都市锦江区东大街100号', district: '510104' },
    })
    expect(again.status).toBe(409)
    expect(again.body.detail).toContain(created.body.id)
  })

  it('refuses a wrong check character with that reason, every problem at once, writing nothing', async () => {
    const before = (await list('limit=500', admin)).body.items.length
    const bad = await t.call('POST', `${API}/businesses?lang=en`, {
      token: admin,
      body: { name: '', address: '成都市', district: '999999', creditCode: '91350100M000100Y44' },
    })
    expect(bad.status).toBe(422)
    const byPath = Object.fromEntries(
      bad.body.issues.map((i: { path: string; message: string }) => [i.path, i.message]),
    )
    expect(byPath['body.creditCode']).toContain('check character should be "3"')
    expect(Object.keys(byPath)).toEqual(expect.arrayContaining(['body.name', 'body.creditCode']))
    const zh = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: { name: '某公司', address: '成都市锦江区', district: '510104', creditCode: '91350100M000100Y44' },
    })
    expect(zh.body.issues[0].message).toContain('校验位不符')
    const unknownDistrict = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: { name: '某公司', address: '成都市', district: '999999' },
    })
    expect(unknownDistrict.status).toBe(422)
    expect((await list('limit=500', admin)).body.items.length).toBe(before)
  })

  it('only an admin registers or merges; the sampling office and field staff read; others are refused', async () => {
    for (const token of [commander, district, sampler]) {
      const r = await t.call('POST', `${API}/businesses`, {
        token,
        body: { name: '某公司', address: '成都市锦江区', district: '510104' },
      })
      expect(r.status).toBe(403)
    }
    for (const token of [admin, commander, district, sampler])
      expect((await list('', token)).status).toBe(200)
    if (retailer) expect((await list('', retailer)).status).toBe(403)
    expect((await t.call('GET', `${API}/businesses`)).status).toBe(401)
    expect((await t.call('GET', `${API}/businesses/not-a-uuid`, { token: admin })).status).toBe(422)
    expect(
      (await t.call('GET', `${API}/businesses/00000000-0000-4000-8000-000000000000`, { token: admin }))
        .status,
    ).toBe(404)
  })
})

describe('samples link to the register', () => {
  it('an import makes the sampled units and named producers businesses; a placeholder producer never does', async () => {
    const csv = await readFile(resolve(FIXTURES, '2026q4-failing.csv'), 'utf8')
    const imported = await t.call('POST', `${API}/samples/import?name=q4.csv`, {
      token: sampler,
      raw: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    })
    expect(imported.status).toBeLessThan(300)
    const slashes = await t.deps.db.selectFrom('businesses').select('id').where('name', '=', '/').execute()
    expect(slashes).toEqual([])
    const unit = (await list('q=春熙路店')).body.items[0]
    expect(unit).toMatchObject({
      name: '成都红旗连锁股份有限公司春熙路店',
      district: '510104',
      kinds: ['sampled_unit'],
    })
    const detail = await t.call('GET', `${API}/businesses/${unit.id}`, { token: commander })
    expect(detail.body.samples.map((s: { no: string; role: string }) => [s.no, s.role])).toContainEqual([
      'GC26510104101',
      'seller',
    ])
    const producer = (await list('q=蜀味调味品&kind=producer')).body.items[0]
    expect(producer.kinds).toContain('producer')
    const made = await t.call('GET', `${API}/businesses/${producer.id}`, { token: commander })
    expect(made.body.samples.every((s: { role: string }) => s.role === 'producer')).toBe(true)
    const noProducer = await t.deps.db
      .selectFrom('samples as s')
      .innerJoin('business_samples as l', 'l.sample_id', 's.id')
      .select('l.role')
      .where('s.no', '=', 'GC26510108103')
      .execute()
    expect(noProducer.map((l) => l.role)).toEqual(['seller'])
  })

  it('a sample recorded through the API links too, and a full-width spelling finds the same business', async () => {
    const rec = (no: string, name: string) =>
      t.call('POST', `${API}/samples`, {
        token: sampler,
        body: {
          no,
          unit: { name, address: '成都市锦江区红星路二段70号' },
          foodName: '豆瓣酱',
          category: '调味品',
          items: [{ name: '苏丹红Ⅰ号', result: '未检出', limit: '不得检出', verdict: 'pass' }],
        },
      })
    expect((await rec('BZ-1', '红星超市ＡＢＣ店')).status).toBe(201)
    expect((await rec('BZ-2', '红星超市 ABC店')).status).toBe(201)
    const found = (await list('q=红星超市')).body.items
    expect(found).toHaveLength(1)
    const detail = await t.call('GET', `${API}/businesses/${found[0].id}`, { token: commander })
    expect(detail.body.samples.map((s: { no: string }) => s.no).sort()).toEqual(['BZ-1', 'BZ-2'])
  })

  it('a registered retailer is a business of kind retailer', async () => {
    const r = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: { id: 'biz-mall', name: '锦华万达广场', district: '510108', address: '成都市成华区双庆路8号' },
    })
    expect(r.status).toBe(201)
    const b = (await list('q=锦华万达')).body.items[0]
    expect(b.kinds).toEqual(['retailer'])
    expect((await t.call('GET', `${API}/businesses/${b.id}`, { token: admin })).body.retailers).toEqual([
      'biz-mall',
    ])
  })
})

describe('POST /businesses/{id}/merge', () => {
  const make = async (name: string, creditCode?: string) =>
    (
      await t.call('POST', `${API}/businesses`, {
        token: admin,
        body: {
          name,
          address: '成都市青羊区人民中路1号',
          district: '510105',
          ...(creditCode ? { creditCode } : {}),
        },
      })
    ).body.id as string

  it('moves samples and earlier merges to the business that stays; history keeps the merged record', async () => {
    const a = await make('合并甲商行')
    const b = await make('合并乙商行')
    const c = await make('合并丙商行')
    // BZ-1 was made by `a` (as a producer link would say), so the merge has a sample to move.
    const bz1 = await t.deps.db
      .selectFrom('samples')
      .select('id')
      .where('no', '=', 'BZ-1')
      .executeTakeFirstOrThrow()
    await t.deps.db
      .insertInto('business_samples')
      .values({ sample_id: bz1.id, role: 'producer', business_id: a })
      .execute()
    const first = await t.call('POST', `${API}/businesses/${a}/merge`, {
      token: admin,
      body: { into: b, reason: '同一商户，登记名称不同' },
    })
    expect(first.status).toBe(200)
    expect(first.body.mergedFrom).toEqual([a])
    expect(first.body.samples.map((s: { no: string }) => s.no)).toContain('BZ-1')
    const second = await t.call('POST', `${API}/businesses/${b}/merge`, {
      token: admin,
      body: { into: c, reason: '再次合并' },
    })
    expect(second.status).toBe(200)
    expect([...second.body.mergedFrom].sort()).toEqual([a, b].sort())
    const gone = await t.call('GET', `${API}/businesses/${a}`, { token: admin })
    expect(gone.body.mergedInto).toBe(c)
    expect((await list('q=合并甲')).body.items).toEqual([])
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'subject'])
      .where('type', '=', 'business.merged')
      .execute()
    expect(events.map((e) => e.subject)).toEqual(expect.arrayContaining([a, b]))
  })

  it('refuses a merge into itself, a chain, a merged record and differing codes', async () => {
    const x = await make('合并丁商行', `91510104MA6CU1234${creditCodeCheckChar('91510104MA6CU1234')}`)
    const y = await make('合并戊商行')
    const z = await make('合并己商行', '91110000600037341L')
    const self = await t.call('POST', `${API}/businesses/${y}/merge`, {
      token: admin,
      body: { into: y, reason: 'x' },
    })
    expect(self.status).toBe(422)
    expect(self.body.issues[0].code).toBe('self_merge')
    await t.call('POST', `${API}/businesses/${y}/merge`, {
      token: admin,
      body: { into: z, reason: '同一商户' },
    })
    const again = await t.call('POST', `${API}/businesses/${y}/merge`, {
      token: admin,
      body: { into: z, reason: 'x' },
    })
    expect(again.status).toBe(409)
    const w = await make('合并庚商行')
    const chain = await t.call('POST', `${API}/businesses/${w}/merge`, {
      token: admin,
      body: { into: y, reason: 'x' },
    })
    expect(chain.status).toBe(409)
    expect(chain.body.detail).toContain(z)
    const forbidden = await t.call('POST', `${API}/businesses/${w}/merge`, {
      token: commander,
      body: { into: z, reason: 'x' },
    })
    expect(forbidden.status).toBe(403)
    const codes = await t.call('POST', `${API}/businesses/${x}/merge`, {
      token: admin,
      body: { into: z, reason: 'x' },
    })
    expect(codes.status).toBe(409)
    expect(codes.body.detail).toContain('统一社会信用代码不同')
  })
})
