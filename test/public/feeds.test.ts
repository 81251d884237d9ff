import { readFileSync } from 'node:fs'
import Parser from 'rss-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { announcement, publish, sample } from '../alerts/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const XSD = readFileSync(new URL('../fixtures/cap/cap-v1.2.xsd', import.meta.url), 'utf8')
let t: TestApp
let commander: string
const API = '/api/v1'

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0' } })
  commander = await t.token('commander')
})
afterAll(() => t.close())

async function validCap(xml: string) {
  const r = await validateXML({ xml: [{ fileName: 'alert.xml', contents: xml }], schema: [XSD] })
  expect(r.errors, xml).toEqual([])
  expect(r.valid).toBe(true)
}

describe('CAP 1.2 messages', () => {
  it('every version of an incident alert validates, with +08:00 times, two infos and references', async () => {
    const inc = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: {
        playbook: 'sudan-red',
        level: 'III',
        title: 'x',
        districts: ['510104'],
        products: [{ name: '辣椒油 & <特辣>', batch: 'A1' }],
      },
    })
    await t.call('POST', `${API}/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'II', reason: 'r' },
    })
    await t.call('POST', `${API}/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: 's' },
    })
    const list = await t.call('GET', `${API}/public/alerts?status=all`)
    const alert = list.body.items.find((a: { source: { id: string } }) => a.source.id === inc.body.id)
    expect(alert.versions).toHaveLength(3)
    const identifiers: string[] = []
    for (const v of alert.versions) {
      const res = await t.call('GET', v.capUrl)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/cap\+xml/)
      await validCap(res.text)
      expect(res.text).toMatch(/<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00<\/sent>/)
      expect(res.text.match(/<info>/g)).toHaveLength(2)
      expect(res.text).toContain('<language>zh-CN</language>')
      expect(res.text).toContain('<language>en-US</language>')
      expect(res.text).toContain('<value>510104</value>')
      expect(res.text).toContain('辣椒油 &amp; &lt;特辣&gt;')
      expect(res.text).toContain(`<msgType>${v.msgType}</msgType>`)
      if (v.msgType === 'Alert') expect(res.text).not.toContain('<references>')
      else for (const id of identifiers) expect(res.text).toMatch(new RegExp(`<references>[^<]*,${id},`))
      identifiers.push(v.identifier)
    }
    const last = await t.call('GET', alert.versions[2].capUrl)
    expect(last.text).toContain('<responseType>AllClear</responseType>')
  })

  it('a retraction Cancels and a correction Updates the product alerts, each message valid', async () => {
    const s1 = sample({ foodName: '剁辣椒', batch: 'DLJ-0427' })
    const s2 = sample({
      foodName: '鲜猪肉',
      category: '畜禽肉',
      failingItems: [{ name: '克伦特罗', result: '0.9μg/kg', limit: '不得检出' }],
    })
    const original = announcement('original', [s1, s2], t.clock.now())
    expect(await publish(t, original)).toEqual({ issued: 2, updated: 0, cancelled: 0 })
    t.clock.advance(3600_000)
    const fixed = announcement(
      'correction',
      [
        {
          ...s1,
          id: crypto.randomUUID(),
          failingItems: [{ name: '苏丹红Ⅰ', result: '8.1μg/kg', limit: '不得检出' }],
        },
      ],
      t.clock.now(),
      original.announcement.id,
    )
    expect(await publish(t, fixed)).toEqual({ issued: 0, updated: 1, cancelled: 1 })
    t.clock.advance(3600_000)
    const retraction = announcement('retraction', [], t.clock.now(), fixed.announcement.id)
    expect(await publish(t, retraction)).toEqual({ issued: 0, updated: 0, cancelled: 1 })

    const all = await t.call(
      'GET',
      `${API}/public/alerts?status=all&category=${encodeURIComponent('调味品')}`,
    )
    const chilli = all.body.items.find(
      (a: { products: { batch: string }[] }) => a.products[0]?.batch === 'DLJ-0427',
    )
    expect(chilli.status).toBe('cancelled')
    expect(chilli.versions.map((v: { msgType: string }) => v.msgType)).toEqual(['Alert', 'Update', 'Cancel'])
    expect(chilli.products[0].failingItems[0].result).toBe('8.1μg/kg')
    for (const v of chilli.versions) await validCap((await t.call('GET', v.capUrl)).text)
    const active = await t.call('GET', `${API}/public/alerts`)
    expect(active.body.items.some((a: { id: string }) => a.id === chilli.id)).toBe(false)
  })

  it('answers 404 for an unknown message', async () => {
    expect((await t.call('GET', `/cap/${crypto.randomUUID()}.xml`)).status).toBe(404)
    expect((await t.call('GET', '/cap/whatever')).status).toBe(404)
  })
})

describe('Atom feed', () => {
  it('parses in a feed reader; each entry links to its CAP message; drills stay out; AllClear shows', async () => {
    const drill = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'drill', districts: ['510104'], exercise: true },
    })
    expect(drill.status).toBe(201)
    const res = await t.call('GET', '/feeds/alerts.atom')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/)
    const feed = await new Parser({
      customFields: { item: [['link', 'links', { keepArray: true }]] },
    }).parseString(res.text)
    expect(feed.items.length).toBeGreaterThan(0)
    const drills = await t.call('GET', `${API}/public/alerts?exercise=true&status=all`)
    const drillIds = new Set(drills.body.items.map((a: { id: string }) => `urn:uuid:${a.id}`))
    for (const item of feed.items) {
      expect(drillIds.has((item as { id?: string }).id ?? '')).toBe(false)
      const links = (item as unknown as { links: { $: { rel: string; type: string; href: string } }[] }).links
      const cap = links.find((l) => l.$.type === 'application/cap+xml')
      expect(cap).toBeDefined()
      const url = new URL(cap!.$.href)
      expect((await t.call('GET', url.pathname)).status).toBe(200)
    }
    expect(feed.items.some((i) => i.title?.startsWith('【已解除】'))).toBe(true)
  })
})
