import { createServer, type RequestListener, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { fastReadListener } from '../../src/public/fast-reads.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Strict-Transport-Security behind TLS, Permissions-Policy and Cross-Origin-Resource-Policy everywhere, and
// `Cache-Control: no-store` on every answer that carries a secret; the fast path for repeat public reads
// sends the same headers as the router.
const API = '/api/v1'
let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp({ config: { TRUST_PROXY: 'true' } })
  admin = await t.token('admin')
})
afterAll(() => t.close())

const tls = { 'x-forwarded-proto': 'https' }

describe('security headers', () => {
  it('Permissions-Policy and Cross-Origin-Resource-Policy on API answers, problems, pages and feeds', async () => {
    for (const [path, token] of [
      [`${API}/tasks`, admin],
      [`${API}/tasks`, undefined],
      ['/login', undefined],
      ['/feeds/alerts.atom', undefined],
      ['/health', undefined],
    ] as const) {
      const r = await t.call('GET', path, { token })
      expect(r.headers.get('permissions-policy'), path).toContain('camera=()')
      expect(r.headers.get('cross-origin-resource-policy'), path).toBe('same-origin')
    }
  })

  it('Strict-Transport-Security only when a trusted proxy says the request came over https', async () => {
    expect((await t.call('GET', '/health', { headers: tls })).headers.get('strict-transport-security')).toBe(
      'max-age=31536000',
    )
    expect((await t.call('GET', '/health')).headers.get('strict-transport-security')).toBeNull()
    expect(
      (await t.call('GET', '/health', { headers: { 'x-forwarded-proto': 'http' } })).headers.get(
        'strict-transport-security',
      ),
    ).toBeNull()
    const untrusting = await startTestApp()
    try {
      const r = await untrusting.call('GET', '/health', { headers: tls })
      expect(r.headers.get('strict-transport-security')).toBeNull()
    } finally {
      await untrusting.close()
    }
  })
})

describe('answers that carry a secret are not stored', () => {
  it('created token, token list, one-time passwords, webhook secret: Cache-Control: no-store', async () => {
    const created = await t.call('POST', `${API}/tokens`, {
      token: admin,
      body: { role: 'commander', name: 'c' },
    })
    expect(created.status, created.text).toBe(201)
    const user = await t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'nostore', name: '存', role: 'commander' },
    })
    expect(user.status, user.text).toBe(201)
    const reset = await t.call('PATCH', `${API}/users/${user.body.id}`, {
      token: admin,
      body: { resetPassword: true },
    })
    expect(reset.status, reset.text).toBe(200)
    const hook = await t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
    })
    expect(hook.status, hook.text).toBe(201)
    const answers = {
      created,
      list: await t.call('GET', `${API}/tokens`, { token: admin }),
      user,
      reset,
      hook,
      refused: await t.call('POST', `${API}/tokens`, { token: admin, body: {} }),
    }
    for (const [name, r] of Object.entries(answers))
      expect(r.headers.get('cache-control'), name).toBe('no-store')
  })

  it('console pages (tokens and one-time passwords are shown there) are no-store too', async () => {
    await makeUser(t, 'console-admin', 'correct horse battery', { role: 'admin' })
    const b = new FormClient(() => t.baseUrl)
    await b.signIn('console-admin', 'correct horse battery')
    const page = await b.get('/console/admin/tokens')
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
  })
})

describe('the fast path behind a TLS proxy', () => {
  let fast: Server
  let plain: Server
  beforeAll(async () => {
    const app = createApp(t.deps)
    const hono = getRequestListener(app.fetch)
    const listen = async (l: RequestListener) => {
      const s = createServer(l)
      await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
      return s
    }
    fast = await listen(fastReadListener(app.fastReads, hono))
    plain = await listen(hono)
  })
  afterAll(async () => {
    for (const s of [fast, plain]) {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
  })

  const raw = (server: Server, path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: string[] }>((ok, fail) => {
      const { port } = server.address() as AddressInfo
      const req = request({ host: '127.0.0.1', port, path, headers: { 'x-request-id': 'same', ...headers } })
      req.on('response', (res) => {
        res.resume()
        res.on('end', () =>
          ok({
            status: res.statusCode ?? 0,
            headers: res.rawHeaders.map((v, i, all) => (i > 0 && all[i - 1] === 'Date' ? '(date)' : v)),
          }),
        )
      })
      req.on('error', fail)
      req.end()
    })

  it('sends the same headers as the router, Strict-Transport-Security included', async () => {
    for (const headers of [tls, {}]) {
      for (const path of [`${API}/public/alerts`, '/feeds/alerts.atom', `${API}/districts`]) {
        await raw(fast, path, headers) // fills the cache
        const a = await raw(fast, path, headers)
        const b = await raw(plain, path, headers)
        expect(a.status, path).toBe(200)
        expect(a.headers, path).toEqual(b.headers)
        expect(a.headers.includes('max-age=31536000'), path).toBe('x-forwarded-proto' in headers)
      }
    }
  })
})
