import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTs } from '../helpers/processes.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

const API = '/api/v1'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')
let t: TestApp
let sampler: string

beforeAll(async () => {
  t = await startTestApp()
  sampler = await t.token('sampler')
})
afterAll(() => t.close())

const fixture = (name: string) => readFile(resolve(FIXTURES, name), 'utf8')
const importCsv = (text: string | Uint8Array, token = sampler, type = 'text/csv; charset=utf-8') =>
  // English messages, to compare with; the Chinese ones are checked once below.
  t.call('POST', `${API}/samples/import?name=test.csv&lang=en`, {
    token,
    raw: text,
    headers: { 'content-type': type },
  })
const count = async (table: 'samples' | 'sample_items') =>
  Number(
    (
      await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'

describe('POST /samples/import', () => {
  it('imports multi-row samples in the published layout; the same file again adds nothing and says so', async () => {
    const text = await fixture('2026q4-failing.csv')
    const r = await importCsv(text)
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ duplicate: false, samples: 4, failing: 4, rows: 7 })
    const list = await t.call('GET', `${API}/samples?no=GC26510108103`, { token: sampler })
    const s = list.body.items[0]
    expect(s.district.code).toBe('510108')
    expect(
      s.items.map((i: { name: string; result: string; limit: string; unit: string }) => [
        i.name,
        i.result,
        i.limit,
        i.unit,
      ]),
    ).toEqual([
      ['菌落总数', '2.1×10⁶CFU/g', '≤10⁵CFU/g', 'CFU/g'],
      ['大肠菌群', '≤30MPN/100g', '不得检出', 'MPN/100g'],
      ['亚硝酸盐(以NaNO₂计)', '45mg/kg', '≤30mg/kg', 'mg/kg'],
    ])
    const purchase = (await t.call('GET', `${API}/samples?no=GC26510107102`, { token: sampler })).body
      .items[0]
    expect(purchase).toMatchObject({
      batch: '(购进日期)2026/10/3',
      productionDate: '2026-10-03',
      purchaseDate: true,
    })

    const before = await count('sample_items')
    // The same content with CRLF line ends is the same file.
    const again = await importCsv(text.replace(/\n/g, '\r\n'))
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ duplicate: true, samples: 0, importId: r.body.importId })
    expect(again.body.message).toContain('nothing added')
    expect(await count('sample_items')).toBe(before)
    const events = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'samples.imported')
      .execute()
    expect(events).toHaveLength(1)
  })

  it('reads a BOM, CRLF, columns in another order, full-width spaces and a passed table without the item column', async () => {
    const text = await fixture('2026q4-passed.csv')
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text).toContain('\r\n')
    const r = await importCsv(text)
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ samples: 4, failing: 0 })
    const s = (await t.call('GET', `${API}/samples?no=GC26510105202`, { token: sampler })).body.items[0]
    expect(s).toMatchObject({ seq: 2, unit: { name: '青羊区 家乐福 光华店' }, verdict: 'pass', items: [] })
    const jt = (await t.call('GET', `${API}/samples?no=GC26510121203`, { token: sampler })).body.items[0]
    expect(jt.district.code).toBe('510121')
  })

  it('accepts ||, | and 丨 as separators', async () => {
    const rows = ['||', '|', '丨'].map(
      (sep, i) =>
        `S${i},,厂,地址,店,成都市青羊区光华大道1号,辣椒酱,,,,苏丹红Ⅰ号${sep}0.5mg/kg${sep}不得检出,调味品,,`,
    )
    const r = await importCsv([HEADER, ...rows].join('\n'))
    expect(r.status).toBe(201)
    const items = await t.deps.db
      .selectFrom('sample_items')
      .innerJoin('samples', 'samples.id', 'sample_items.sample_id')
      .select(['samples.no', 'sample_items.name', 'sample_items.result', 'sample_items.limit_value'])
      .where('samples.no', 'in', ['S0', 'S1', 'S2'])
      .orderBy('samples.no')
      .execute()
    expect(items.map((i) => [i.name, i.result, i.limit_value])).toEqual(
      Array(3).fill(['苏丹红Ⅰ号', '0.5mg/kg', '不得检出']),
    )
  })

  it('refuses a malformed file whole, naming every bad line, column and reason', async () => {
    const before = await count('samples')
    const r = await importCsv(await fixture('malformed.csv'))
    expect(r.status).toBe(422)
    expect(r.headers.get('content-type')).toContain('application/problem+json')
    expect(r.body.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`)).toEqual([
      'line 2, 生产日期/批号: row 2, column 10: impossible date "2026-02-30"',
      'line 3, 食品名称: row 3, column 7: required cell empty',
      'line 4, 不合格项目║检验结果║标准值: row 4, column 11: needs item, result and limit separated by ║',
      'line 4, 被抽样单位地址: row 4, column 6: cannot tell the district from "成都高新区天府大道北段1号"',
      'line 5: row 5: 15 cells, the header has 14',
    ])
    expect(r.body.detail).toContain('4')
    const zh = await t.call('POST', `${API}/samples/import`, {
      token: sampler,
      raw: await fixture('malformed.csv'),
      headers: { 'content-type': 'text/csv' },
    })
    expect(zh.body.issues.map((i: { message: string }) => i.message)).toEqual([
      '第 2 行，第 10 列：日期「2026-02-30」不存在',
      '第 3 行，第 7 列：必填单元格为空',
      '第 4 行，第 11 列：须为「项目║检验结果║标准值」三部分',
      '第 4 行，第 6 列：无法从地址「成都高新区天府大道北段1号」判断所属区县',
      '第 5 行：本行有 15 个单元格，表头只有 14 个',
    ])
    // Wholly in the page's language: the detail and every message, English by Accept-Language too.
    expect(zh.body.detail).toBe('文件未导入：共 4 行有问题，请全部改正后重新导入')
    const en = await t.call('POST', `${API}/samples/import`, {
      token: sampler,
      raw: await fixture('malformed.csv'),
      headers: { 'content-type': 'text/csv', 'accept-language': 'en-GB,en;q=0.9' },
    })
    expect(en.body.detail).toBe('File not imported: 4 bad row(s); fix them all and import again')
    expect(en.body.issues.map((i: { message: string }) => i.message.split(':')[0])).toEqual([
      'row 2, column 10',
      'row 3, column 7',
      'row 4, column 11',
      'row 4, column 6',
      'row 5',
    ])
    expect(await count('samples')).toBe(before)
  })

  it('names the first 1,000 problems of a file of bad rows and counts them all', async () => {
    const before = await count('samples')
    // Every row bad twice: no food name, and an address no district is read from.
    const rows = Array.from({ length: 1200 }, (_, i) => `BAD${i},${i + 1},,,某店,火星基地${i}号,,,,,,蔬菜,,`)
    const r = await importCsv(`${HEADER}\n${rows.join('\n')}\n`)
    expect(r.status).toBe(422)
    // The first 1,000 kept; problem+json shows the first 100 of those and their number.
    expect(r.body.issueCount).toBe(1000)
    expect(r.body.issues).toHaveLength(100)
    expect(r.body.issues.slice(0, 2).map((i: { message: string }) => i.message)).toEqual([
      'row 2, column 7: required cell empty',
      'row 2, column 6: cannot tell the district from "火星基地0号"',
    ])
    expect(r.body.detail).toBe(
      'File not imported: 1200 bad row(s); fix them all and import again (2400 problems; the first 1000 are listed)',
    )
    expect(await count('samples')).toBe(before)
  })

  it('refuses unknown and missing columns, contradicting continuation rows and numbers already recorded', async () => {
    const header = await importCsv('抽样编号,食品名称,产地\nA,b,c\n')
    expect(header.status).toBe(422)
    expect(header.body.issues.map((i: { message: string }) => i.message)).toEqual([
      'row 1, column 3: unknown column "产地"',
      'row 1: required column "被抽样单位名称" missing',
      'row 1: required column "被抽样单位地址" missing',
      'row 1: required column "分类" missing',
    ])
    expect(header.body.issues.map((i: { path: string }) => i.path)).toEqual([
      'line 1, 产地',
      'line 1, 被抽样单位名称',
      'line 1, 被抽样单位地址',
      'line 1, 分类',
    ])
    const rows = [
      HEADER,
      'C1,1,厂,址,店,成都市青羊区光华大道1号,辣椒酱,,,,过氧化值║0.5g/100g║≤0.25g/100g,调味品,,',
      'C1,,,,,,火锅底料,,,,,,,',
      'GC26510104101,2,厂,址,店,成都市青羊区光华大道1号,辣椒酱,,,,,调味品,,',
    ]
    const r = await importCsv(rows.join('\r\n'))
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`)).toEqual([
      'line 3, 不合格项目║检验结果║标准值: row 3, column 11: continuation row of C1 without an item',
      'line 3, 食品名称: row 3, column 7: differs from the first row of sample C1',
    ])
    const taken = await importCsv([HEADER, rows[3]].join('\n'))
    expect(taken.body.issues).toEqual([
      {
        path: 'line 2, 抽样编号',
        message: 'row 2, column 1: sample number GC26510104101 is already recorded',
        code: 'bad_row',
      },
    ])
    expect((await importCsv(HEADER)).status).toBe(422)
    expect((await importCsv(`${HEADER}\nN,1,a,b,c,成都市青羊区1号,d,,,,,e,,\u0000`)).status).toBe(422)
  })

  it('reads quoted cells with commas, quotes and line breaks, and counts lines through them', async () => {
    const text = [
      HEADER,
      'Q1,1,"成都某食品有限公司,分公司",址,"店""一号""",成都市青羊区光华大道1号,辣椒酱,,,,,调味品,,"备注第一行',
      '备注第二行"',
      'Q2,2,厂,址,店,成都市青羊区光华大道1号,,,,,,调味品,,',
    ].join('\n')
    const bad = await importCsv(text)
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['line 4, 食品名称'])
    const good = await importCsv(text.replace('光华大道1号,,,,,,调味品', '光华大道1号,腊肉,,,,,调味品'))
    expect(good.status).toBe(201)
    const q1 = (await t.call('GET', `${API}/samples?no=Q1`, { token: sampler })).body.items[0]
    expect(q1).toMatchObject({ producer: { name: '成都某食品有限公司,分公司' }, unit: { name: '店"一号"' } })
    expect(q1.remarks).toBe('备注第一行 备注第二行')
    const unclosed = await importCsv(`${HEADER}\nQ3,1,"厂,址`)
    expect(unclosed.status).toBe(422)
    expect(unclosed.body.issues[0].path).toBe('line 2')
  })

  it('refuses other content types, other roles, and a file over the import limit', async () => {
    expect((await importCsv(HEADER, sampler, 'application/json')).status).toBe(415)
    expect((await importCsv(HEADER, await t.token('reviewer'))).status).toBe(403)
    expect(
      (
        await t.call('POST', `${API}/samples/import`, {
          raw: HEADER,
          headers: { 'content-type': 'text/csv' },
        })
      ).status,
    ).toBe(401)
    // JSON routes keep refusing text/csv.
    const json = await t.call('POST', `${API}/samples`, {
      token: sampler,
      raw: HEADER,
      headers: { 'content-type': 'text/csv' },
    })
    expect(json.status).toBe(415)
  })

  it('takes a file larger than the JSON body limit', async () => {
    const rows = Array.from(
      { length: 12_000 },
      (_, i) =>
        `B${String(i).padStart(6, '0')},${i + 1},成都某食品有限公司,成都市新都区工业大道${i}号,某超市第${i}分店,成都市青羊区光华大道一段${i}号,麻辣火锅底料,400g/袋,某牌,2026-09-30,,方便食品,成都市食品药品检验研究院,`,
    )
    const text = [HEADER, ...rows].join('\n')
    expect(Buffer.byteLength(text)).toBeGreaterThan(t.deps.config.BODY_LIMIT_BYTES)
    const r = await importCsv(text)
    expect(r.status).toBe(201)
    expect(r.body.samples).toBe(12_000)
  })
})

describe('npm run cli -- samples import', () => {
  // On PGlite the store is held open by this process, so the CLI (another process) cannot open it.
  it.skipIf(testEngine() !== 'postgres')(
    'imports files and reports; refuses a malformed file listing its bad lines',
    async () => {
      const env = { DATABASE_URL: t.testDb.url ?? '', LOG_LEVEL: 'warn' }
      const ok = await runTs(
        'src/cli/main.ts',
        ['samples', 'import', resolve(FIXTURES, '2026q4-passed.csv')],
        env,
      )
      expect(ok.stdout).toContain('duplicate') // imported above through the API
      const bad = await runTs(
        'src/cli/main.ts',
        ['samples', 'import', resolve(FIXTURES, 'malformed.csv')],
        env,
      )
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain('row 4, column 6: cannot tell the district')
      expect(bad.stderr).toContain('row 5: 15 cells, the header has 14')
    },
  )
})
