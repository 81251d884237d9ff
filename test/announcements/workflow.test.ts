import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { draftAnnouncement, reviewAnnouncement } from '../../src/announcements/announcements.service.js'
import type { RequestContext } from '../../src/domain/context.js'
import { AppError } from '../../src/domain/errors.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { API, extraSample, FAILING, importFixtures, PASSED, type Staff, staff } from './helpers.js'

let t: TestApp
let s: Staff

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
  for (const no of ['X-1', 'X-2', 'X-3']) await extraSample(t, s.sampler, no)
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })

describe('一审一核: draft → review → approve → publish with three people', () => {
  let id: string

  it('drafts with a unique number; a sample already announced elsewhere is refused', async () => {
    const r = await post('/announcements', s.sampler, {
      number: '成市监抽检〔2026〕第12号',
      title: '2026年第四季度食品安全监督抽检信息',
      period: '2026Q4',
      sampleNos: [...FAILING, ...PASSED],
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ status: 'draft', shownAs: 'draft', kind: 'original', failingCount: 4 })
    expect(r.body.sampleNos).toHaveLength(8)
    id = r.body.id
    const dup = await post('/announcements', s.sampler, {
      number: '成市监抽检〔2026〕第12号',
      title: 't',
      period: 'p',
      sampleNos: ['GC26510104201'],
    })
    expect(dup.status).toBe(409)
    const taken = await post('/announcements', s.sampler, {
      number: '成市监抽检〔2026〕第13号',
      title: 't',
      period: 'p',
      sampleNos: ['GC26510104201', 'NOPE'],
    })
    expect(taken.status).toBe(422)
    expect(taken.body.issues.map((i: { code: string }) => i.code).sort()).toEqual([
      'sample_taken',
      'unknown_sample',
    ])
  })

  it('PATCH edits the draft', async () => {
    const r = await t.call('PATCH', `${API}/announcements/${id}`, {
      token: s.sampler,
      body: { title: '2026年第四季度抽检信息（第一批）' },
    })
    expect(r.status).toBe(200)
    expect(r.body.title).toBe('2026年第四季度抽检信息（第一批）')
  })

  it('only the drafter submits; nobody reviews a draft', async () => {
    expect(
      (await post(`/announcements/${id}/review`, s.reviewer, { decision: 'pass', comment: 'x' })).status,
    ).toBe(409)
    const other = await t.token('sampler', { name: '另一位抽样员' })
    const r = await post(`/announcements/${id}/submit`, other)
    expect(r.status).toBe(403)
    expect((await post(`/announcements/${id}/submit`, s.sampler)).body.status).toBe('in_review')
    const edit = await t.call('PATCH', `${API}/announcements/${id}`, {
      token: s.sampler,
      body: { title: 'x' },
    })
    expect(edit.status).toBe(409)
  })

  it('the reviewer returns it with a comment; it goes back to draft and round again', async () => {
    const r = await post(`/announcements/${id}/review`, s.reviewer, {
      decision: 'return',
      comment: '第3项单位有误，请核对',
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'draft', returnComment: '第3项单位有误，请核对', reviewed: null })
    expect((await post(`/announcements/${id}/submit`, s.sampler)).status).toBe(200)
  })

  it('the drafter cannot review (403 saying why); the reviewer reviews', async () => {
    const admin2 = await t.token('admin', { name: '管理员' })
    // An admin token could review, but not one that drafted; here the drafter is the sampler.
    const draftedByAdmin = await post('/announcements', admin2, {
      number: 'A-1',
      title: 't',
      period: 'p',
      sampleNos: ['X-1'],
    })
    await post(`/announcements/${draftedByAdmin.body.id}/submit`, admin2)
    const self = await post(`/announcements/${draftedByAdmin.body.id}/review`, admin2, {
      decision: 'pass',
      comment: 'ok',
    })
    expect(self.status).toBe(403)
    expect(self.headers.get('content-type')).toContain('application/problem+json')
    expect(self.body.detail).toContain('起草人不能审核')

    const r = await post(`/announcements/${id}/review`, s.reviewer, {
      decision: 'pass',
      comment: '数据核对无误',
    })
    expect(r.body).toMatchObject({
      status: 'reviewed',
      reviewed: { name: '质监处 审核人', comment: '数据核对无误' },
    })
    expect(
      (await post(`/announcements/${id}/review`, s.reviewer, { decision: 'pass', comment: 'again' })).status,
    ).toBe(409)
  })

  it('the reviewer cannot also approve (403 saying why); neither can the drafter; the approver approves', async () => {
    // A person acting twice needs a token that may do both: an admin who reviewed tries to approve.
    const admin = await t.token('admin', { name: '两头都想做的管理员' })
    const other = await post('/announcements', s.sampler, {
      number: 'A-2',
      title: 't',
      period: 'p',
      sampleNos: ['X-2'],
    })
    await post(`/announcements/${other.body.id}/submit`, s.sampler)
    await post(`/announcements/${other.body.id}/review`, admin, { decision: 'pass', comment: 'ok' })
    const twice = await post(`/announcements/${other.body.id}/approve`, admin, {
      decision: 'pass',
      comment: 'ok',
    })
    expect(twice.status).toBe(403)
    expect(twice.body.detail).toContain('审核人不能再核准')
    const drafterAdmin = await t.token('admin', { name: '起草的管理员' })
    const mine = await post('/announcements', drafterAdmin, {
      number: 'A-3',
      title: 't',
      period: 'p',
      sampleNos: ['X-3'],
    })
    await post(`/announcements/${mine.body.id}/submit`, drafterAdmin)
    await post(`/announcements/${mine.body.id}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    const byDrafter = await post(`/announcements/${mine.body.id}/approve`, drafterAdmin, {
      decision: 'pass',
      comment: 'ok',
    })
    expect(byDrafter.status).toBe(403)
    expect(byDrafter.body.detail).toContain('起草人不能核准')

    expect(
      (await post(`/announcements/${id}/approve`, s.reviewer, { decision: 'pass', comment: 'x' })).status,
    ).toBe(403)
    const r = await post(`/announcements/${id}/approve`, s.approver, {
      decision: 'pass',
      comment: '同意发布',
    })
    expect(r.body).toMatchObject({ status: 'approved', approved: { name: '分管局长 核准人' } })
  })

  it('only the approver publishes; then it is public, never edited, and every step was an event', async () => {
    const otherApprover = await t.token('approver', { name: '另一位核准人' })
    const not = await post(`/announcements/${id}/publish`, otherApprover, {})
    expect(not.status).toBe(403)
    expect(not.body.detail).toContain('核准人')
    const r = await post(`/announcements/${id}/publish`, s.approver, {})
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      status: 'published',
      shownAs: 'published',
      publishedAt: t.clock.now().toISOString(),
    })
    expect(r.body.incidentId).toEqual(expect.any(String))
    expect(
      (await t.call('PATCH', `${API}/announcements/${id}`, { token: s.sampler, body: { title: 'x' } }))
        .status,
    ).toBe(409)
    expect((await post(`/announcements/${id}/publish`, s.approver, {})).status).toBe(409)

    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'actor_name'])
      .where('subject', '=', '成市监抽检〔2026〕第12号')
      .orderBy('id')
      .execute()
    expect(events.map((e) => `${e.type} ${e.actor_name}`)).toEqual([
      'announcement.drafted 质监处 起草人',
      'announcement.updated 质监处 起草人',
      'announcement.submitted 质监处 起草人',
      'announcement.returned 质监处 审核人',
      'announcement.submitted 质监处 起草人',
      'announcement.reviewed 质监处 审核人',
      'announcement.approved 分管局长 核准人',
      'announcement.published 分管局长 核准人',
    ])
  })

  it('lists and reads for staff; 404 for unknown ids; other roles refused', async () => {
    const list = await t.call('GET', `${API}/announcements?status=published`, { token: s.reviewer })
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([id])
    const detail = await t.call('GET', `${API}/announcements/${id}`, { token: s.approver })
    expect(detail.body.samples).toHaveLength(8)
    expect((await t.call('GET', `${API}/announcements/nope`, { token: s.approver })).status).toBe(404)
    const district = await t.token('district', { district: '510104' })
    expect((await t.call('GET', `${API}/announcements`, { token: district })).status).toBe(403)
    expect(
      (await post('/announcements', s.reviewer, { number: 'x', title: 't', period: 'p', sampleNos: ['a'] }))
        .status,
    ).toBe(403)
    expect(
      (await post(`/announcements/${id}/approve`, s.sampler, { decision: 'pass', comment: 'x' })).status,
    ).toBe(403)
    const bad = await post(`/announcements/${id}/review`, s.reviewer, { decision: 'maybe' })
    expect(bad.status).toBe(422)
    expect(bad.body.issues.length).toBe(2)
  })

  it('the service keeps the text rules and 一审一核 for any entry point, by actor id', async () => {
    const person = (id: string, name: string, role: 'sampler' | 'reviewer'): RequestContext => ({
      actor: { type: 'token', id, name, role, districtCode: null, retailerId: null },
      requestId: 'r',
    })
    const drafter = person('00000000-0000-4000-8000-0000000000a1', '起草人', 'sampler')
    await extraSample(t, s.sampler, 'SVC-S')
    const refused = await draftAnnouncement(t.deps, drafter, {
      number: 'SVC-1\u202e',
      title: '\u200b',
      period: 'p',
      sampleNos: ['SVC-S'],
    }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).extra.issues?.map((i) => i.path)).toEqual(['body.number', 'body.title'])
    const id = await draftAnnouncement(t.deps, drafter, {
      number: 'SVC-1',
      title: '服务层',
      period: 'p',
      sampleNos: ['SVC-S'],
    })
    await t.deps.db.updateTable('announcements').set({ status: 'in_review' }).where('id', '=', id).execute()
    // Same id, another name and role: still the drafter.
    const same = person('00000000-0000-4000-8000-0000000000a1', '另一个名字', 'reviewer')
    const twice = await reviewAnnouncement(t.deps, same, id, { decision: 'pass', comment: 'ok' }).catch(
      (e: unknown) => e,
    )
    expect((twice as AppError).code).toBe('forbidden')
    // A system actor has no id: it is nobody who could review.
    const system = await reviewAnnouncement(
      t.deps,
      { actor: { type: 'system', job: 'x' }, requestId: 'r' },
      id,
      { decision: 'pass', comment: 'ok' },
    ).catch((e: unknown) => e)
    expect((system as AppError).code).toBe('unauthorized')
  })
})
