import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let admin: string
let commander: string
let district: string
let sampler: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
  commander = await t.token('commander')
  district = await t.token('district', { district: '510104' })
  sampler = await t.token('sampler')
})
afterAll(() => t.close())

const duty = { name: '值班员 李明', phone: '028-8888-0001' }
const head = { name: '分管局长 张华', phone: '+86 139 0000 0002' }

describe('district contacts', () => {
  it('start empty, are replaced by an admin, read by admin and commander, and the change is an event', async () => {
    const empty = await t.call('GET', '/api/v1/districts/510104/contacts', { token: commander })
    expect(empty.status).toBe(200)
    expect(empty.body).toEqual({ dutyOfficer: null, head: null })
    const put = await t.call('PUT', '/api/v1/districts/510104/contacts', {
      token: admin,
      body: { dutyOfficer: duty, head },
    })
    expect(put.status).toBe(200)
    for (const token of [admin, commander]) {
      const got = await t.call('GET', '/api/v1/districts/510104/contacts', { token })
      expect(got.body).toEqual({ dutyOfficer: duty, head })
    }
    const cleared = await t.call('PUT', '/api/v1/districts/510104/contacts', {
      token: admin,
      body: { dutyOfficer: duty, head: null },
    })
    expect(cleared.body).toEqual({ dutyOfficer: duty, head: null })
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'district_code', 'actor_role'])
      .where('type', '=', 'contacts.updated')
      .execute()
    expect(events).toEqual([
      { type: 'contacts.updated', district_code: '510104', actor_role: 'admin' },
      { type: 'contacts.updated', district_code: '510104', actor_role: 'admin' },
    ])
  })

  it('refuses an unknown district (404) and bad input naming every problem (422), writing nothing', async () => {
    const unknown = await t.call('PUT', '/api/v1/districts/999999/contacts', {
      token: admin,
      body: { dutyOfficer: duty, head: null },
    })
    expect(unknown.status).toBe(404)
    expect((await t.call('GET', '/api/v1/districts/999999/contacts', { token: admin })).status).toBe(404)
    const bad = await t.call('PUT', '/api/v1/districts/510105/contacts', {
      token: admin,
      body: { dutyOfficer: { name: '', phone: 'call me' }, head: { name: 'x' }, extra: 1 },
    })
    expect(bad.status).toBe(422)
    const paths = bad.body.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining(['body.dutyOfficer.name', 'body.dutyOfficer.phone', 'body.head.phone']),
    )
    expect((await t.call('GET', '/api/v1/districts/510105/contacts', { token: admin })).body).toEqual({
      dutyOfficer: null,
      head: null,
    })
  })

  it('refuses who may not: commanders cannot write; districts and others cannot read', async () => {
    const body = { dutyOfficer: duty, head: null }
    expect(
      (await t.call('PUT', '/api/v1/districts/510104/contacts', { token: commander, body })).status,
    ).toBe(403)
    expect((await t.call('GET', '/api/v1/districts/510104/contacts', { token: district })).status).toBe(403)
    expect((await t.call('GET', '/api/v1/contacts/city', { token: sampler })).status).toBe(403)
    expect((await t.call('GET', '/api/v1/contacts/city', {})).status).toBe(401)
  })
})

describe('city contacts', () => {
  it('command centre and city leadership, replaced together', async () => {
    const body = { commandCentre: { name: '市局应急指挥中心', phone: '028-12315' }, cityLeadership: head }
    expect((await t.call('PUT', '/api/v1/contacts/city', { token: admin, body })).status).toBe(200)
    expect((await t.call('GET', '/api/v1/contacts/city', { token: commander })).body).toEqual(body)
    const next = { commandCentre: body.commandCentre, cityLeadership: null }
    await t.call('PUT', '/api/v1/contacts/city', { token: admin, body: next })
    expect((await t.call('GET', '/api/v1/contacts/city', { token: admin })).body).toEqual(next)
    expect((await t.call('PUT', '/api/v1/contacts/city', { token: commander, body })).status).toBe(403)
  })
})
