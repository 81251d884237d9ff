import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { API, FAILING, importFixtures, PASSED, type Staff, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

let t: TestApp
let s: Staff
let reviewer: FormClient
let id: string

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
  const d = await t.call('POST', `${API}/announcements`, {
    token: s.sampler,
    body: {
      number: '预览〔2026〕1号',
      title: '抽检信息',
      period: '2026Q4',
      sampleNos: [...FAILING, ...PASSED],
    },
  })
  id = d.body.id
  await t.call('POST', `${API}/announcements/${id}/submit`, { token: s.sampler })
  await makeUser(t, 'sun', 'correct horse battery', { role: 'reviewer' as 'commander', name: '孙审核' })
  reviewer = new FormClient(() => t.baseUrl)
  expect((await reviewer.signIn('sun', 'correct horse battery')).status).toBe(303)
})
afterAll(() => t.close())

describe('the reviewer sees what they sign', () => {
  it('every row as it will be published, failed items highlighted, districts, counts', async () => {
    const r = await reviewer.get(`/console/announcements/${id}`)
    expect(r.status).toBe(200)
    expect(r.text).toContain('发布后的公告')
    expect(r.text).toContain('不合格 4 批次')
    expect(r.text).toContain('合格 4 批次')
    expect(r.text).toContain('锦江区')
    for (const no of [...FAILING, ...PASSED]) expect(r.text).toContain(`<td class="code">${no}</td>`)
    expect(r.text).toContain('<span class="failed">苏丹红Ⅰ号')
    expect(r.text).toContain(`action="/console/announcements/${id}/review"`)
  })
})
