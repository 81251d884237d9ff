import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Called, startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let commander: string
const API = '/api/v1'

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0' } })
  commander = await t.token('commander')
})
afterAll(() => t.close())

const activate = (body: Record<string, unknown>) =>
  t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'III', title: '苏丹红', districts: ['510104', '510105'], ...body },
  })

const alertOf = async (incidentId: string, query = 'status=all') => {
  const list = await t.call('GET', `${API}/public/alerts?${query}&limit=500`)
  expect(list.status).toBe(200)
  type Listed = Called['body']
  return (list.body.items as Listed[]).find((a) => a.source.id === incidentId) as Listed | undefined
}

describe('alerts from incidents', () => {
  it('activation issues the playbook’s public notice as an Alert, bilingual, with areas and products', async () => {
    const inc = await activate({
      products: [{ name: '香辣辣椒酱', brand: '川味坊', batch: '20261102A', maker: '成都某调味品有限公司' }],
    })
    expect(inc.status).toBe(201)
    const alert = await alertOf(inc.body.id, 'status=active')
    expect(alert).toMatchObject({
      status: 'active',
      exercise: false,
      level: 'III',
      colour: 'yellow',
      severity: 'Moderate',
      responseType: ['Avoid'],
      title: { zh: '停止购买和食用含苏丹红的辣椒制品' },
      areas: [
        { code: '510104', nameZh: '锦江区' },
        { code: '510105', nameZh: '青羊区' },
      ],
      products: [
        { name: '香辣辣椒酱', brand: '川味坊', batch: '20261102A', producer: '成都某调味品有限公司' },
      ],
      source: { kind: 'incident', reference: inc.body.code },
    })
    expect(alert?.versions).toHaveLength(1)
    expect(alert?.versions[0].msgType).toBe('Alert')
    expect(alert?.issuedAt).toMatch(/\+08:00$/)
    // The alert and its event committed with the activation.
    const events = await t.deps.db
      .selectFrom('events')
      .select('type')
      .where('incident_id', '=', inc.body.id)
      .where('type', 'like', 'alert.%')
      .execute()
    expect(events.map((e) => e.type)).toEqual(['alert.issued'])
  })

  it('a level change is an Update with the new severity; closing is an Update with AllClear', async () => {
    const inc = await activate({ level: 'IV' })
    const up = await t.call('POST', `${API}/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'I', reason: '扩散' },
    })
    expect(up.status).toBe(200)
    let alert = await alertOf(inc.body.id)
    expect(alert).toMatchObject({ level: 'I', colour: 'red', severity: 'Extreme', status: 'active' })
    expect(alert?.versions.map((v: { msgType: string }) => v.msgType)).toEqual(['Alert', 'Update'])

    const closed = await t.call('POST', `${API}/incidents/${inc.body.id}/close`, {
      token: commander,
      body: { summary: '全部下架封存完毕' },
    })
    expect(closed.status).toBe(200)
    alert = await alertOf(inc.body.id)
    expect(alert).toMatchObject({ status: 'closed', responseType: ['AllClear'], urgency: 'Past' })
    expect(alert?.closingNote).toEqual({ zh: '全部下架封存完毕', en: '全部下架封存完毕' })
    expect(alert?.versions.map((v: { msgType: string }) => v.msgType)).toEqual(['Alert', 'Update', 'Update'])
    // No longer active: gone from the default list, still in status=all.
    expect(await alertOf(inc.body.id, 'status=active')).toBeUndefined()
  })

  it('exercise incidents make exercise alerts, listed only with exercise=true', async () => {
    const inc = await activate({ exercise: true })
    expect(await alertOf(inc.body.id)).toBeUndefined()
    const drill = await alertOf(inc.body.id, 'status=all&exercise=true')
    expect(drill).toMatchObject({ exercise: true })
    const cap = await t.call('GET', drill?.capUrl)
    expect(cap.text).toContain('<status>Exercise</status>')
  })
})

describe('GET /public/alerts', () => {
  it('orders active first by severity then newest, filters by district and category, and pages', async () => {
    const a = await activate({ level: 'IV', districts: ['510107'] })
    t.clock.advance(60_000)
    const b = await activate({ level: 'II', districts: ['510107'] })
    t.clock.advance(60_000)
    const c = await activate({ level: 'IV', districts: ['510107'] })
    const list = await t.call('GET', `${API}/public/alerts?district=510107`)
    const ids = list.body.items.map((i: { source: { id: string } }) => i.source.id)
    expect(ids).toEqual([b.body.id, c.body.id, a.body.id])
    const other = await t.call('GET', `${API}/public/alerts?district=510112`)
    expect(other.body.items).toEqual([])
    const noCat = await t.call('GET', `${API}/public/alerts?district=510107&category=Geo`)
    expect(noCat.body.items).toEqual([])
    const health = await t.call('GET', `${API}/public/alerts?district=510107&category=Health`)
    expect(health.body.items).toHaveLength(3)

    const first = await t.call('GET', `${API}/public/alerts?district=510107&limit=2`)
    expect(first.body.items).toHaveLength(2)
    const second = await t.call(
      'GET',
      `${API}/public/alerts?district=510107&limit=2&cursor=${encodeURIComponent(first.body.next)}`,
    )
    expect(second.body.items.map((i: { source: { id: string } }) => i.source.id)).toEqual([a.body.id])
    expect(second.body.next).toBeNull()
  })

  it('answers 304 to a matching If-None-Match, with a Cache-Control a CDN honours', async () => {
    const first = await t.call('GET', `${API}/public/alerts`)
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^".+"$/)
    expect(first.headers.get('cache-control')).toMatch(/public.*s-maxage=\d+/)
    const again = await t.call('GET', `${API}/public/alerts`, { headers: { 'if-none-match': etag! } })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    await activate({})
    const changed = await t.call('GET', `${API}/public/alerts`, { headers: { 'if-none-match': etag! } })
    expect(changed.status).toBe(200)
  })

  it('refuses bad filters, listing every problem, and unknown ids with 404', async () => {
    const bad = await t.call('GET', `${API}/public/alerts?status=old&district=abc&limit=0`)
    expect(bad.status).toBe(422)
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/)
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      ['query.district', 'query.limit', 'query.status'].sort(),
    )
    const cursor = await t.call('GET', `${API}/public/alerts?cursor=nonsense`)
    expect(cursor.status).toBe(422)
    const missing = await t.call('GET', `${API}/public/alerts/${crypto.randomUUID()}`)
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe('not_found')
    const junk = await t.call('GET', `${API}/public/alerts/not-a-uuid`)
    expect(junk.status).toBe(404)
  })

  it('accepts the parameters public reads need and refuses unknown ones, repeat or not', async () => {
    for (const path of [
      `${API}/public/alerts?status=all&exercise=true&limit=5&lang=en`,
      `${API}/public/search?q=${encodeURIComponent('辣椒')}&limit=5&lang=en`,
      '/?lang=en',
      `/search?q=${encodeURIComponent('辣椒')}&lang=zh`,
      '/feeds/alerts.atom?lang=en',
    ])
      expect((await t.call('GET', path)).status, path).toBe(200)
    for (const path of [
      `${API}/public/alerts?bogus=1`,
      '/?bogus=1',
      '/search?q=x&bogus=1',
      '/feeds/alerts.atom?x=1',
    ]) {
      // Twice: a refused URL is never cached, so the repeat is refused too.
      for (let i = 0; i < 2; i++) {
        const res = await t.call('GET', path)
        expect(res.status, path).toBe(422)
        const name = new URL(path, 'http://x').searchParams.has('bogus') ? 'bogus' : 'x'
        // Pages answer a person (an HTML page naming the parameter); the API and feeds a problem.
        if (/^text\/html/.test(res.headers.get('content-type') ?? '')) expect(res.text, path).toContain(name)
        else expect(res.body.issues.map((x: { path: string }) => x.path)).toContain(`query.${name}`)
      }
    }
  })

  it('answers a repeat from memory yet still refuses an invalid token, and logs it with its request id', async () => {
    const first = await t.call('GET', `${API}/public/alerts?status=all`)
    const again = await t.call('GET', `${API}/public/alerts?status=all`)
    expect(again.status).toBe(200)
    expect(again.text).toBe(first.text)
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
    // Answered before routing, yet inside the app-wide layers: the security headers are there.
    expect(again.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(again.headers.get('x-frame-options')).toBe('DENY')
    expect(again.headers.get('x-content-type-options')).toBe('nosniff')
    const bad = await t.call('GET', `${API}/public/alerts?status=all`, { token: 'rs_not_a_real_token' })
    expect(bad.status).toBe(401)
  })

  it('GET /public/alerts/{id} returns one alert with its versions', async () => {
    const inc = await activate({})
    const listed = await alertOf(inc.body.id)
    const one = await t.call('GET', `${API}/public/alerts/${listed?.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(listed)
  })
})
