import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { API, approved, FAILING, importFixtures, PASSED, type Staff, staff } from './helpers.js'

/**
 * Publication writes the consumer alerts in its own transaction (src/alerts/publication-alerts.ts is the
 * default PublicationHooks): one CAP Alert per failing product, cancelled by a retraction.
 */
let t: TestApp
let s: Staff

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '0' } })
  s = await staff(t)
  await importFixtures(t, s.sampler)
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })

interface Listed {
  id: string
  status: string
  source: { kind: string; id: string; reference: string }
  products: { sampleNo?: string; name: string; batch?: string }[]
  versions: { msgType: string; capUrl: string }[]
}
/** The search's hits under an announcement's number (failed or passed). */
async function searchUnder(q: string, reference: string): Promise<{ kind: string; verdict: string }[]> {
  const r = await t.call('GET', `${API}/public/search?q=${encodeURIComponent(q)}&limit=200`)
  expect(r.status, r.text).toBe(200)
  return (r.body.items as { kind: string; verdict: string; reference: string }[]).filter(
    (h) => h.reference === reference,
  )
}

async function alertsOf(announcementId: string, status = 'active'): Promise<Listed[]> {
  const r = await t.call('GET', `${API}/public/alerts?status=${status}&limit=500`)
  expect(r.status, r.text).toBe(200)
  return (r.body.items as Listed[]).filter((a) => a.source.id === announcementId)
}

describe('alerts on publication', () => {
  let id: string

  it('publishing an announcement issues one public alert per failing sample, in the same transaction', async () => {
    id = await approved(t, s, { number: '成市监抽检〔2026〕第21号', sampleNos: [...FAILING, ...PASSED] })
    expect(await alertsOf(id)).toEqual([])
    const r = await post(`/announcements/${id}/publish`, s.approver, {})
    expect(r.status, r.text).toBe(200)

    const alerts = await alertsOf(id)
    expect(alerts.map((a) => a.products[0]?.sampleNo).sort()).toEqual([...FAILING].sort())
    for (const a of alerts) {
      expect(a.source).toMatchObject({ kind: 'announcement', reference: '成市监抽检〔2026〕第21号' })
      expect(a.versions.map((v) => v.msgType)).toEqual(['Alert'])
      const cap = await t.call('GET', a.versions[0]!.capUrl)
      expect(cap.status).toBe(200)
      expect(cap.text).toContain('<msgType>Alert</msgType>')
    }
    // One transaction: the alert events carry the publication's transaction id.
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'txid'])
      .where('type', 'in', ['announcement.published', 'alert.issued'])
      .execute()
    const published = events.find((e) => e.type === 'announcement.published')
    const issued = events.filter((e) => e.type === 'alert.issued' && e.txid === published?.txid)
    expect(issued).toHaveLength(FAILING.length)
    const name = alerts[0]?.products[0]?.name ?? ''
    expect(await searchUnder(name, '成市监抽检〔2026〕第21号')).toContainEqual(
      expect.objectContaining({ kind: 'alert', verdict: 'failed' }),
    )
  })

  it('a retraction, once published, cancels every alert of the original', async () => {
    const open = await post(`/announcements/${id}/retract`, s.sampler, {
      number: '成市监抽检〔2026〕第22号',
      title: '撤回',
      reason: '检验机构复核结果有误',
    })
    expect(open.status, open.text).toBe(201)
    const rid = open.body.id as string
    expect((await post(`/announcements/${rid}/submit`, s.sampler)).status).toBe(200)
    expect(
      (await post(`/announcements/${rid}/review`, s.reviewer, { decision: 'pass', comment: '核' })).status,
    ).toBe(200)
    expect(
      (await post(`/announcements/${rid}/approve`, s.approver, { decision: 'pass', comment: '准' })).status,
    ).toBe(200)
    expect((await post(`/announcements/${rid}/publish`, s.approver, {})).status).toBe(200)

    expect(await alertsOf(id)).toEqual([])
    const all = await alertsOf(id, 'all')
    expect(all).toHaveLength(FAILING.length)
    for (const a of all) expect(a.versions.map((v) => v.msgType)).toEqual(['Alert', 'Cancel'])
    // Search no longer says a withdrawn result failed: its cancelled alerts and its samples are gone from it.
    for (const a of all)
      expect(await searchUnder(a.products[0]?.name ?? '', '成市监抽检〔2026〕第21号')).toEqual([])
  })
})
