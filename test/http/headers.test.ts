import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from '../../src/http/app-env.js'
import { allowFraming, securityHeaders } from '../../src/http/security-headers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
})
afterAll(() => t.close())

const expectSecurityHeaders = (h: Headers, where: string) => {
  expect(h.get('x-content-type-options'), where).toBe('nosniff')
  expect(h.get('referrer-policy'), where).toBe('no-referrer')
  expect(h.get('x-frame-options'), where).toBe('DENY')
  const csp = h.get('content-security-policy') ?? ''
  expect(csp, where).toContain("default-src 'none'")
  expect(csp, where).toContain("script-src 'self'")
  expect(csp, where).not.toContain('unsafe-inline')
  expect(csp, where).toContain("frame-ancestors 'none'")
}

describe('wrong method', () => {
  it('405 problem+json with an Allow header listing the methods the path takes', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/api/v1/districts', 'GET, HEAD'],
      ['PUT', '/api/v1/incidents', 'GET, HEAD, POST'],
      ['GET', '/api/v1/tasks/00000000-0000-4000-8000-000000000000/ack', 'POST'],
      ['POST', '/api/v1/tokens/00000000-0000-4000-8000-000000000000', 'DELETE'],
      ['PATCH', '/health', 'GET, HEAD'],
    ]
    for (const [method, path, allow] of cases) {
      const r = await t.call(method, path, { token: admin })
      expect(r.status, `${method} ${path}`).toBe(405)
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(r.body.code).toBe('method_not_allowed')
      expect(r.headers.get('allow'), `${method} ${path}`).toBe(allow)
    }
  })

  it('a path that exists under no method stays 404', async () => {
    const r = await t.call('DELETE', '/api/v1/nothing-here', { token: admin })
    expect(r.status).toBe(404)
    expect(r.headers.get('allow')).toBeNull()
  })
})

describe('security headers', () => {
  it('are on every response: success, problem, not found, docs, the document, CSV', async () => {
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: admin,
      body: { playbook: 'sudan-red', level: 'IV', title: '头', districts: ['510104'] },
    })
    const responses = {
      health: await t.call('GET', '/health'),
      list: await t.call('GET', '/api/v1/tasks', { token: admin }),
      created: inc,
      unauthorized: await t.call('GET', '/api/v1/tasks'),
      invalid: await t.call('GET', '/api/v1/tasks?limit=0', { token: admin }),
      notFound: await t.call('GET', '/api/v1/nope'),
      methodNotAllowed: await t.call('DELETE', '/health'),
      docs: await t.call('GET', '/docs'),
      document: await t.call('GET', '/openapi.json'),
      csv: await t.call('GET', `/api/v1/incidents/${inc.body.id}/report`, {
        token: admin,
        headers: { accept: 'text/csv' },
      }),
    }
    for (const [name, r] of Object.entries(responses)) expectSecurityHeaders(r.headers, name)
    // Outside the API a wrong URL is a page: the pages' stricter policy (no script at all), never framed.
    const page = await t.call('GET', '/nope')
    expect(page.status).toBe(404)
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'self';.*frame-ancestors 'none'/,
    )
  })

  it('one route can let its page be framed (the kiosk board); the rest still refuse', async () => {
    const app = new Hono<AppEnv>()
    app.use('*', securityHeaders())
    app.get('/boards/:id', (c) => {
      allowFraming(c)
      return c.html('<p>board</p>')
    })
    app.get('/other', (c) => c.html('<p>other</p>'))
    const board = await app.request('/boards/1')
    expect(board.headers.get('x-frame-options')).toBeNull()
    expect(board.headers.get('content-security-policy')).not.toContain('frame-ancestors')
    expect(board.headers.get('x-content-type-options')).toBe('nosniff')
    const other = await app.request('/other')
    expect(other.headers.get('x-frame-options')).toBe('DENY')
  })
})
