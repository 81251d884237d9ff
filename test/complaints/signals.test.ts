import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'
import { complaintBody, file, PUBLIC } from './helpers.js'

const API = '/api/v1'

let t: TestApp
let admin: string
let commander: string
let officer: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  admin = await t.token('admin')
  commander = await t.token('commander')
  officer = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

const batch = (b: string, i: number, district = '锦江区') =>
  complaintBody({
    product: { name: '香辣辣椒酱', brand: `品牌${b}`, batch: b },
    business: { name: `超市${b}-${i}`, address: `成都市${district}某路${i}号` },
    description: `第 ${i} 件：辣椒酱发苦`,
  })

const signalEvents = (type: string) =>
  t.deps.db.selectFrom('events').select(['payload', 'district_code']).where('type', '=', type).execute()

describe('signals from complaints', () => {
  it('the 8th complaint naming one product batch within 7 days raises one signal; the 9th joins it', async () => {
    for (let i = 1; i <= 7; i++)
      expect((await t.call('POST', PUBLIC, { body: batch('B-0001', i) })).status).toBe(201)
    expect((await t.call('GET', `${API}/signals`, { token: commander })).body.items).toHaveLength(0)
    await t.call('POST', PUBLIC, { body: batch('B-0001', 8, '青羊区') })
    const raised = await signalEvents('signal.raised')
    expect(raised).toHaveLength(1)
    expect(raised[0]!.payload).toMatchObject({
      rule: 'same-product-batch',
      count: 8,
      suggestedPlaybook: 'unqualified-product-disposal',
      suggestedLevel: 'IV',
    })
    expect(raised[0]!.district_code).toBeNull()
    expect(JSON.stringify(raised)).not.toContain('13812345678')

    await t.call('POST', PUBLIC, { body: batch('B-0001', 9) })
    expect(await signalEvents('signal.raised')).toHaveLength(1)
    const list = await t.call('GET', `${API}/signals`, { token: commander })
    expect(list.status).toBe(200)
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0]).toMatchObject({ status: 'open', count: 9, rule: 'same-product-batch' })
    expect(list.body.items[0].complaints).toHaveLength(9)
  })

  it('the commander activates the suggested response in one step, once; incident and complaints link both ways', async () => {
    const [signal] = (await t.call('GET', `${API}/signals?status=open`, { token: commander })).body.items
    const first = await t.call('POST', `${API}/signals/${signal.id}/activate`, { token: commander, body: {} })
    expect(first.status, first.text).toBe(201)
    const again = await t.call('POST', `${API}/signals/${signal.id}/activate`, {
      token: commander,
      body: { level: 'III' },
    })
    expect(again.status).toBe(200)
    expect(again.body.incident.id).toBe(first.body.incident.id)
    const incident = await t.call('GET', `${API}/incidents/${first.body.incident.id}`, { token: commander })
    expect(incident.body).toMatchObject({ playbook: 'unqualified-product-disposal', level: 'IV' })
    expect(incident.body.note).toContain(signal.code)
    expect(incident.body.districts.sort()).toEqual(['510104', '510105'])
    const linked = await t.deps.db
      .selectFrom('complaints')
      .select('incident_id')
      .where(
        'id',
        'in',
        signal.complaints.map((c: { id: string }) => c.id),
      )
      .execute()
    expect(linked.every((r) => r.incident_id === first.body.incident.id)).toBe(true)
    expect(first.body.signal).toMatchObject({ status: 'activated', incidentId: first.body.incident.id })
    expect(await signalEvents('signal.activated')).toHaveLength(1)
    // A complaint arriving within the window joins the activated signal and links to its incident.
    const late = await file(t, admin, batch('B-0001', 10))
    const lateRow = await t.call('GET', `${API}/complaints/${late.id}`, { token: commander })
    expect(lateRow.body.incidentId).toBe(first.body.incident.id)
    expect(
      (
        await t.call('POST', `${API}/signals/${signal.id}/dismiss`, {
          token: commander,
          body: { reason: 'x' },
        })
      ).status,
    ).toBe(409)
  })

  it('hazard words with variant spellings raise a signal suggesting the matching playbook; dismissal snoozes it', async () => {
    await t.call('POST', PUBLIC, {
      body: complaintBody({ description: '怀疑辣椒面里有蘇丹紅', product: { name: '辣椒面' } }),
    })
    await t.call('POST', PUBLIC, {
      body: complaintBody({ description: '颜色太红，像是 苏丹 红', product: { name: '剁椒' } }),
    })
    const signals = (await t.call('GET', `${API}/signals?status=open`, { token: commander })).body.items
    const hazard = signals.find((s: { rule: string }) => s.rule === 'hazard-words')
    expect(hazard).toMatchObject({ suggested: { playbook: 'sudan-red', level: 'III' }, count: 2 })
    expect(
      (await t.call('POST', `${API}/signals/${hazard.id}/dismiss`, { token: commander, body: {} })).status,
    ).toBe(422)
    const dismissed = await t.call('POST', `${API}/signals/${hazard.id}/dismiss`, {
      token: commander,
      body: { reason: '经核实为正常辣椒红色素', snoozeDays: 3 },
    })
    expect(dismissed.status).toBe(200)
    expect(dismissed.body.status).toBe('dismissed')
    expect(
      (await t.call('POST', `${API}/signals/${hazard.id}/activate`, { token: commander, body: {} })).status,
    ).toBe(409)
    // While snoozed, matching complaints join the dismissed signal and raise nothing new.
    await t.call('POST', PUBLIC, {
      body: complaintBody({ description: '又是苏丹红', product: { name: '火锅底料' } }),
    })
    await t.call('POST', PUBLIC, {
      body: complaintBody({ description: '还是苏丹红', product: { name: '豆瓣' } }),
    })
    const after = (await t.call('GET', `${API}/signals`, { token: commander })).body.items.filter(
      (s: { rule: string }) => s.rule === 'hazard-words',
    )
    expect(after).toHaveLength(1)
    expect(after[0].count).toBe(4)
  })

  it('who is refused: districts and the public', async () => {
    expect((await t.call('GET', `${API}/signals`, { token: officer })).status).toBe(403)
    expect((await t.call('GET', `${API}/signals`)).status).toBe(401)
    const [s] = (await t.call('GET', `${API}/signals`, { token: commander })).body.items
    expect(
      (await t.call('POST', `${API}/signals/${s.id}/activate`, { token: officer, body: {} })).status,
    ).toBe(403)
    expect(
      (
        await t.call('POST', `${API}/signals/00000000-0000-0000-0000-000000000000/activate`, {
          token: commander,
          body: {},
        })
      ).status,
    ).toBe(404)
  })

  it.skipIf(testEngine() !== 'postgres')(
    'complaints racing across the threshold raise exactly one signal (PostgreSQL: real concurrency)',
    async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => t.call('POST', PUBLIC, { body: batch('RACE-7', i + 1) })),
      )
      expect(results.every((r) => r.status === 201)).toBe(true)
      const raised = (await signalEvents('signal.raised')).filter((e) =>
        (e.payload as { title: string }).title.includes('RACE-7'),
      )
      expect(raised).toHaveLength(1)
      const [row] = await t.deps.db
        .selectFrom('signals')
        .select('complaint_count')
        .where('title', 'like', '%RACE-7%')
        .execute()
      expect(row!.complaint_count).toBe(12)
    },
  )
})
