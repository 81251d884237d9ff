import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { API, extraSample, type Staff, staff } from './helpers.js'

/**
 * 一审一核 counts people, not credentials: tokens belong to a person (`user`), a console session is its
 * person, and whoever edits a draft becomes one of its authors.
 */
const PASSWORD = 'correct horse battery staple 42'
let t: TestApp
let s: Staff
let seq = 0

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  for (let i = 1; i <= 6; i++) await extraSample(t, s.sampler, `P-${i}`)
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })
const pass = { decision: 'pass', comment: '可以' }

async function person(login: string, role: string) {
  // A staff account straight through the service (the roles beyond the field ones are typed loosely there).
  return makeUser(t, login, PASSWORD, { role: role as 'commander', name: login })
}

async function tokenFor(userId: string, role: string, name: string) {
  const r = await post('/tokens', s.admin, { name, role, user: userId })
  expect(r.status, r.text).toBe(201)
  expect(r.body.user).toBe(userId)
  return r.body.token as string
}

async function draft(token: string) {
  const r = await post('/announcements', token, {
    number: `成市监抽检〔2026〕人${++seq}号`,
    title: '一人一职',
    period: '2026Q4',
    sampleNos: [`P-${seq}`],
  })
  expect(r.status, r.text).toBe(201)
  return r.body.id as string
}

describe('一审一核 by person', () => {
  it('one admin with three tokens cannot draft, review and approve (each token is that person)', async () => {
    const boss = await person('boss', 'admin')
    const [a1, a2, a3] = [
      await tokenFor(boss.id, 'admin', '局长 令牌一'),
      await tokenFor(boss.id, 'admin', '局长 令牌二'),
      await tokenFor(boss.id, 'admin', '局长 令牌三'),
    ] as [string, string, string]
    const id = await draft(a1)
    expect((await post(`/announcements/${id}/submit`, a2)).status).toBe(200)
    const review = await post(`/announcements/${id}/review`, a2, pass)
    expect(review.status, review.text).toBe(403)
    expect(review.body.detail).toContain('起草人不能审核')
    // Another person reviews; the same admin still cannot approve with a third token.
    expect((await post(`/announcements/${id}/review`, s.reviewer, pass)).status).toBe(200)
    expect((await post(`/announcements/${id}/approve`, a3, pass)).status).toBe(403)
    expect((await post(`/announcements/${id}/approve`, s.approver, pass)).status).toBe(200)
    // Nor publish what another person approved.
    expect((await post(`/announcements/${id}/publish`, a1, {})).status).toBe(403)
  })

  it('a reviewer’s console session reviews; an approver token of the same person cannot approve', async () => {
    const sun = await person('sun.review', 'reviewer')
    const sunApprover = await tokenFor(sun.id, 'approver', '孙 核准令牌')
    const id = await draft(s.sampler)
    expect((await post(`/announcements/${id}/submit`, s.sampler)).status).toBe(200)
    const console = new FormClient(() => t.baseUrl)
    expect((await console.signIn('sun.review', PASSWORD)).status).toBe(303)
    const path = `/console/announcements/${id}`
    const reviewed = await console.post(`${path}/review`, { _csrf: await console.csrf(), ...pass })
    expect(reviewed.status).toBe(303)
    const approve = await post(`/announcements/${id}/approve`, sunApprover, pass)
    expect(approve.status, approve.text).toBe(403)
    expect(approve.body.detail).toContain('审核人不能再核准')
    expect((await post(`/announcements/${id}/approve`, s.approver, pass)).status).toBe(200)
  })

  it('editing a draft makes the editor an author: they may not review or approve it', async () => {
    const editorReviewer = await t.token('reviewer', { name: '也会改稿的审核人' })
    const otherSampler = await t.token('sampler', { name: '第二起草人' })
    const id = await draft(s.sampler)
    // A second sampler edits the draft: now both wrote it.
    const edited = await t.call('PATCH', `${API}/announcements/${id}`, {
      token: otherSampler,
      body: { title: '改过的标题' },
    })
    expect(edited.status, edited.text).toBe(200)
    expect((await post(`/announcements/${id}/submit`, otherSampler)).status).toBe(200)
    expect(
      (await post(`/announcements/${id}/review`, s.reviewer, { decision: 'return', comment: '再改' })).status,
    ).toBe(200)
    // An admin (who may draft) edits it, then tries to review it.
    const admin2 = await t.token('admin', { name: '改稿管理员' })
    expect(
      (await t.call('PATCH', `${API}/announcements/${id}`, { token: admin2, body: { period: '2026Q4-b' } }))
        .status,
    ).toBe(200)
    expect((await post(`/announcements/${id}/submit`, s.sampler)).status).toBe(200)
    const byEditor = await post(`/announcements/${id}/review`, admin2, pass)
    expect(byEditor.status, byEditor.text).toBe(403)
    expect((await post(`/announcements/${id}/review`, editorReviewer, pass)).status).toBe(200)
    expect((await post(`/announcements/${id}/approve`, admin2, pass)).status).toBe(403)
  })

  it('a token of no person is its own person; a token for an unknown user is refused (422)', async () => {
    const bad = await post('/tokens', s.admin, { name: '无主', role: 'reviewer', user: crypto.randomUUID() })
    expect(bad.status).toBe(422)
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toContain('user')
    const list = await t.call('GET', `${API}/tokens`, { token: s.admin })
    expect(
      list.body.items.every((x: { user: unknown }) => x.user === null || typeof x.user === 'string'),
    ).toBe(true)
    // The standard three tokens (no person) walk the whole workflow.
    const id = await draft(s.sampler)
    expect((await post(`/announcements/${id}/submit`, s.sampler)).status).toBe(200)
    expect((await post(`/announcements/${id}/review`, s.reviewer, pass)).status).toBe(200)
    expect((await post(`/announcements/${id}/approve`, s.approver, pass)).status).toBe(200)
  })
})
