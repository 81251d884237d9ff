import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drawDistricts } from '../../src/inspections/spot-checks.service.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let commander: string
let jinjiang: string

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

const draw = (body: unknown, token = commander) => t.call('POST', `${API}/spot-checks`, { token, body })

describe('每季抽查: the quarterly spot check of districts', () => {
  it('draws the quarter’s districts from the published seed; anyone can repeat it', async () => {
    const r = await draw({ quarter: '2026-Q4', count: 4, seed: 'chengdu-2026-Q4-spot' })
    expect(r.status, r.text).toBe(201)
    expect(r.body).toMatchObject({ quarter: '2026-Q4', seed: 'chengdu-2026-Q4-spot', count: 4 })
    const codes = t.deps.districts.codes().sort()
    expect(r.body.population).toEqual(codes)
    expect(r.body.districts.map((d: { position: number }) => d.position)).toEqual([1, 2, 3, 4])
    const drawn = r.body.districts.map((d: { code: string }) => d.code)
    expect(new Set(drawn).size).toBe(4)
    // The same seed over the same districts gives the same list, in the same order.
    expect(drawDistricts('chengdu-2026-Q4-spot', [...codes].reverse(), 4)).toEqual(drawn)
    expect(drawDistricts('another-seed-2026', codes, 4)).not.toEqual(drawn)
    // Another quarter with the same seed draws the same districts.
    const q1 = await draw({ quarter: '2027-Q1', count: 4, seed: 'chengdu-2026-Q4-spot' })
    expect(q1.body.districts.map((d: { code: string }) => d.code)).toEqual(drawn)
    const name = t.deps.districts.items.find((d) => d.code === drawn[0])?.nameZh
    expect(r.body.districts[0].name).toBe(name)

    // Read back: the list (latest quarter first), one by id, the district sees it, the public sees it.
    const list = await t.call('GET', `${API}/spot-checks`, { token: jinjiang })
    expect(list.status, list.text).toBe(200)
    expect(list.body.items.map((s: { quarter: string }) => s.quarter)).toEqual(['2027-Q1', '2026-Q4'])
    const one = await t.call('GET', `${API}/spot-checks/${r.body.id}`, { token: commander })
    expect(one.body).toEqual(r.body)
    const pub = await t.call('GET', `${API}/public/spot-checks`, {})
    expect(pub.status, pub.text).toBe(200)
    expect(pub.body.items).toHaveLength(2)
    const page = await t.call('GET', '/inspections', {})
    expect(page.status).toBe(200)
    expect(page.text).toContain('每季抽查')
    expect(page.text).toContain('chengdu-2026-Q4-spot')
    expect(page.text).toContain(name)
    const event = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'spot_check.drawn')
      .where('subject', '=', r.body.id)
      .executeTakeFirstOrThrow()
    expect(event.payload).toMatchObject({ quarter: '2026-Q4', districts: drawn })
  })

  it('refuses bad input naming every problem, a second draw of a quarter, and more districts than exist', async () => {
    const bad = await draw({ quarter: '2026-Q5', count: 21, seed: 'short' })
    expect(bad.status).toBe(422)
    for (const field of ['quarter', 'count', 'seed']) expect(bad.text).toContain(field)
    expect((await draw({ quarter: '2026Q1', count: 0, seed: 'chengdu-seed-x' })).status).toBe(422)
    expect((await draw({ quarter: '2026-Q2', count: 2.5, seed: 'chengdu-seed-x' })).status).toBe(422)
    const again = await draw({ quarter: '2026-Q4', count: 2, seed: 'chengdu-other-seed' })
    expect(again.status).toBe(409)
    expect(again.text).toContain('2026-Q4')
    const n = t.deps.districts.items.length
    if (n < 20) {
      const many = await draw({ quarter: '2026-Q3', count: n + 1, seed: 'chengdu-seed-x' })
      expect(many.status).toBe(422)
      expect(many.text).toContain(`${n}`)
    }
    const rows = await t.deps.db.selectFrom('spot_checks').select('quarter').execute()
    expect(rows.map((r) => r.quarter).sort()).toEqual(['2026-Q4', '2027-Q1'])
    const none = '00000000-0000-4000-8000-000000000000'
    expect((await t.call('GET', `${API}/spot-checks/${none}`, { token: commander })).status).toBe(404)
  })

  it('who is refused: only the command centre draws; the sampler cannot read', async () => {
    const body = { quarter: '2028-Q1', count: 2, seed: 'chengdu-seed-y' }
    expect((await draw(body, jinjiang)).status).toBe(403)
    expect((await t.call('POST', `${API}/spot-checks`, { body })).status).toBe(401)
    const sampler = await t.token('sampler')
    expect((await t.call('GET', `${API}/spot-checks`, { token: sampler })).status).toBe(403)
  })
})
