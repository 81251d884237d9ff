import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { runTs } from '../helpers/processes.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

/**
 * The file import and the API take the same fields by the same rules (`SAMPLE_TEXT`), and a file reads
 * the same whichever encoding Excel saved it in.
 */
const API = '/api/v1'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')
const PASSWORD = 'correct horse battery staple'
let t: TestApp
let sampler: string

beforeAll(async () => {
  t = await startTestApp()
  sampler = await t.token('sampler')
})
afterAll(() => t.close())

const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'

const importCsv = (body: string | Uint8Array, type = 'text/csv') =>
  t.call('POST', `${API}/samples/import?lang=en`, {
    token: sampler,
    raw: body,
    headers: { 'content-type': type },
  })

const count = async () =>
  Number(
    (
      await t.deps.db
        .selectFrom('samples')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

interface Cells {
  no?: string
  unitName?: string
  foodName?: string
  brand?: string
  remarks?: string
  item?: string
}
const row = (c: Cells, i: number) =>
  [
    c.no ?? `RULE${String(i).padStart(4, '0')}`,
    i,
    '成都某食品有限公司',
    '成都市新都区工业大道1号',
    c.unitName ?? '某超市',
    '成都市锦江区春熙路南段8号',
    c.foodName ?? '豆瓣酱',
    '500g',
    c.brand ?? '某牌',
    '2026-09-30',
    c.item ?? '',
    '调味品',
    '成都市食品药品检验研究院',
    c.remarks ?? '',
  ].join(',')

/** One table: each bad value, as an import cell and as the API field it is. */
const CASES: { cells: Cells; column: string; api: (b: Record<string, unknown>) => void; path: string }[] = [
  {
    cells: { no: 'N'.repeat(500) },
    column: '抽样编号',
    api: (b) => Object.assign(b, { no: 'N'.repeat(500) }),
    path: 'body.no',
  },
  {
    cells: { unitName: '店'.repeat(900) },
    column: '被抽样单位名称',
    api: (b) => Object.assign(b, { unit: { name: '店'.repeat(900), address: '成都市锦江区春熙路南段8号' } }),
    path: 'body.unit.name',
  },
  {
    cells: { unitName: '成'.repeat(1000) },
    column: '被抽样单位名称',
    api: (b) => Object.assign(b, { unit: { name: '成'.repeat(1000), address: '成都市锦江区春熙路南段8号' } }),
    path: 'body.unit.name',
  },
  {
    cells: { remarks: 'x'.repeat(100_000) },
    column: '备注',
    api: (b) => Object.assign(b, { remarks: 'x'.repeat(100_000) }),
    path: 'body.remarks',
  },
  {
    cells: { unitName: '某超市\u202Eevil' },
    column: '被抽样单位名称',
    api: (b) =>
      Object.assign(b, { unit: { name: '某超市\u202Eevil', address: '成都市锦江区春熙路南段8号' } }),
    path: 'body.unit.name',
  },
  {
    cells: { foodName: '辣椒\u0001酱' },
    column: '食品名称',
    api: (b) => Object.assign(b, { foodName: '辣椒\u0001酱' }),
    path: 'body.foodName',
  },
  {
    cells: { brand: '某牌\u000B' },
    column: '商标',
    api: (b) => Object.assign(b, { brand: '某牌\u000B' }),
    path: 'body.brand',
  },
  {
    cells: { item: '苏丹红\uFFFE║1mg/kg║不得检出' },
    column: '不合格项目║检验结果║标准值',
    api: (b) =>
      Object.assign(b, {
        items: [{ name: '苏丹红\uFFFE', result: '1mg/kg', limit: '不得检出', verdict: 'fail' }],
      }),
    path: 'body.items.0.name',
  },
]

describe('one field rule set for the API and the import', () => {
  it('the import refuses what the API refuses, listing every bad line (no 500 for a long CJK name)', async () => {
    const before = await count()
    const lines = [HEADER, row({}, 0), ...CASES.map((c, i) => row(c.cells, i + 1))]
    const r = await importCsv(lines.join('\n'))
    expect(r.status, r.text.slice(0, 500)).toBe(422)
    const got = (r.body.issues as { path: string }[]).map((i) => i.path)
    expect(got).toEqual(CASES.map((c, i) => `line ${i + 3}, ${c.column}`))
    expect(await count()).toBe(before)

    for (const c of CASES) {
      const body: Record<string, unknown> = {
        no: `API-${Math.random().toString(36).slice(2, 10)}`,
        unit: { name: '某超市', address: '成都市锦江区春熙路南段8号' },
        foodName: '豆瓣酱',
        category: '调味品',
        items: [],
      }
      c.api(body)
      const a = await t.call('POST', `${API}/samples`, { token: sampler, body })
      expect(a.status, `${c.path}: ${a.text.slice(0, 300)}`).toBe(422)
      const paths = (a.body.issues as { path: string }[]).map((i) => i.path.replace(/\[(\d+)\]/g, '.$1'))
      expect(paths, c.path).toContain(c.path)
    }
  })
})

describe('files saved by Excel', () => {
  const gb = () => readFile(resolve(FIXTURES, 'excel-gb18030.csv'))
  const utf8 = async () => new TextDecoder('gb18030').decode(await gb())
  const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])
  const utf16be = (s: string) => {
    const le = Buffer.from(s, 'utf16le')
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number]
    return Buffer.concat([Buffer.from([0xfe, 0xff]), le])
  }

  it('GB18030 without a BOM or charset imports, its Chinese read right', async () => {
    const r = await importCsv(await gb())
    expect(r.status, r.text.slice(0, 500)).toBe(201)
    expect(r.body).toMatchObject({ samples: 2, failing: 1 })
    const got = await t.call('GET', `${API}/samples?no=GB26510104901`, { token: sampler })
    expect(got.body.items[0]).toMatchObject({
      unit: { name: '锦江区某超市' },
      foodName: '香辣辣椒酱',
      remarks: 'Excel 另存为 CSV',
      items: [{ name: '苏丹红Ⅰ号', result: '1.8mg/kg', limit: '不得检出' }],
    })
  })

  it('UTF-16 LE and BE with a BOM import; the same content in another encoding is the same file', async () => {
    const text = await utf8()
    const same = await importCsv(utf16le(text))
    expect(same.status, same.text.slice(0, 300)).toBe(200)
    expect(same.body.duplicate).toBe(true)
    const other = text.replaceAll('GB2651', 'BE2651')
    const be = await importCsv(utf16be(other))
    expect(be.status, be.text.slice(0, 300)).toBe(201)
    expect(be.body.samples).toBe(2)
    const le = await importCsv(utf16le(text.replaceAll('GB2651', 'LE2651')))
    expect(le.status).toBe(201)
    const got = await t.call('GET', `${API}/samples?no=BE26510107902`, { token: sampler })
    expect(got.body.items[0].unit.name).toBe('武侯区 李记干杂店')
  })

  it('a declared charset decides; an unknown one is 415, bytes that are not that charset 422', async () => {
    const text = (await utf8()).replaceAll('GB2651', 'CS2651')
    const declared = await importCsv(Buffer.from(new TextEncoder().encode(text)), 'text/csv; charset="UTF-8"')
    expect(declared.status).toBe(201)
    expect((await importCsv(await gb(), 'text/csv; charset=klingon')).status).toBe(415)
    const wrong = await importCsv(await gb(), 'text/csv; charset=utf-8')
    expect(wrong.status).toBe(422)
    expect(wrong.body.issues[0].path).toBe('body')
  })

  it('the console upload reads GB18030 too', async () => {
    await makeUser(t, 'excel', PASSWORD, { role: 'sampler' as 'commander', name: '用 Excel 的人' })
    const b = new FormClient(() => t.baseUrl)
    expect((await b.signIn('excel', PASSWORD)).status).toBe(303)
    // Renumbered in place: ASCII is the same bytes in GB18030, and latin1 keeps every byte as it is.
    const renumbered = Buffer.from((await gb()).toString('latin1').replaceAll('GB2651', 'WB2651'), 'latin1')
    const form = new FormData()
    form.set('_csrf', await b.csrf('/console/samples/import'))
    form.set('file', new Blob([renumbered], { type: 'text/csv' }), 'excel.csv')
    const res = await fetch(`${t.baseUrl}/console/samples/import`, {
      method: 'POST',
      body: form,
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    const html = await res.text()
    expect(res.status, html.slice(0, 300)).toBe(200)
    expect(html).toMatch(/已导入 2 份样品/)
    const got = await t.call('GET', `${API}/samples?no=WB26510104901`, { token: sampler })
    expect(got.body.items[0].foodName).toBe('香辣辣椒酱')
  })

  // On PGlite the store is held open by this process, so the CLI (another process) cannot open it.
  it.skipIf(testEngine() !== 'postgres')('the CLI reads GB18030 and UTF-16 files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rs-excel-'))
    const utf16 = join(dir, 'unicode.csv')
    await writeFile(utf16, utf16le((await utf8()).replaceAll('GB2651', 'CL2651')))
    const env = { DATABASE_URL: t.testDb.url ?? '', LOG_LEVEL: 'warn' }
    const r = await runTs(
      'src/cli/main.ts',
      ['samples', 'import', resolve(FIXTURES, 'excel-gb18030.csv'), utf16],
      env,
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('duplicate') // the GB18030 file, imported above through the API
    expect(r.stdout).toContain('imported 2 sample(s)')
    const got = await t.call('GET', `${API}/samples?no=CL26510104901`, { token: sampler })
    expect(got.body.items[0].unit.name).toBe('锦江区某超市')
  })
})
