import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CreditFact, classify } from '../../src/credit/credit-classify.js'
import { loadCreditRules } from '../../src/credit/credit-rules.loader.js'
import { draw } from '../../src/inspections/inspection-draw.js'
import { PLAYBOOKS_DIR, startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let admin: string
let commander: string
let jinjiang: string
let qingyang: string
const businesses: string[] = []
const officers: string[] = []

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  qingyang = await t.token('district', { district: '510105' })
  for (let i = 1; i <= 6; i++) {
    const r = await t.call('POST', `${API}/businesses`, {
      token: admin,
      body: { name: `抽查测试商店${i}`, address: `成都市锦江区抽查路${i}号`, district: '510104' },
    })
    expect(r.status, r.text).toBe(201)
    businesses.push(r.body.id)
  }
  for (let i = 1; i <= 3; i++) {
    const r = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: `jj-officer-${i}`, name: `锦江执法员${i}`, role: 'district', district: '510104' },
    })
    expect(r.status, r.text).toBe(201)
    officers.push(r.body.id ?? r.body.user?.id)
  }
})
afterAll(() => t.close())

const plan = (over: Record<string, unknown> = {}) => ({
  title: '2026年12月食品经营双随机抽查',
  period: '2026-12',
  population: { kinds: [], districts: ['510104'] },
  shares: { A: 0.5, B: 0, C: 0, D: 0 },
  seed: 'chengdu-2026-12-seed',
  checklist: ['许可证照', '进货查验记录', '贮存条件'],
  ...over,
})
const create = async (body: unknown) => {
  const r = await t.call('POST', `${API}/inspection-plans`, { token: commander, body })
  expect(r.status, r.text).toBe(201)
  return r.body.id as string
}
const drawOf = async (id: string) => {
  const r = await t.call('POST', `${API}/inspection-plans/${id}/draw`, { token: commander, body: {} })
  expect(r.status, r.text).toBe(200)
  return r.body
}

