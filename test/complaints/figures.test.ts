import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, file } from './helpers.js'

const API = '/api/v1'
let t: TestApp
let admin: string
let commander: string
let officer: string
let neighbour: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  admin = await t.token('admin')
  commander = await t.token('commander')
  officer = await t.token('district', { district: '510104' })
  neighbour = await t.token('district', { district: '510105' })
})
afterAll(() => t.close())

describe('figures per district and month, and the city totals on /stats', () => {
  it('counts received by kind, on-time rates, mediations agreed and the exact amount recovered; never exercises', async () => {
    for (const recovered of ['12.50', '0.10']) {
      const c = await file(t, admin, { description: `调解 ${recovered}` })
      await t.call('POST', `${API}/complaints/${c.id}/take`, { token: officer })
      await t.call('POST', `${API}/complaints/${c.id}/decide`, {
        token: officer,
        body: { decision: 'accept' },
      })
      await t.call('POST', `${API}/complaints/${c.id}/close`, {
        token: officer,
        body: { outcome: 'agreed', recovered },
      })
    }
    await file(t, admin, { kind: 'report', contact: null, description: '举报一' })
    await file(t, admin, {
      kind: 'enquiry',
      description: '咨询一',
      business: { name: '青羊店', address: '成都市青羊区某路1号' },
    })
    // An exercise recorded by staff is never counted.
    const drill = await t.call('POST', `${API}/complaints`, {
      token: commander,
      body: {
        ...complaintBody({ description: '演练' }),
        channel: 'phone',
        receivedAt: '2026-11-30T08:00:00+08:00',
        exercise: true,
      },
    })
    expect(drill.status).toBe(201)

    const mine = await t.call('GET', `${API}/complaint-figures?year=2026`, { token: officer })
    expect(mine.status).toBe(200)
    expect(mine.body.rows).toEqual([
      {
        month: '2026-11',
        district: '510104',
        received: { complaint: 2, report: 1, enquiry: 0, total: 3 },
        decided: 2,
        decidedOnTime: 2,
        decidedOnTimeRate: 100,
        closed: 2,
        closedOnTime: 2,
        closedOnTimeRate: 100,
        mediationsAgreed: 2,
        recovered: '12.60',
      },
    ])
    // A district asking for another's figures still gets its own.
    const other = await t.call('GET', `${API}/complaint-figures?year=2026&district=510104`, {
      token: neighbour,
    })
    expect(other.body.rows.map((r: { district: string }) => r.district)).toEqual(['510105'])
    const all = await t.call('GET', `${API}/complaint-figures`, { token: commander })
    expect(all.body.year).toBe(2026)
    expect(all.body.rows).toHaveLength(2)

    const city = await t.call('GET', `${API}/public/complaint-stats?year=2026`)
    expect(city.status).toBe(200)
    expect(city.body).toMatchObject({
      year: 2026,
      received: { complaint: 2, report: 1, enquiry: 1, total: 4 },
      mediationsAgreed: 2,
      recovered: '12.60',
    })
    const stats = await t.call('GET', `${API}/public/stats`)
    expect(stats.body.complaints).toEqual(city.body)
    const page = await t.call('GET', '/stats')
    expect(page.status).toBe(200)
    expect(page.text).toContain('12315')
    expect(page.text).toContain('12.60 元')
  })

  it('who is refused', async () => {
    const sampler = await t.token('sampler')
    expect((await t.call('GET', `${API}/complaint-figures`, { token: sampler })).status).toBe(403)
    expect((await t.call('GET', `${API}/complaint-figures`)).status).toBe(401)
    expect((await t.call('GET', `${API}/public/complaint-stats?year=1900`)).status).toBe(422)
  })
})
