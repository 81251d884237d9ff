import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { neutraliseCell, toCsv } from '../../src/domain/csv.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

describe('the CSV writer', () => {
  it('neutralises cells a spreadsheet would run as formulas (OWASP), keeps numbers numbers', () => {
    for (const s of ['=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")'])
      expect(neutraliseCell(s)).toBe(`'${s}`)
    for (const s of ['1+2', 'a=b', ' =x', '锦江区', '']) expect(neutraliseCell(s)).toBe(s)
    expect(neutraliseCell(-3)).toBe('-3')
    expect(neutraliseCell(null)).toBe('')
    expect(neutraliseCell(Number.POSITIVE_INFINITY)).toBe('')
  })

  it('writes UTF-8 with a BOM and quotes what needs quoting', () => {
    const text = toCsv(
      ['a', 'b'],
      [
        ['x,y', '引号"'],
        ['=cmd', 2],
      ],
    )
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(parse(text.slice(1))).toEqual([
      ['a', 'b'],
      ['x,y', '引号"'],
      ["'=cmd", '2'],
    ])
  })
})

describe('CSV exports over HTTP', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  it('a token named like a formula shows as text in the events export', async () => {
    const evil = await t.token('commander', { name: '=HYPERLINK("http://evil.example","点我")' })
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: evil,
      body: { playbook: 'sudan-red', level: 'IV', title: '导出', districts: ['510104'] },
    })
    expect(inc.status).toBe(201)
    const r = await t.call('GET', `/api/v1/incidents/${inc.body.id}/events`, {
      token: evil,
      headers: { accept: 'text/csv' },
    })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const bytes = new Uint8Array(
      await (
        await fetch(`${t.baseUrl}/api/v1/incidents/${inc.body.id}/report`, {
          headers: { authorization: `Bearer ${evil}`, accept: 'text/csv' },
        })
      ).arrayBuffer(),
    )
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const rows = parse(r.text.replace(/^\uFEFF/, '')) as string[][]
    const actorColumn = rows[0]!.indexOf('actor')
    const names = rows.slice(1).map((row) => row[actorColumn])
    expect(names.length).toBeGreaterThan(1)
    for (const n of names) expect(n).toBe(`'=HYPERLINK("http://evil.example","点我")`)
    // Every event is in the download, not just a page.
    const count = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_id', '=', inc.body.id)
      .executeTakeFirstOrThrow()
    expect(rows.length - 1).toBe(Number(count.n))
  })
})
