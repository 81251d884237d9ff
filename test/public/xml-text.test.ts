import Parser from 'rss-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { approved, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * A product name is text a person typed: characters XML cannot carry are refused where it comes in, and
 * whatever is kept reaches the Atom feed, CAP and the pages escaped exactly once.
 */
const API = '/api/v1'
const TYPED = '辣椒酱 &amp; 豆瓣 &nbsp; &#0; <特辣> "A&B"'
let t: TestApp
let s: Staff

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0' } })
  s = await staff(t)
})
afterAll(() => t.close())

const sample = (no: string, foodName: string, extra: Record<string, unknown> = {}) => ({
  no,
  unit: { name: '某超市', address: '成都市锦江区总府路1号' },
  foodName,
  category: '调味品',
  items: [{ name: '苏丹红I', result: '12μg/kg', limit: '不得检出', verdict: 'fail' }],
  ...extra,
})

const unescapeXml = (s: string) =>
  s.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '',
  )

async function wellFormed(xml: string) {
  const r = await validateXML({ xml: [{ fileName: 'doc.xml', contents: xml }], schema: [] }).catch(
    (err: unknown) => ({ valid: false, errors: [String(err)] }),
  )
  return r.errors
}

describe('characters XML cannot carry are refused at intake', () => {
  it('the API refuses U+0001, U+000B (even at an end), U+FFFE and U+0085 in text, naming each field', async () => {
    const r = await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: sample('XML-BAD-1', '辣椒\u0001酱', {
        brand: '品牌\u000B',
        spec: '500g\uFFFE',
        remarks: '备注\u0085',
      }),
    })
    expect(r.status).toBe(422)
    const paths = (r.body.issues as { path: string; message: string }[]).map((i) => i.path).sort()
    expect(paths).toEqual(['body.brand', 'body.foodName', 'body.remarks', 'body.spec'])
    expect(JSON.stringify(r.body.issues)).toContain('U+0001')
    // Tab and line breaks are text.
    const ok = await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: sample('XML-OK-1', '辣椒酱', { remarks: '第一行\n第二行\t备注' }),
    })
    expect(ok.status, ok.text).toBe(201)
  })

  it('other entry points share the rule: an incident title, a task note', async () => {
    const commander = await t.token('commander')
    const r = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '标题\u0008', districts: ['510104'] },
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain('body.title')
  })
})

describe('entity-like text is stored as typed and escaped exactly once', () => {
  it('in the Atom feed, CAP and the HTML page, a typed &amp; reads back as &amp;', async () => {
    const made = await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: sample('XML-ENT-1', TYPED),
    })
    expect(made.status, made.text).toBe(201)
    expect(made.body.foodName).toBe(TYPED)
    const id = await approved(t, s, { number: '成市监抽检〔2026〕XML号', sampleNos: ['XML-ENT-1'] })
    const pub = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
    expect(pub.status, pub.text).toBe(200)

    const atom = await t.call('GET', '/feeds/alerts.atom')
    expect(atom.status).toBe(200)
    expect(await wellFormed(atom.text)).toEqual([])
    const feed = await new Parser().parseString(atom.text)
    expect(feed.items.map((i) => i.title).join('\n')).toContain(TYPED)

    const alerts = await t.call('GET', `${API}/public/alerts?status=all`)
    const alert = alerts.body.items.find((a: { title: { zh: string } }) =>
      a.title.zh.includes('辣椒酱 &amp;'),
    )
    expect(alert, JSON.stringify(alerts.body.items.map((a: { title: unknown }) => a.title))).toBeDefined()
    const cap = await t.call('GET', alert.versions[0].capUrl)
    expect(await wellFormed(cap.text)).toEqual([])
    // Well-formed (above), so what a parser gives back is the text with the predefined entities decoded.
    const values = [...cap.text.matchAll(/<value>([^<]*)<\/value>/g)].map((m) => unescapeXml(m[1] ?? ''))
    expect(values).toContain(TYPED)

    const page = await t.call('GET', `/alerts/${alert.id}`)
    expect(page.text).toContain('辣椒酱 &amp;amp; 豆瓣 &amp;nbsp; &amp;#0; &lt;特辣&gt;')
  })
})
