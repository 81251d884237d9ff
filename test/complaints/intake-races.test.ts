import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Instance, secondInstance } from '../helpers/second-instance.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'
import { complaintBody, PUBLIC } from './helpers.js'

/**
 * Intakes racing on two instances over one PostgreSQL database: the number, the repeat check and the signal
 * count all run in the intake's one transaction, under advisory locks taken in one fixed order. Nothing may
 * be lost, a repeat must answer the first number, and a threshold crossed at once raises one signal.
 */
const postgres = testEngine() === 'postgres'

let t: TestApp
let other: Instance

beforeAll(async () => {
  if (!postgres) return
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '100000' } })
  other = await secondInstance(t)
})
afterAll(async () => {
  if (!postgres) return
  await other.close()
  await t.close()
})

async function post(base: string, body: unknown) {
  const r = await fetch(`${base}${PUBLIC}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: r.status, body: (await r.json()) as { tracking: string; code: string } }
}

/** The i-th request goes to one instance or the other. */
const both = (n: number, body: (i: number) => unknown) =>
  Promise.all(Array.from({ length: n }, (_, i) => post(i % 2 === 0 ? t.baseUrl : other.baseUrl, body(i))))

describe.skipIf(!postgres)('intake races across two instances (PostgreSQL)', () => {
  it('complaints crossing a threshold at once: none lost, one signal counting every one', async () => {
    const answers = await both(24, (i) =>
      complaintBody({
        product: { name: '竞速辣椒酱', brand: `竞速${i % 3}`, batch: 'RACE-2I' },
        business: { name: `竞速超市${i % 4}`, address: `成都市锦江区竞速路${i % 4}号` },
        description: `第 ${i} 件：发苦`,
      }),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(201))
    expect(new Set(answers.map((a) => a.body.tracking)).size).toBe(24)
    const stored = await t.deps.db
      .selectFrom('complaints')
      .select('tracking')
      .where('product_batch', '=', 'RACE-2I')
      .execute()
    expect(stored.map((s) => s.tracking).sort()).toEqual(answers.map((a) => a.body.tracking).sort())
    const signals = await t.deps.db
      .selectFrom('signals')
      .select(['id', 'rule_id', 'complaint_count'])
      .where('title', 'like', '%RACE-2I%')
      .execute()
    expect(signals).toHaveLength(1)
    expect(signals[0]!.complaint_count).toBe(24)
    const members = await t.deps.db
      .selectFrom('signal_complaints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('signal_id', '=', signals[0]!.id)
      .executeTakeFirstOrThrow()
    expect(Number(members.n)).toBe(24)
    const raised = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'signal.raised')
      .where('subject', '=', (eb) => eb.selectFrom('signals').select('code').where('id', '=', signals[0]!.id))
      .execute()
    expect(raised).toHaveLength(1)
    // Every brand (8 each) and business (6 each) key below its threshold: counted, nothing raised.
    const others = await t.deps.db
      .selectFrom('signals')
      .select('title')
      .where('title', 'like', '%竞速%')
      .where('title', 'not like', '%RACE-2I%')
      .execute()
    expect(others).toEqual([])
  })

  it('identical submissions at once answer one tracking number, each with a code that works', async () => {
    const body = complaintBody({ description: '两个实例同时重复提交' })
    const answers = await both(10, () => body)
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201))
    expect(new Set(answers.map((a) => a.body.tracking)).size).toBe(1)
    const tracking = answers[0]!.body.tracking
    const rows = await t.deps.db
      .selectFrom('complaints')
      .select('code_hashes')
      .where('description', '=', '两个实例同时重复提交')
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.code_hashes).toHaveLength(10)
    for (const a of answers)
      expect((await t.call('GET', `${PUBLIC}/${tracking}?code=${a.body.code}`)).status).toBe(200)
    const received = await t.deps.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'complaint.received')
      .where('subject', '=', tracking)
      .execute()
    expect(received).toHaveLength(1)
  })

  it('a new business named by intakes at once is added once and linked from each', async () => {
    // Enquiries: no signal rule keys them by business, so no signal lock orders them and they truly race.
    const answers = await both(8, (i) =>
      complaintBody({
        kind: 'enquiry',
        business: { name: '新开竞速便利店', address: '成都市青羊区新开路8号' },
        description: `新店第 ${i} 件`,
      }),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201))
    const businesses = await t.deps.db
      .selectFrom('businesses')
      .select('id')
      .where('name', '=', '新开竞速便利店')
      .execute()
    expect(businesses).toHaveLength(1)
    const linked = await t.deps.db
      .selectFrom('complaints')
      .select('business_id')
      .where('business_name', '=', '新开竞速便利店')
      .execute()
    expect(linked.map((l) => l.business_id)).toEqual(Array(8).fill(businesses[0]!.id))
  })
})
