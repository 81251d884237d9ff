import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { API, extraSample, FAILING, importFixtures, PASSED, type Staff, staff } from './helpers.js'

let t: TestApp
let s: Staff
let seq = 0

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })

async function idOf(no: string) {
  const r = await t.deps.db.selectFrom('samples').select('id').where('no', '=', no).executeTakeFirstOrThrow()
  return r.id
}

async function draft(sampleNos: string[], token = s.sampler) {
  const r = await post('/announcements', token, {
    number: `成市监抽检〔2026〕编辑${++seq}号`,
    title: '抽检信息',
    period: '2026Q4',
    sampleNos,
  })
  expect(r.status, r.text).toBe(201)
  return r.body as { id: string; number: string }
}

const samplesOf = async (id: string) =>
  (await t.call('GET', `${API}/announcements/${id}`, { token: s.sampler })).body.sampleNos as string[]

describe('POST /announcements/{id}/samples: a draft’s samples, added and removed until it is submitted', () => {
  it('adds and removes by id, in one step; the list, the counts and the event follow', async () => {
    const a = await draft([FAILING[0]!, PASSED[0]!])
    const r = await post(`/announcements/${a.id}/samples`, s.sampler, {
      add: [await idOf(FAILING[1]!)],
      remove: [await idOf(PASSED[0]!)],
    })
    expect(r.status, r.text).toBe(200)
    expect(r.body).toMatchObject({ id: a.id, status: 'draft', failingCount: 2 })
    expect(r.body.sampleNos).toEqual([FAILING[0], FAILING[1]])
    // Adding a sample already on it changes nothing; the removed one is free again for another draft.
    const again = await post(`/announcements/${a.id}/samples`, s.sampler, { add: [await idOf(FAILING[1]!)] })
    expect(again.body.sampleNos).toEqual([FAILING[0], FAILING[1]])
    await draft([PASSED[0]!])
    const ev = await t.deps.db
      .selectFrom('events')
      .select(['payload', 'subject'])
      .where('type', '=', 'announcement.updated')
      .where('subject', '=', a.number)
      .orderBy('id')
      .execute()
    expect(ev[0]?.payload).toMatchObject({
      announcementId: a.id,
      added: [await idOf(FAILING[1]!)],
      removed: [await idOf(PASSED[0]!)],
    })
  })

  it('a sample another standing announcement holds is refused (409), naming it and its holder; nothing changes', async () => {
    const holder = await draft([PASSED[1]!])
    const a = await draft([PASSED[2]!])
    const r = await post(`/announcements/${a.id}/samples`, s.sampler, {
      add: [await idOf(PASSED[3]!), await idOf(PASSED[1]!)],
    })
    expect(r.status).toBe(409)
    expect(r.headers.get('content-type')).toMatch(/problem\+json/)
    expect(r.body.detail).toContain(PASSED[1])
    expect(r.body.detail).toContain(holder.number)
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'body.add[1]', code: 'sample_taken' })])
    expect(await samplesOf(a.id)).toEqual([PASSED[2]])
  })

  it('bad input is 422 naming every problem, writing nothing', async () => {
    const a = await draft([FAILING[2]!])
    const own = await idOf(FAILING[2]!)
    const notOn = await idOf(FAILING[3]!)
    const r = await post(`/announcements/${a.id}/samples`, s.sampler, {
      add: [randomUUID(), own],
      remove: [notOn, own],
    })
    expect(r.status).toBe(422)
    const codes = (r.body.issues as { path: string; code: string }[]).map((i) => `${i.path} ${i.code}`).sort()
    expect(codes).toEqual([
      'body.add[0] unknown_sample',
      'body.add[1] add_and_remove',
      'body.remove[0] not_on_draft',
    ])
    const empty = await post(`/announcements/${a.id}/samples`, s.sampler, { remove: [own] })
    expect(empty.status).toBe(422)
    expect(empty.body.issues[0]).toMatchObject({ path: 'body.remove', code: 'no_samples' })
    for (const body of [{}, { add: [] }, { add: ['GC26510104101'] }, { add: [own], extra: 1 }]) {
      const bad = await post(`/announcements/${a.id}/samples`, s.sampler, body)
      expect(bad.status, JSON.stringify(body)).toBe(422)
    }
    const zh = await post(`/announcements/${a.id}/samples`, s.sampler, {})
    expect(zh.text).toContain('请指定要添加或移除的样品')
    expect(await samplesOf(a.id)).toEqual([FAILING[2]])
  })

  it('refused once submitted (409), and for a retraction; 404 for no such announcement', async () => {
    const a = await draft([FAILING[3]!])
    expect((await post(`/announcements/${a.id}/submit`, s.sampler)).status).toBe(200)
    const r = await post(`/announcements/${a.id}/samples`, s.sampler, { remove: [await idOf(FAILING[3]!)] })
    expect(r.status).toBe(409)
    expect(r.body.detail).toContain('提交审核后不能再改')
    expect(await samplesOf(a.id)).toEqual([FAILING[3]])
    const missing = await post(`/announcements/${randomUUID()}/samples`, s.sampler, { add: [randomUUID()] })
    expect(missing.status).toBe(404)
  })

  it('who: the drafting roles only; whoever edits becomes an author and may not review it (一审一核)', async () => {
    const a = await draft([PASSED[3]!])
    const body = { add: [await idOf('GC26510104201')] }
    for (const token of [
      s.reviewer,
      s.approver,
      await t.token('commander'),
      await t.token('district', { district: '510104' }),
    ])
      expect((await post(`/announcements/${a.id}/samples`, token, body)).status).toBe(403)
    expect((await post(`/announcements/${a.id}/samples`, '', body)).status).toBe(401)
    // An admin (who may also review) adds a sample, so may no longer review it.
    const extra = await extraSample(t, s.sampler, 'GC26EDIT0001')
    const edited = await post(`/announcements/${a.id}/samples`, s.admin, { add: [extra] })
    expect(edited.status, edited.text).toBe(200)
    expect(edited.body.sampleNos).toEqual([PASSED[3], 'GC26EDIT0001'])
    expect((await post(`/announcements/${a.id}/submit`, s.sampler)).status).toBe(200)
    const review = await post(`/announcements/${a.id}/review`, s.admin, {
      decision: 'pass',
      comment: '核对无误',
    })
    expect(review.status).toBe(403)
    expect(review.body.detail).toContain('修改过')
    expect(
      (await post(`/announcements/${a.id}/review`, s.reviewer, { decision: 'pass', comment: '核对无误' }))
        .status,
    ).toBe(200)
  })
})

