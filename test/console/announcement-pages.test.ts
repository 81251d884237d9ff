import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { approved, FAILING, importFixtures, PASSED, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let sampler: FormClient
let chief: FormClient
let id: string
let second: string
let reviewer: FormClient
let approver: FormClient

beforeAll(async () => {
  t = await startTestApp()
  const s = await staff(t)
  await importFixtures(t, s.sampler)
  id = await approved(t, s, { number: '2026第1期', sampleNos: FAILING.slice(0, 2) })
  await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
  await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
  await makeUser(t, 'sun', PASSWORD, { role: 'reviewer' as 'commander', name: '孙审核' })
  await makeUser(t, 'zhao', PASSWORD, { role: 'approver' as 'commander', name: '赵核准' })
  const d = await t.call('POST', '/api/v1/announcements', {
    token: s.sampler,
    body: { title: '第二期抽检信息', period: '2026Q4', number: '2026第2期', sampleNos: FAILING.slice(2, 4) },
  })
  second = d.body.id as string
  expect((await t.call('POST', `/api/v1/announcements/${second}/submit`, { token: s.sampler })).status).toBe(
    200,
  )
  reviewer = new FormClient(() => t.baseUrl)
  approver = new FormClient(() => t.baseUrl)
  expect((await reviewer.signIn('sun', PASSWORD)).status).toBe(303)
  expect((await approver.signIn('zhao', PASSWORD)).status).toBe(303)
  sampler = new FormClient(() => t.baseUrl)
  chief = new FormClient(() => t.baseUrl)
  expect((await sampler.signIn('li', PASSWORD)).status).toBe(303)
  expect((await chief.signIn('wang', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

describe('the announcement steps in the console', () => {
  it('shows each step’s buttons only to who may press them, and walks review → approve → publish', async () => {
    const path = `/console/announcements/${second}`
    expect((await sampler.get(path)).text).not.toContain(`action="${path}/review"`)
    expect((await approver.get(path)).text).not.toContain(`action="${path}/review"`)
    const page = await reviewer.get(path)
    expect(page.text).toContain(`action="${path}/review"`)
    const bad = await reviewer.post(`${path}/review`, { _csrf: await reviewer.csrf(), decision: 'maybe' })
    expect(bad.status).toBe(422)
    const passed = await reviewer.post(`${path}/review`, {
      _csrf: await reviewer.csrf(),
      decision: 'pass',
      comment: '核对无误',
    })
    expect(passed.status).toBe(303)
    const again = await reviewer.post(`${path}/review`, {
      _csrf: await reviewer.csrf(),
      decision: 'pass',
      comment: '再审',
    })
    expect(again.status).toBe(409)
    expect((await reviewer.get(path)).text).not.toContain(`action="${path}/approve"`)
    expect((await approver.get(path)).text).toContain(`action="${path}/approve"`)
    const ok = await approver.post(`${path}/approve`, {
      _csrf: await approver.csrf(),
      decision: 'pass',
      comment: '同意',
    })
    expect(ok.status, /role="alert">(.*?)<\/div>/.exec(ok.text)?.[1]).toBe(303)
    expect((await approver.get(path)).text).toContain(`action="${path}/publish"`)
    // The first press says what publishing does; the second publishes (issue 15).
    const ask = await approver.post(`${path}/publish`, { _csrf: await approver.csrf() })
    expect(ask.status).toBe(200)
    expect(ask.text).toMatch(/向公众公布 \d+ 批次（不合格 \d+ 批次/)
    const pub = await approver.post(`${path}/publish`, { _csrf: await approver.csrf(), confirm: '1' })
    expect(pub.status).toBe(303)
    const row = await t.deps.db
      .selectFrom('announcements')
      .select(['status', 'approved_by_name'])
      .where('id', '=', second)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'published', approved_by_name: '赵核准' })
  })

  it('refuses with the reason: only the approver publishes (403), the wrong role (403)', async () => {
    const path = `/console/announcements/${id}`
    expect((await approver.get(path)).text).not.toContain(`action="${path}/publish"`)
    const r = await approver.post(`${path}/publish`, { _csrf: await approver.csrf() })
    expect(r.status).toBe(403)
    expect(r.text).toContain('只有核准人可以发布公告')
    expect((await reviewer.post(`${path}/publish`, { _csrf: await reviewer.csrf() })).status).toBe(403)
    expect((await chief.post(`${path}/submit`, { _csrf: await chief.csrf() })).status).toBe(403)
  })
})

describe('drafting in the console', () => {
  it('names every problem at once and keeps what was typed, then drafts and submits', async () => {
    const bad = await sampler.post('/console/announcements', {
      _csrf: await sampler.csrf(),
      number: '2026第3期',
      title: '',
      period: '2026Q4',
      sampleNos: '',
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toMatch(/title：[^<]*[\u4e00-\u9fff]/)
    expect(bad.text).toMatch(/sampleNos：[^<]*[\u4e00-\u9fff]/)
    expect(bad.text).toContain('value="2026第3期"')
    const taken = await sampler.post('/console/announcements', {
      _csrf: await sampler.csrf(),
      number: '2026第3期',
      title: '第三期抽检信息',
      period: '2026Q4',
      sampleNos: FAILING[0]!,
    })
    expect(taken.status).toBe(422)
    expect(taken.text).toContain(`样品 ${FAILING[0]} 已在公告「2026第1期」中`)
    const ok = await sampler.post('/console/announcements', {
      _csrf: await sampler.csrf(),
      number: '2026第3期',
      title: '第三期抽检信息',
      period: '2026Q4',
      sampleNos: `${PASSED[0]}\n${PASSED[1]}`,
    })
    expect(ok.status, /role="alert">(.*?)<\/div>/.exec(ok.text)?.[1]).toBe(303)
    const path = ok.location!
    const page = await sampler.get(path)
    expect(page.text).toContain('李抽检')
    expect(page.text).toContain(`action="${path}/submit"`)
    expect((await reviewer.get(path)).text).not.toContain(`action="${path}/submit"`)
    expect((await sampler.post(`${path}/submit`, { _csrf: await sampler.csrf() })).status).toBe(303)
    expect((await sampler.get(path)).text).toContain('待审核')
    expect((await sampler.post(`${path}/submit`, { _csrf: await sampler.csrf() })).status).toBe(409)
    expect(
      (await chief.post('/console/announcements', { _csrf: await chief.csrf(), title: 'x' })).status,
    ).toBe(403)
  })
})

describe('announcements in the console', () => {
  it('lists announcements with their status and links each to its page', async () => {
    const r = await sampler.get('/console/announcements')
    expect(r.status).toBe(200)
    expect(r.text).toContain('2026第1期')
    expect(r.text).toContain('已审批')
    expect(r.text).toContain(`href="/console/announcements/${id}"`)
    const page = await sampler.get(`/console/announcements/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(FAILING[0])
    expect(page.text).toContain('质监处 审核人')
    expect((await sampler.get(`/console/announcements/${id}?lang=en`)).text).toContain('Approved')
  })

  it('refuses the commander (403) and answers an unknown announcement with 404', async () => {
    expect((await chief.get('/console/announcements')).status).toBe(403)
    expect((await chief.get(`/console/announcements/${id}`)).status).toBe(403)
    expect((await sampler.get(`/console/announcements/${randomUUID()}`)).status).toBe(404)
  })
})
