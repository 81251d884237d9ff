import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'
import { API, approved, extraSample, type Staff, staff } from './helpers.js'

/**
 * Check-then-write on announcements: the announcement is locked before a revision checks for a pending one,
 * the samples before a draft checks whether another announcement holds them, and a unique index on the
 * standing rows of `announcement_samples` makes one sample in two lineages impossible whatever races.
 */
let t: TestApp
let s: Staff

beforeAll(async () => {
  t = await startTestApp({ poolSize: 20 })
  s = await staff(t)
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })

async function publish(id: string) {
  const r = await post(`/announcements/${id}/publish`, s.approver, {})
  expect(r.status, r.text).toBe(200)
}

async function standingRows(sampleId: string) {
  return t.deps.db
    .selectFrom('announcement_samples as l')
    .innerJoin('announcements as a', 'a.id', 'l.announcement_id')
    .select(['a.id', 'a.number'])
    .where('l.sample_id', '=', sampleId)
    .where('l.standing', '=', true)
    .execute()
}

describe('one sample, one standing announcement', () => {
  it('the database refuses a second standing row for a sample', async () => {
    const sample = await extraSample(t, s.sampler, 'RACE-DB-1')
    const a = await post('/announcements', s.sampler, {
      number: 'R-DB-1',
      title: 't',
      period: '2026Q4',
      sampleNos: ['RACE-DB-1'],
    })
    expect(a.status, a.text).toBe(201)
    expect(await standingRows(sample)).toEqual([{ id: a.body.id, number: 'R-DB-1' }])
    await extraSample(t, s.sampler, 'RACE-DB-2')
    const b = await post('/announcements', s.sampler, {
      number: 'R-DB-2',
      title: 't',
      period: '2026Q4',
      sampleNos: ['RACE-DB-2'],
    })
    expect(b.status, b.text).toBe(201)
    await expect(
      t.deps.db
        .insertInto('announcement_samples')
        .values({ announcement_id: b.body.id, sample_id: sample, position: 1, standing: true })
        .execute(),
    ).rejects.toMatchObject({ code: '23505' })
  })

  it('a correction lists its original’s samples; on publication it takes them over, and a retraction frees them', async () => {
    const x = await extraSample(t, s.sampler, 'RACE-C-X')
    const y = await extraSample(t, s.sampler, 'RACE-C-Y')
    const original = await approved(t, s, { number: 'R-C-1', sampleNos: ['RACE-C-X'] })
    await publish(original)
    const c = await post(`/announcements/${original}/correct`, s.sampler, {
      number: 'R-C-2',
      title: '更正',
      sampleNos: ['RACE-C-X', 'RACE-C-Y'],
    })
    expect(c.status, c.text).toBe(201)
    // Pending: the original still holds X, the correction holds the new Y.
    expect(await standingRows(x)).toEqual([{ id: original, number: 'R-C-1' }])
    expect(await standingRows(y)).toEqual([{ id: c.body.id, number: 'R-C-2' }])
    // Neither can go into a third announcement meanwhile.
    const other = await post('/announcements', s.sampler, {
      number: 'R-C-3',
      title: 't',
      period: '2026Q4',
      sampleNos: ['RACE-C-X', 'RACE-C-Y'],
    })
    expect(other.status).toBe(422)
    expect(other.body.issues.map((i: { code: string }) => i.code)).toEqual(['sample_taken', 'sample_taken'])
    for (const [path, token, body] of [
      ['submit', s.sampler, undefined],
      ['review', s.reviewer, { decision: 'pass', comment: 'ok' }],
      ['approve', s.approver, { decision: 'pass', comment: 'ok' }],
    ] as const)
      expect((await post(`/announcements/${c.body.id}/${path}`, token, body)).status).toBe(200)
    await publish(c.body.id)
    expect(await standingRows(x)).toEqual([{ id: c.body.id, number: 'R-C-2' }])
    expect(await standingRows(y)).toEqual([{ id: c.body.id, number: 'R-C-2' }])
    // Retracting the correction frees both samples.
    const r = await post(`/announcements/${c.body.id}/retract`, s.sampler, {
      number: 'R-C-4',
      title: '撤回',
      reason: '错误',
    })
    expect(r.status, r.text).toBe(201)
    for (const [path, token, body] of [
      ['submit', s.sampler, undefined],
      ['review', s.reviewer, { decision: 'pass', comment: 'ok' }],
      ['approve', s.approver, { decision: 'pass', comment: 'ok' }],
    ] as const)
      expect((await post(`/announcements/${r.body.id}/${path}`, token, body)).status).toBe(200)
    await publish(r.body.id)
    expect(await standingRows(x)).toEqual([])
    const again = await post('/announcements', s.sampler, {
      number: 'R-C-5',
      title: 't',
      period: '2026Q4',
      sampleNos: ['RACE-C-X', 'RACE-C-Y'],
    })
    expect(again.status, again.text).toBe(201)
  })
})

