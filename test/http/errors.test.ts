import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { openPostgres } from '../../src/db/client.js'
import { createLogger } from '../../src/logger.js'
import { PlaybookRegistry } from '../../src/playbooks/playbook.registry.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let admin: string
let district: string

beforeAll(async () => {
  t = await startTestApp({ config: { BODY_LIMIT_BYTES: '2048' } })
  admin = await t.token('admin')
  district = await t.token('district', { district: '510104' })
})
afterAll(() => t.close())

function expectProblem(
  r: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(r.status).toBe(status)
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect(r.body).toMatchObject({ status, code, type: `urn:redshield:problem:${code}` })
  expect(r.body.requestId).toBe(r.headers.get('x-request-id'))
  expect(typeof r.body.title).toBe('string')
}

describe('problem+json for every error class', () => {
  it('404 for an unknown route', async () => {
    const r = await t.call('GET', '/api/v1/nothing-here')
    expectProblem(r, 404, 'not_found')
  })

  it('401 without a token, with a malformed header and with an unknown token', async () => {
    expectProblem(await t.call('GET', '/api/v1/tokens'), 401, 'unauthorized')
    expectProblem(
      await t.call('GET', '/api/v1/tokens', { headers: { authorization: 'Basic abc' } }),
      401,
      'unauthorized',
    )
    const unknown = await t.call('GET', '/api/v1/tokens', { token: `rs_${'x'.repeat(43)}` })
    expectProblem(unknown, 401, 'unauthorized')
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it('403 for a role the operation does not allow', async () => {
    const r = await t.call('GET', '/api/v1/tokens', { token: district })
    expectProblem(r, 403, 'forbidden')
    expect(r.body.detail).toContain('district')
  })

  it('409 naming the current state for an illegal transition', async () => {
    const commander = await t.token('commander')
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 't', districts: ['510104'] },
    })
    const tasks = await t.call('GET', `/api/v1/tasks?incident=${inc.body.id}`, { token: district })
    const r = await t.call('POST', `/api/v1/tasks/${tasks.body.items[0].id}/start`, { token: district })
    expectProblem(r, 409, 'invalid_state')
    expect(r.body.current).toBe('pending')
  })

  it('413 for a body over the limit, with nothing written', async () => {
    const r = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'x'.repeat(4000), role: 'admin' },
    })
    expectProblem(r, 413, 'payload_too_large')
    const list = await t.call('GET', '/api/v1/tokens', { token: admin })
    expect(list.body.items.map((i: { name: string }) => i.name)).not.toContain('x'.repeat(4000))
  })

  it('415 for a body that is not JSON', async () => {
    const r = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expectProblem(r, 415, 'unsupported_media_type')
  })

  it('400 for malformed JSON', async () => {
    const r = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    })
    expectProblem(r, 400, 'malformed_json')
  })

  it('422 lists every validation issue with its path at once (一次性告知)', async () => {
    const r = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: '', role: 'king', extra: 1 },
    })
    expectProblem(r, 422, 'validation_failed')
    const paths = r.body.issues.map((i: { path: string }) => i.path).sort()
    expect(paths).toEqual(['body.extra', 'body.name', 'body.role'])
  })

  it('422 names the problems of every input at once: a bad query and a bad body together', async () => {
    const tokens = () => t.deps.db.selectFrom('api_tokens').select('id').execute()
    const before = (await tokens()).length
    const r = await t.call('POST', '/api/v1/tokens?verbose=1', {
      token: admin,
      body: { name: '', role: 'king' },
    })
    expectProblem(r, 422, 'validation_failed')
    const paths = r.body.issues.map((i: { path: string }) => i.path).sort()
    expect(paths).toEqual(['body.name', 'body.role', 'query.verbose'])

    const level = await t.call('POST', '/api/v1/incidents/00000000-0000-4000-8000-000000000000/level?x=1', {
      token: admin,
      body: { level: 'V' },
    })
    expectProblem(level, 422, 'validation_failed')
    const where = level.body.issues.map((i: { path: string }) => i.path.split('.')[0])
    expect(new Set(where)).toEqual(new Set(['query', 'body']))
    expect((await tokens()).length).toBe(before)
  })

  it('speaks English when asked, Chinese by default', async () => {
    const zh = await t.call('GET', '/api/v1/nothing')
    const en = await t.call('GET', '/api/v1/nothing', { headers: { 'accept-language': 'en-GB,en;q=0.9' } })
    expect(zh.body.title).toBe('资源不存在')
    expect(zh.headers.get('content-language')).toBe('zh-CN')
    expect(en.body.title).toBe('Not found')
  })

  it('echoes a caller-supplied request id and makes one otherwise', async () => {
    const mine = await t.call('GET', '/health', { headers: { 'x-request-id': 'req-abc-123' } })
    expect(mine.headers.get('x-request-id')).toBe('req-abc-123')
    const made = await t.call('GET', '/health')
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('500 and 503', () => {
  it('500 hides internals', async () => {
    const broken = new PlaybookRegistry([])
    broken.list = () => {
      throw new Error('secret internal detail')
    }
    const app = createApp({ ...t.deps, playbooks: broken })
    const res = await app.request('/api/v1/playbooks', { headers: { authorization: `Bearer ${admin}` } })
    expect(res.status).toBe(500)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ status: 500, code: 'internal_error' })
    expect(JSON.stringify(body)).not.toContain('secret internal detail')
    expect(body.requestId).toBe(res.headers.get('x-request-id'))
  })

  it('503 with Retry-After when the database cannot be reached', async () => {
    const unreachable = openPostgres({
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    })
    const app = createApp({ ...t.deps, database: unreachable, db: unreachable.db })
    try {
      for (const path of ['/api/v1/tokens', '/ready']) {
        const res = await app.request(path, { headers: { authorization: `Bearer ${admin}` } })
        expect(res.status).toBe(503)
        expect(res.headers.get('retry-after')).toBe('5')
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(await res.json()).toMatchObject({ status: 503, code: 'service_unavailable' })
      }
      // Liveness and reference data do not depend on the database.
      expect((await app.request('/health')).status).toBe(200)
      expect((await app.request('/api/v1/districts')).status).toBe(200)
    } finally {
      await unreachable.close()
    }
  })
})