describe('inspection plans', () => {
  it('the same population and seed draw the same list twice, as the documented algorithm says', async () => {
    const conflicted = officers[0] as string
    const flag = await t.call('POST', `${API}/officer-conflicts`, {
      token: commander,
      body: { userId: conflicted, businessId: businesses[0], reason: '亲属经营' },
    })
    expect(flag.status, flag.text).toBe(204)
    const one = await drawOf(await create(plan()))
    const two = await drawOf(await create(plan({ title: '同一种子再抽一次' })))
    expect(one.status).toBe('drawn')
    expect(one.draw).toHaveLength(3)
    const key = (p: { draw: { business: { id: string }; inspectors: { id: string }[] }[] }) =>
      p.draw.map((d) => [d.business.id, d.inspectors.map((i) => i.id)])
    expect(key(two)).toEqual(key(one))
    expect(one.draw.map((d: { position: number }) => d.position)).toEqual([1, 2, 3])
    // Anyone can repeat it with the pure function and the published seed.
    const again = draw(
      'chengdu-2026-12-seed',
      { A: 0.5, B: 0, C: 0, D: 0 },
      businesses.map((id) => ({ id, district: '510104', class: 'A' as const })),
      (b) => officers.filter((o) => !(o === conflicted && b.id === businesses[0])),
    )
    expect(again.map((d) => [d.business.id, d.inspectors])).toEqual(key(one))
    for (const d of one.draw) {
      expect(d.inspectors).toHaveLength(2)
      if (d.business.id === businesses[0])
        expect(d.inspectors.map((i: { id: string }) => i.id)).not.toContain(conflicted)
    }
    // Each inspection is carried by the district's task of the random-inspection incident.
    expect(one.incidentId).toBeTruthy()
    expect(one.draw.every((d: { taskId: string | null }) => d.taskId)).toBe(true)
    const other = await drawOf(await create(plan({ seed: 'another-seed-2026' })))
    expect(key(other)).not.toEqual(key(one))
  })

  it('refuses bad plans naming every problem, a draw from an empty class, and a second draw', async () => {
    const bad = await t.call('POST', `${API}/inspection-plans`, {
      token: commander,
      body: plan({ shares: { A: 1.5, B: 0, C: 0, D: -0.1 } }),
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('shares.A')
    expect(bad.text).toContain('shares.D')
    const none = await t.call('POST', `${API}/inspection-plans`, {
      token: commander,
      body: plan({ shares: { A: 0, B: 0, C: 0, D: 0 }, population: { kinds: [], districts: ['999999'] } }),
    })
    expect(none.status).toBe(422)
    expect(none.text).toContain('999999')
    expect(none.text).toContain('各类抽取比例均为 0')
    const emptyClass = await create(plan({ shares: { A: 0.1, B: 0, C: 0.3, D: 1 } }))
    const refused = await t.call('POST', `${API}/inspection-plans/${emptyClass}/draw`, {
      token: commander,
      body: {},
    })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('C 类在抽查范围内没有经营主体')
    expect(refused.text).toContain('D 类在抽查范围内没有经营主体')
    const drawn = await create(plan())
    await drawOf(drawn)
    expect(
      (await t.call('POST', `${API}/inspection-plans/${drawn}/draw`, { token: commander, body: {} })).status,
    ).toBe(409)
  })

  it('who is refused: districts cannot plan or draw; the sampler cannot read', async () => {
    expect((await t.call('POST', `${API}/inspection-plans`, { token: jinjiang, body: plan() })).status).toBe(
      403,
    )
    const sampler = await t.token('sampler')
    expect((await t.call('GET', `${API}/inspection-plans`, { token: sampler })).status).toBe(403)
    expect((await t.call('POST', `${API}/inspection-plans`, { body: plan() })).status).toBe(401)
  })

  it('the district records results; a clean one moves the credit explanation; results are public', async () => {
    const id = await create(plan({ title: '结果公示测试', seed: 'results-public-01' }))
    const drawn = await drawOf(id)
    const first = drawn.draw[0]
    const path = `${API}/inspection-plans/${id}/inspections/1`
    expect((await t.call('POST', path, { token: qingyang, body: { result: 'pass' } })).status).toBe(403)
    expect((await t.call('POST', path, { token: jinjiang, body: { result: 'fine' } })).status).toBe(422)
    const ok = await t.call('POST', path, { token: jinjiang, body: { result: 'pass', note: '证照齐全' } })
    expect(ok.status, ok.text).toBe(200)
    expect(ok.body.draw[0]).toMatchObject({ result: 'pass', note: '证照齐全' })
    expect((await t.call('POST', path, { token: jinjiang, body: { result: 'pass' } })).status).toBe(409)
    expect(
      (
        await t.call('POST', `${API}/inspection-plans/${id}/inspections/99`, {
          token: jinjiang,
          body: { result: 'pass' },
        })
      ).status,
    ).toBe(404)
    const b = (await t.call('GET', `${API}/businesses/${first.business.id}`, { token: commander })).body
    // A business with no points has nothing to earn back: the clean inspection is recorded, the class stays A.
    expect(b.creditClass).toBe('A')
    expect(b.creditExplanation[0].zh).toContain('无已公布的不合格抽检记录')
    // With points to earn back, a clean inspection explains its own line (the rules file's -5).
    const { rules } = await loadCreditRules(PLAYBOOKS_DIR)
    const fail: CreditFact = {
      sampleNo: 'x',
      foodName: '酱油',
      on: '2026-10-01',
      verdict: 'fail',
      role: 'seller',
      failedItems: ['标签'],
    }
    const c = classify(rules, [fail], [], [{ on: '2026-12-01', result: 'pass' }])
    expect(c.score).toBe(0)
    expect(c.lines.map((l) => l.zh)).toContain('2026-12-01 双随机抽查未发现问题 −5 分')

    const pub = await t.call('GET', `${API}/public/inspections`, {})
    expect(pub.status, pub.text).toBe(200)
    const mine = pub.body.items.find((p: { id: string }) => p.id === id)
    expect(mine).toMatchObject({ seed: 'results-public-01', status: 'drawn' })
    expect(mine.draw[0]).toMatchObject({ result: 'pass', inspectors: [], note: null })
    const page = await t.call('GET', '/inspections', {})
    expect(page.status).toBe(200)
    expect(page.text).toContain('results-public-01')
    expect(page.text).toContain(first.business.name)
  })
})
