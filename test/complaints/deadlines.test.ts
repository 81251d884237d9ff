import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepComplaintDeadlines } from '../../src/complaints/complaint-deadline.job.js'
import { decideComplaint } from '../../src/complaints/complaint-decide.service.js'
import { clearExpiredPersonalData } from '../../src/complaints/complaint-retention.job.js'
import type { RequestContext } from '../../src/domain/context.js'
import { PLAYBOOKS_DIR, startTestApp, type TestApp } from '../helpers/test-app.js'
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
        district: '510104',
      }),
    ])
    // Whom to notify, never a name or phone: a gateway's webhook looks the contact up at delivery.
    expect(fired[0]?.payload).not.toHaveProperty('contact')
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

describe('the rules version pinned at receipt', () => {
  it('a complaint climbs the ladder of the rules it was received under, after the file changes', async () => {
    t.clock.set(new Date('2026-11-30T01:00:00Z'))
    // Received Monday 30 November 09:00 under the shipped rules: decision due Wednesday 9 December.
    const c = await file(t, admin, { description: '规则版本测试' })
    // The file changes before the deadline: a 3-day decision clock and a ladder that calls the command
    // centre first. A service reading the current file would move this complaint's rungs.
    const dir = mkdtempSync(join(tmpdir(), 'rs-rules-'))
    mkdirSync(join(dir, 'complaints'))
    const shipped = readFileSync(join(PLAYBOOKS_DIR, 'complaints', 'rules.yaml'), 'utf8')
    const changed = shipped
      .replace('complaint: { decide: 7, close: 45 }', 'complaint: { decide: 3, close: 20 }')
      .replace('- { at: -2, notify: district_duty_officer }', '- { at: -1, notify: command_centre }')
    expect(changed).not.toBe(shipped)
    writeFileSync(join(dir, 'complaints', 'rules.yaml'), changed)
    const later = { ...t.deps, config: { ...t.deps.config, PLAYBOOKS_DIR: dir } }

    // Under the new rules the first rung would fall on Wednesday 2 December: nothing fires for this one.
    t.clock.set(new Date('2026-12-02T16:00:00Z'))
    await sweepComplaintDeadlines(later)
    expect(await escalations(c.tracking)).toHaveLength(0)
    // Tuesday 8 December: the shipped ladder's first rung, with its target and its due time.
    t.clock.set(new Date('2026-12-07T16:00:00Z'))
    await sweepComplaintDeadlines(later)
    const fired = await escalations(c.tracking)
    expect(fired.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        rung: 1,
        at: -2,
        notify: 'district_duty_officer',
        dueAt: '2026-12-09T23:59:59+08:00',
      }),
    ])
    // The next rung is placed by the shipped ladder (at the deadline), not the changed one.
    const row = await t.deps.db
      .selectFrom('complaints')
      .select('next_alarm_at')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow()
    expect(new Date(row.next_alarm_at!).toISOString()).toBe('2026-12-09T15:59:59.000Z')
    // Accepting it (by the service running the changed file) starts the shipped 45-day mediation clock.
    const commander: RequestContext = {
      actor: {
        type: 'token',
        id: crypto.randomUUID(),
        name: '指挥中心',
        role: 'commander',
        districtCode: null,
        retailerId: null,
      },
      requestId: crypto.randomUUID(),
    }
    t.clock.set(new Date('2026-12-08T02:00:00Z')) // Tuesday 8 December 10:00
    const accepted = await decideComplaint(later, commander, c.id, { decision: 'accept' })
    // 45 working days after 8 December on the calendar (holidays off), not the changed file's 20 (6 January).
    expect(accepted.closeBy).toBe('2027-02-12T23:59:59+08:00')
    const stored = await t.deps.db
      .selectFrom('rule_versions')
      .select('hash')
      .where('kind', '=', 'complaints')
      .execute()
    expect(stored.length).toBeGreaterThanOrEqual(1)
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