describe.skipIf(testEngine() !== 'postgres')(
  'races (PostgreSQL: PGlite has one connection and serialises)',
  () => {
    it('concurrent drafts taking one sample: exactly one gets it, the others are told it is taken', async () => {
      const sample = await extraSample(t, s.sampler, 'RACE-D-1')
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post('/announcements', s.sampler, {
            number: `R-D-${i}`,
            title: 't',
            period: '2026Q4',
            sampleNos: ['RACE-D-1'],
          }),
        ),
      )
      const statuses = results.map((r) => r.status)
      expect(statuses.filter((x) => x === 201)).toHaveLength(1)
      expect(statuses.filter((x) => x === 422)).toHaveLength(11)
      for (const r of results.filter((x) => x.status === 422))
        expect(r.body.issues[0].code).toBe('sample_taken')
      const listed = await t.deps.db
        .selectFrom('announcement_samples')
        .select('announcement_id')
        .where('sample_id', '=', sample)
        .execute()
      expect(listed).toHaveLength(1)
    })

    it('concurrent edits moving one sample into different drafts: one draft ends up with it', async () => {
      const sample = await extraSample(t, s.sampler, 'RACE-E-1')
      const drafts = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          await extraSample(t, s.sampler, `RACE-E-own-${i}`)
          const r = await post('/announcements', s.sampler, {
            number: `R-E-${i}`,
            title: 't',
            period: '2026Q4',
            sampleNos: [`RACE-E-own-${i}`],
          })
          return r.body.id as string
        }),
      )
      const results = await Promise.all(
        drafts.map((id, i) =>
          t.call('PATCH', `${API}/announcements/${id}`, {
            token: s.sampler,
            body: { sampleNos: [`RACE-E-own-${i}`, 'RACE-E-1'] },
          }),
        ),
      )
      expect(results.map((r) => r.status).filter((x) => x === 200)).toHaveLength(1)
      expect(results.every((r) => r.status === 200 || r.status === 422)).toBe(true)
      expect(await standingRows(sample)).toHaveLength(1)
    })

    it('concurrent additions of one sample to different drafts (POST …/samples): one gets it, the rest 409', async () => {
      const sample = await extraSample(t, s.sampler, 'RACE-S-1')
      const drafts = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          await extraSample(t, s.sampler, `RACE-S-own-${i}`)
          const r = await post('/announcements', s.sampler, {
            number: `R-S-${i}`,
            title: 't',
            period: '2026Q4',
            sampleNos: [`RACE-S-own-${i}`],
          })
          return r.body.id as string
        }),
      )
      const results = await Promise.all(
        drafts.map((id) => post(`/announcements/${id}/samples`, s.sampler, { add: [sample] })),
      )
      expect(results.map((r) => r.status).filter((x) => x === 200)).toHaveLength(1)
      const refused = results.filter((r) => r.status !== 200)
      expect(refused.map((r) => r.status)).toEqual(Array(7).fill(409))
      for (const r of refused)
        expect(r.body.issues[0]).toMatchObject({ path: 'body.add[0]', code: 'sample_taken' })
      expect(await standingRows(sample)).toHaveLength(1)
    })

    it('a publication and drafts reaching for its samples at once: no deadlock, no 500', async () => {
      const nos = Array.from({ length: 20 }, (_, i) => `RACE-L-${String(i).padStart(2, '0')}`)
      for (const no of nos) await extraSample(t, s.sampler, no)
      const id = await approved(t, s, { number: 'R-L-0', sampleNos: nos })
      const results = await Promise.all([
        post(`/announcements/${id}/publish`, s.approver, {}),
        ...Array.from({ length: 6 }, (_, i) =>
          post('/announcements', s.sampler, {
            number: `R-L-${i + 1}`,
            title: 't',
            period: '2026Q4',
            sampleNos: i % 2 ? [...nos].reverse() : nos,
          }),
        ),
      ])
      expect(results[0]!.status, results[0]!.text).toBe(200)
      for (const r of results.slice(1)) expect(r.status, r.text).toBe(422)
    })

    it('concurrent drafts with one number: one 201, the rest 409 naming the field, never 500', async () => {
      const nos = Array.from({ length: 8 }, (_, i) => `RACE-N-${i}`)
      for (const no of nos) await extraSample(t, s.sampler, no)
      const results = await Promise.all(
        nos.map((no) =>
          post('/announcements', s.sampler, {
            number: 'R-N-same',
            title: 't',
            period: '2026Q4',
            sampleNos: [no],
          }),
        ),
      )
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(409)])
      for (const r of results.filter((x) => x.status === 409))
        expect(r.body.issues).toEqual([expect.objectContaining({ path: 'number', code: 'duplicate' })])
    })

    it('concurrent corrections and retractions of one announcement: one revision is pending, the rest 409', async () => {
      await extraSample(t, s.sampler, 'RACE-P-1')
      const id = await approved(t, s, { number: 'R-P-0', sampleNos: ['RACE-P-1'] })
      await publish(id)
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2
            ? post(`/announcements/${id}/correct`, s.sampler, { number: `R-P-c${i}`, title: '更正' })
            : post(`/announcements/${id}/retract`, s.sampler, {
                number: `R-P-r${i}`,
                title: '撤回',
                reason: 'r',
              }),
        ),
      )
      const statuses = results.map((r) => r.status)
      expect(statuses.filter((x) => x === 201)).toHaveLength(1)
      expect(statuses.filter((x) => x === 409)).toHaveLength(11)
      const pending = await t.deps.db
        .selectFrom('announcements')
        .select('id')
        .where('refers_to', '=', id)
        .execute()
      expect(pending).toHaveLength(1)
    })
  },
)
