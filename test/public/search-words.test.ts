import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approved, importFixtures, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Issue 15: "is my product affected?" asked the ways a consumer asks it — a hazard, a failed item, a category,
 * a producer, a shop, a date written any way — over a real publication (import, review, approval, publish)
 * and a running incident.
 */
let t: TestApp
let s: Staff
let incidentId: string
const API = '/api/v1'

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0', SEARCH_RATE_PER_MINUTE: '10000' } })
  s = await staff(t)
  await importFixtures(t, s.sampler)
  const id = await approved(t, s, {
    number: '2026-S1',
    sampleNos: ['GC26510104101', 'GC26510107102', 'GC26510108103', 'GC26510104201', 'GC26510105202'],
  })
  const pub = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  if (pub.status !== 200) throw new Error(pub.text)
  const commander = await t.token('commander')
  const inc = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: {
      playbook: 'sudan-red',
      level: 'II',
      title: '辣椒制品排查',
      districts: ['510104'],
      // A zero-width space pasted into the name must not hide it.
      products: [{ name: '红油\u200b火锅底料', brand: '蜀香', batch: 'HG-2611-07' }],
    },
  })
  if (inc.status !== 201) throw new Error(inc.text)
  incidentId = inc.body.id
})
afterAll(() => t.close())

interface Hit {
  kind: string
  verdict: string
  ended: boolean
  productName: string
  batch: string | null
  unitName: string | null
  category: string | null
  alertId: string | null
}
const search = async (q: string): Promise<Hit[]> => {
  const r = await t.call('GET', `${API}/public/search?q=${encodeURIComponent(q)}&limit=100`)
  expect(r.status, r.text).toBe(200)
  return r.body.items
}
const names = async (q: string) => (await search(q)).map((h) => h.productName)

describe('search finds what a consumer asks about', () => {
  it('a hazard: the failed item of published samples and the incident named after it', async () => {
    const hits = await search('苏丹红')
    expect(hits.map((h) => h.productName)).toEqual(
      expect.arrayContaining(['香辣辣椒酱', '红油\u200b火锅底料']),
    )
    // The failing sample and the alert issued for it are one hit: the alert.
    const sauce = hits.filter((h) => h.productName === '香辣辣椒酱')
    expect(sauce).toHaveLength(1)
    expect(sauce[0]).toMatchObject({ kind: 'alert', verdict: 'failed', category: '调味品' })
  })

  it('variant spellings: Roman numerals, digits with 号, Chinese numerals, full width, zero-width characters', async () => {
    const expected = await names('苏丹红Ⅰ号')
    expect(expected).toContain('香辣辣椒酱')
    for (const q of [
      '苏丹红I',
      '苏丹红1号',
      '苏丹红Ⅰ',
      '苏丹红一号',
      '苏丹红ｉ',
      '苏丹红１',
      '苏\u200b丹红\u200dI',
    ])
      expect(await names(q), q).toContain('香辣辣椒酱')
    expect(await names('红油火锅')).toContain('红油\u200b火锅底料')
    expect(await names('ＨＧ－2611')).toContain('红油\u200b火锅底料')
  })

  it('a date in any form the importer accepts', async () => {
    for (const q of ['2026-09-12', '2026/9/12', '20260912', '2026年9月12日', '2026.9.12'])
      expect(await names(q), q).toEqual(['香辣辣椒酱'])
    // (购进日期)2026/10/3 and 20261101, asked another way.
    expect(await names('2026-10-03')).toEqual(['牛油火锅底料'])
    expect(await names('2026年11月1日')).toEqual(['腊肉（散装）'])
  })

  it('categories, producers, sampled units and batch fragments; failing before passing', async () => {
    const seasoning = await search('调味品')
    expect(seasoning.map((h) => h.verdict)).toEqual(['failed', 'passed'])
    expect(seasoning.map((h) => h.productName)).toEqual(['香辣辣椒酱', '特辣辣椒酱'])
    expect(await names('蜀味调味品')).toEqual(['香辣辣椒酱', '特辣辣椒酱'])
    expect(await names('春熙路店')).toEqual(['香辣辣椒酱'])
    expect(await names('过氧化值')).toEqual(expect.arrayContaining(['香辣辣椒酱', '牛油火锅底料']))
    expect(await names('0912')).toEqual(['香辣辣椒酱'])
  })

  it('active alerts before ended ones: a closed incident’s products sink below the live failures', async () => {
    const commander = await t.token('commander')
    const closed = await t.call('POST', `${API}/incidents/${incidentId}/close`, {
      token: commander,
      body: { summary: '排查完毕，涉事产品全部下架。' },
    })
    expect(closed.status, closed.text).toBe(200)
    const hits = await search('苏丹红')
    expect(hits.at(-1)).toMatchObject({ productName: '红油\u200b火锅底料', ended: true })
    expect(hits[0]?.ended).toBe(false)
  })
})
