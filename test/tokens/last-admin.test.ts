import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

// Revoking the last active admin token left only database access to manage tokens.
let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin', { name: 'first admin' })
})
afterAll(() => t.close())

async function newAdmin(name: string) {
  const r = await t.call('POST', '/api/v1/tokens', { token: admin, body: { name, role: 'admin' } })
  expect(r.status).toBe(201)
  return { id: r.body.id as string, token: r.body.token as string }
}

async function activeAdmins() {
  const list = await t.call('GET', '/api/v1/tokens', { token: admin })
  return list.body.items.filter((i: { role: string }) => i.role === 'admin') as { id: string }[]
}

describe('the last active admin token', () => {
  it('cannot be revoked (409 saying why); any other admin token can', async () => {
    const other = await newAdmin('second admin')
    expect((await t.call('DELETE', `/api/v1/tokens/${other.id}`, { token: admin })).status).toBe(200)
    const [self] = await activeAdmins()
    expect(self).toBeDefined()
    const refused = await t.call('DELETE', `/api/v1/tokens/${self?.id}`, {
      token: admin,
      headers: { 'accept-language': 'en' },
    })
    expect(refused.status).toBe(409)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(refused.body).toMatchObject({ code: 'conflict' })
    expect(refused.body.detail).toMatch(/last active admin token/)
    const zh = await t.call('DELETE', `/api/v1/tokens/${self?.id}`, {
      token: admin,
      headers: { 'accept-language': 'zh-CN' },
    })
    expect(zh.status).toBe(409)
    expect(zh.body.detail).toMatch(/不能吊销最后一个有效的管理员令牌/)
    // Nothing changed: the token still works and is still listed as active.
    expect((await t.call('GET', '/api/v1/tokens', { token: admin })).status).toBe(200)
    expect(await activeAdmins()).toHaveLength(1)
    // Other roles are unaffected by the rule.
    const commander = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'c', role: 'commander' },
    })
    expect((await t.call('DELETE', `/api/v1/tokens/${commander.body.id}`, { token: admin })).status).toBe(200)
  })

  it.skipIf(testEngine() !== 'postgres')(
    'two admins revoking each other at once: exactly one succeeds',
    async () => {
      for (let round = 0; round < 5; round++) {
        const a = await newAdmin(`a${round}`)
        const b = await newAdmin(`b${round}`)
        // Leave a and b as the only active admins.
        for (const x of await activeAdmins())
          if (x.id !== a.id && x.id !== b.id)
            expect((await t.call('DELETE', `/api/v1/tokens/${x.id}`, { token: a.token })).status).toBe(200)
        admin = a.token
        const [ab, ba] = await Promise.all([
          t.call('DELETE', `/api/v1/tokens/${b.id}`, { token: a.token }),
          t.call('DELETE', `/api/v1/tokens/${a.id}`, { token: b.token }),
        ])
        const statuses = [ab.status, ba.status].sort()
        // The loser is either refused (409) or, if the winner's revocation reached it first, unauthorised.
        expect(statuses[0]).toBe(200)
        expect([401, 409]).toContain(statuses[1])
        admin = ab.status === 200 ? a.token : b.token
        expect(await activeAdmins()).toHaveLength(1)
      }
    },
  )
})