describe('health, readiness and the API description', () => {
  it('/health and /ready', async () => {
    expect((await t.call('GET', '/health')).body).toEqual({ status: 'ok' })
    const ready = await t.call('GET', '/ready')
    expect(ready.status).toBe(200)
    expect(ready.body.status).toBe('ready')
  })

  it('/openapi.json is OpenAPI 3.1 and declares access on every operation', async () => {
    const r = await t.call('GET', '/openapi.json')
    expect(r.status).toBe(200)
    expect(r.body.openapi).toBe('3.1.0')
    const ops = Object.values(
      r.body.paths as Record<string, Record<string, { 'x-access'?: unknown }>>,
    ).flatMap((p) => Object.values(p))
    expect(ops.length).toBeGreaterThan(15)
    for (const op of ops) expect(op['x-access']).toBeDefined()
  })

  it('/docs serves the interactive reference from local assets', async () => {
    const page = await t.call('GET', '/docs')
    expect(page.status).toBe(200)
    expect(page.text).toContain('/docs/assets/init.js')
    // The start-up script is a file, not inline, so the Content-Security-Policy can forbid inline scripts.
    expect(page.text).not.toMatch(/<script>/)
    expect((await t.call('GET', '/docs/assets/init.js')).text).toContain('/openapi.json')
    const js = await t.call('GET', '/docs/assets/swagger-ui-bundle.js')
    expect(js.status).toBe(200)
    expect(js.text.length).toBeGreaterThan(100_000)
    expect((await t.call('GET', '/docs/assets/..%2Fpackage.json')).status).toBe(404)
  })
})

describe('access log', () => {
  it('writes one JSON line per request with request id, method, path, status, duration and actor', async () => {
    const lines: string[] = []
    const logger = createLogger('info', { destination: { write: (line: string) => lines.push(line) } })
    const app = createApp({ ...t.deps, logger })
    await app.request('/api/v1/tokens?revoked=true', {
      headers: { authorization: `Bearer ${admin}`, 'x-request-id': 'log-1' },
    })
    const entry = lines.map((l) => JSON.parse(l)).find((e) => e.msg === 'request')
    expect(entry).toMatchObject({ requestId: 'log-1', method: 'GET', path: '/api/v1/tokens', status: 200 })
    expect(typeof entry.durationMs).toBe('number')
    expect(entry.actor).toMatch(/^[0-9a-f-]{36}$/)
    expect(JSON.stringify(lines)).not.toContain(admin)
  })
})
