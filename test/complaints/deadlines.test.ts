import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepComplaintDeadlines } from '../../src/complaints/complaint-deadline.job.js'
import { clearExpiredPersonalData } from '../../src/complaints/complaint-retention.job.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { file, PUBLIC } from './helpers.js'

let t: TestApp
let admin: string
let officer: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  admin = await t.token('admin')
  officer = await t.token('district', { district: '510104' })
  await t.call('PUT', '/api/v1/districts/510104/contacts', {
    token: admin,
    body: {
      dutyOfficer: { name: '值班员', phone: '028-86000001' },
      head: { name: '分管局长', phone: '028-86000002' },
    },
  })
})
afterAll(() => t.close())

const escalations = (tracking: string) =>
  t.deps.db
    .selectFrom('events')
    .select('payload')
    .where('type', '=', 'complaint.escalated')
    .where('subject', '=', tracking)
    .orderBy('id')
    .execute()

describe('deadline warnings and escalation (the ladder in playbooks/complaints/rules.yaml)', () => {
  it('warns the duty officer two working days before, the district head at the deadline, the command centre after', async () => {
    // Received Monday 30 November 09:00; decision due Wednesday 9 December.
    const c = await file(t, admin, { description: '期限测试' })
    expect(await sweepComplaintDeadlines(t.deps)).toEqual({ fired: 0 })
    t.clock.set(new Date('2026-12-07T16:00:00Z')) // Tuesday 8 December 00:00 in Chengdu
    expect((await sweepComplaintDeadlines(t.deps)).fired).toBeGreaterThanOrEqual(1)
    let fired = await escalations(c.tracking)
    expect(fired.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        clock: 'decide',
        rung: 1,
        at: -2,
        notify: 'district_duty_officer',
        dueAt: '2026-12-09T23:59:59+08:00',
        contact: { name: '值班员', phone: '028-86000001' },
      }),
    ])
    // Run again: nothing new (once).
    await sweepComplaintDeadlines(t.deps)
    expect(await escalations(c.tracking)).toHaveLength(1)
    t.clock.set(new Date('2026-12-09T16:00:00Z'))
    await sweepComplaintDeadlines(t.deps)
    fired = await escalations(c.tracking)
    expect(fired.map((e) => (e.payload as { notify: string }).notify)).toEqual([
      'district_duty_officer',
      'district_head',
    ])
    // Deciding stops the decision clock.
    await t.call('POST', `/api/v1/complaints/${c.id}/take`, { token: officer })
    await t.call('POST', `/api/v1/complaints/${c.id}/decide`, {
      token: officer,
      body: { decision: 'decline', reasons: ['repeated'] },
    })
    t.clock.set(new Date('2026-12-20T16:00:00Z'))
    await sweepComplaintDeadlines(t.deps)
    expect(await escalations(c.tracking)).toHaveLength(2)
    expect(JSON.stringify(fired)).not.toContain('13812345678')
  })
})

describe('retention', () => {
  it('clears name and phone COMPLAINT_RETENTION_DAYS after closing, keeping the record', async () => {
    t.clock.set(new Date('2026-12-21T01:00:00Z'))
    const c = await file(t, admin, { description: '保留期测试' })
    await t.call('POST', `/api/v1/complaints/${c.id}/take`, { token: officer })
    await t.call('POST', `/api/v1/complaints/${c.id}/decide`, {
      token: officer,
      body: { decision: 'accept' },
    })
    await t.call('POST', `/api/v1/complaints/${c.id}/close`, {
      token: officer,
      body: { outcome: 'agreed', recovered: '5.00' },
    })
    expect((await clearExpiredPersonalData(t.deps)).cleared).toBe(0)
    t.clock.advance(1097 * 86_400_000)
    expect((await clearExpiredPersonalData(t.deps)).cleared).toBeGreaterThanOrEqual(1)
    const got = await t.call('GET', `/api/v1/complaints/${c.id}`, { token: admin })
    expect(got.body).toMatchObject({
      contact: null,
      outcome: 'agreed',
      recovered: '5.00',
      description: '保留期测试',
    })
    const status = await t.call('GET', `${PUBLIC}/${c.tracking}?code=${c.code}`)
    expect(status.body.status).toBe('closed')
  })
})