describe('POST /announcements from a filter or an import: the samples are chosen server side', () => {
  it('matching takes every free sample the filter matches; importId every free one of the import', async () => {
    const made = await extraSample(t, s.sampler, 'GC26MATCH0001', '成都市郫都区犀浦镇1号')
    const r = await post('/announcements', s.sampler, {
      number: '成市监抽检〔2026〕筛选1号',
      title: '抽检信息',
      period: '2026Q4',
      matching: { no: 'GC26MATCH0001' },
    })
    expect(r.status, r.text).toBe(201)
    expect(r.body.sampleNos).toEqual(['GC26MATCH0001'])
    expect(made).toBeTruthy()
    const again = await post('/announcements', s.sampler, {
      number: '成市监抽检〔2026〕筛选2号',
      title: '抽检信息',
      period: '2026Q4',
      matching: { no: 'GC26MATCH0001' },
    })
    expect(again.status).toBe(422)
    expect(again.body.issues[0]).toMatchObject({ path: 'body.matching', code: 'no_samples' })
    const imp = await post('/announcements', s.sampler, {
      number: '成市监抽检〔2026〕筛选3号',
      title: '抽检信息',
      period: '2026Q4',
      importId: randomUUID(),
    })
    expect(imp.status).toBe(422)
    expect(imp.body.issues[0]).toMatchObject({ path: 'body.importId', code: 'no_samples' })
  })

  it('refuses two sources at once, none, or a bad filter (422)', async () => {
    const base = { number: '成市监抽检〔2026〕筛选9号', title: 't', period: 'p' }
    for (const extra of [
      {},
      { sampleNos: ['GC26MATCH0001'], matching: { verdict: 'fail' } },
      { matching: { district: '锦江' } },
      { matching: { verdict: 'maybe' } },
      { matching: { colour: 'red' } },
      { importId: 'not-a-uuid' },
    ]) {
      const r = await post('/announcements', s.sampler, { ...base, ...extra })
      expect(r.status, JSON.stringify(extra)).toBe(422)
      expect(r.headers.get('content-type')).toMatch(/problem\+json/)
    }
    const none = await post('/announcements', s.sampler, base)
    expect(none.text).toContain('三者选一')
  })
})
