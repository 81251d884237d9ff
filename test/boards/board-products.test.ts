import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BOARD_MAX_PRODUCTS } from '../../src/boards/board-content.js'
import { refreshBoards } from '../../src/boards/board-refresh.js'
import { approved, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { failingCsv, failingNos } from '../public/published-layout.js'

const API = '/api/v1'
const SHOP = { name: '成都红旗连锁股份有限公司春熙路店', address: '成都市锦江区春熙路南段8号' }
let t: TestApp
let s: Staff

beforeAll(async () => {
  t = await startTestApp({ config: { BOARD_POLL_MS: '60000' } })
  s = await staff(t)
  for (const r of [
    { id: 'hongqi-chunxi', name: SHOP.name, district: '510104', address: SHOP.address },
    { id: 'wanda-jinjiang', name: '万达广场锦江店', district: '510104', address: '成都市锦江区三色路1号' },
    {
      id: 'raffles-qingyang',
      name: '来福士广场',
      district: '510105',
      address: '成都市青羊区光华大道一段2号',
    },
  ]) {
    const res = await t.call('POST', `${API}/retailers`, { token: s.admin, body: r })
    if (res.status !== 201) throw new Error(res.text)
  }
  // 60 failing products over the 20 districts; the first 16 were sampled at the shop (in 锦江).
  const imp = await t.call('POST', `${API}/samples/import`, {
    token: s.sampler,
    raw: failingCsv(60, { prefix: 'BP26', at: SHOP, atCount: 16 }),
    headers: { 'content-type': 'text/csv' },
  })
  if (imp.status !== 201) throw new Error(imp.text)
  const id = await approved(t, s, { number: '2026-BP', sampleNos: failingNos(60, 'BP26') })
  const pub = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  if (pub.status !== 200) throw new Error(pub.text)
  await refreshBoards(t.deps, { all: true })
})
afterAll(() => t.close())

type Row = { sampleNo: string; scope: string; atThisRetailer: boolean; district: string }
const products = async (id: string) => {
  const r = await t.call('GET', `${API}/boards/${id}`)
  expect(r.status).toBe(200)
  return r.body.content.failingProducts as Row[]
}
/** The failing samples published in a district, from the store. */
const inDistrict = async (code: string) =>
  (
    await t.deps.db
      .selectFrom('samples')
      .select('no')
      .where('district_code', '=', code)
      .where('verdict', '=', 'fail')
      .execute()
  )
    .map((r) => r.no)
    .sort()

describe('a board lists every failing product relevant to it (the kiosk pages through them)', () => {
  it('the shop’s own first, then every one of its district, even when its own already fill a screen', async () => {
    const rows = await products('hongqi-chunxi')
    const own = rows.filter((r) => r.scope === 'retailer')
    expect(own).toHaveLength(16)
    expect(own.length).toBeGreaterThan(BOARD_MAX_PRODUCTS)
    expect(rows.slice(0, 16).every((r) => r.atThisRetailer)).toBe(true)
    // Before, the list stopped at max(12, own) = 16 and the district's other two were never shown.
    expect(rows.map((r) => r.sampleNo).sort()).toEqual(await inDistrict('510104'))
    expect(rows.filter((r) => r.scope === 'district').length).toBeGreaterThan(0)
  })

  it('another board of the district lists all of the district’s, none dropped', async () => {
    const rows = await products('wanda-jinjiang')
    expect(rows.every((r) => r.scope === 'district')).toBe(true)
    expect(rows.map((r) => r.sampleNo).sort()).toEqual(await inDistrict('510104'))
  })

  it('a district with few failing products is filled up with the city’s, to a screenful', async () => {
    const rows = await products('raffles-qingyang')
    const own = await inDistrict('510105')
    expect(
      rows
        .slice(0, own.length)
        .map((r) => r.sampleNo)
        .sort(),
    ).toEqual(own)
    expect(rows).toHaveLength(BOARD_MAX_PRODUCTS)
    expect(rows.slice(own.length).every((r) => r.scope === 'city')).toBe(true)
  })
})
