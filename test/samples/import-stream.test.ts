import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The import as a stream (PostgreSQL: samples sent by COPY as their first rows are read): what is decided
 * only later in the file — a continuation row's first failing item, a bad row or a number already recorded
 * after thousands of rows already sent — still decides the whole file; and the values reach the database as
 * printed. The same assertions hold on PGlite, whose import reads the whole file first.
 */

const API = '/api/v1'
let t: TestApp
let sampler: string
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  sampler = await t.token('sampler')
  admin = await t.token('admin')
})
afterAll(() => t.close())

const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'
const importCsv = (lines: string[]) =>
  t.call('POST', `${API}/samples/import?lang=en`, {
    token: sampler,
    raw: [HEADER, ...lines].join('\n'),
    headers: { 'content-type': 'text/csv; charset=utf-8' },
  })
const row = (no: string, opts: { address?: string; date?: string; unit?: string; remarks?: string } = {}) =>
  `${no},,成都某食品有限公司,成都市新都区工业大道1号,${opts.unit ?? '某超市'},${opts.address ?? '成都市青羊区光华大道一段1号'},麻辣火锅底料,400g/袋,某牌,${opts.date ?? '2026-09-30'},,方便食品,成都市食品药品检验研究院,${opts.remarks ?? ''}`
const many = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => row(`${prefix}${String(i).padStart(5, '0')}`))
const counts = async () => {
  const n = async (table: 'samples' | 'sample_items' | 'sample_imports') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return { samples: await n('samples'), items: await n('sample_items'), imports: await n('sample_imports') }
}
const sampleNo = async (no: string) =>
  (await t.call('GET', `${API}/samples?no=${encodeURIComponent(no)}`, { token: sampler })).body.items[0]

describe('POST /samples/import, decided by the whole file', () => {
  it('fails a sample whose first failing item comes on a later row, keeps backslashes verbatim, knows leap days', async () => {
    const r = await importCsv([
      row('LATE-1', { date: '2024-02-29', remarks: String.raw`复检\N C:\样品\1` }),
      row('LATE-2', { date: '2000-02-29' }),
      'LATE-1,,,,,,,,,,过氧化值║0.5g/100g║≤0.25g/100g,,,',
    ])
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ samples: 2, failing: 1, rows: 3 })
    const late = await sampleNo('LATE-1')
    expect(late).toMatchObject({
      verdict: 'fail',
      productionDate: '2024-02-29',
      remarks: String.raw`复检\N C:\样品\1`,
    })
    expect(late.items.map((i: { name: string; verdict: string }) => [i.name, i.verdict])).toEqual([
      ['过氧化值', 'fail'],
    ])
    expect(await sampleNo('LATE-2')).toMatchObject({
      verdict: 'pass',
      productionDate: '2000-02-29',
      items: [],
    })

    const leap = await importCsv([
      row('LEAP-1', { date: '2100-02-29' }),
      row('LEAP-2', { date: '2026-04-31' }),
    ])
    expect(leap.status).toBe(422)
    expect(leap.body.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`)).toEqual(
      [
        'line 2, 生产日期/批号: row 2, column 10: impossible date "2100-02-29"',
        'line 3, 生产日期/批号: row 3, column 10: impossible date "2026-04-31"',
      ],
    )
  })

  it('refuses a file whose bad row or recorded numbers come after thousands of good rows, writing nothing', async () => {
    expect((await importCsv([row('TAKEN-1'), row('TAKEN-2')])).status).toBe(201)
    const before = await counts()
    const rows = many('S-', 3000)

    const bad = await importCsv([...rows, row('S-BAD', { address: '火星基地1号' })])
    expect(bad.status).toBe(422)
    expect(bad.body.issues).toEqual([
      {
        path: 'line 3002, 被抽样单位地址',
        message: 'row 3002, column 6: cannot tell the district from "火星基地1号"',
        code: 'bad_row',
      },
    ])
    expect(await counts()).toEqual(before)

    const clashing = [...rows.slice(0, 1500), row('TAKEN-2'), ...rows.slice(1500), row('TAKEN-1')]
    const taken = await importCsv(clashing)
    expect(taken.status).toBe(422)
    expect(
      taken.body.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`),
    ).toEqual([
      'line 1502, 抽样编号: row 1502, column 1: sample number TAKEN-2 is already recorded',
      'line 3003, 抽样编号: row 3003, column 1: sample number TAKEN-1 is already recorded',
    ])
    expect(await counts()).toEqual(before)

    // Nothing of the refused attempts stayed behind: the same rows without the clashes import whole.
    const ok = await importCsv(rows)
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({ duplicate: false, samples: 3000, failing: 0, rows: 3000 })
    expect(await counts()).toEqual({ ...before, samples: before.samples + 3000, imports: before.imports + 1 })
  })

  it('links imported samples to the retailer they were taken at, by normalised name and address', async () => {
    const reg = await t.call('POST', `${API}/retailers`, {
      token: admin,
      body: {
        id: 'import-shop',
        name: '红旗连锁 光华店',
        district: '510105',
        address: '成都市青羊区光华大道一段8号',
      },
    })
    expect(reg.status).toBe(201)
    const r = await importCsv([
      row('SHOP-1', { unit: '红旗连锁\u3000光华店', address: '成都市青羊区光华大道一段８号' }),
      row('SHOP-2', { unit: '红旗连锁光华店', address: '成都市青羊区光华大道一段9号' }),
      row('SHOP-3', { unit: '别家超市', address: '成都市青羊区光华大道一段8号' }),
    ])
    expect(r.status).toBe(201)
    const linked = await t.call('GET', `${API}/retailers/import-shop/samples`, { token: admin })
    expect(linked.status).toBe(200)
    expect(linked.body.items.map((s: { no: string }) => s.no)).toEqual(['SHOP-1'])
  })
})
