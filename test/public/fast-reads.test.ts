import { createServer, type RequestListener, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import { fastReadListener } from '../../src/public/fast-reads.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The fast path in front of the router must answer a repeat read exactly as the Hono route does. One app,
 * two servers: `fast` (the fast path before the Hono listener, as `serveApp` wires it, counting what reaches
 * Hono) and `plain` (the Hono listener alone). Same cache, same request id: every status, header (name, case,
 * order, value; only Date differs) and byte must match.
 */
const API = '/api/v1'
const ID = 'fast-read-check'
let t: TestApp
let commander: string
let fast: Server
let plain: Server
let reachedHono = 0
const logLines: string[] = []

const listen = async (listener: RequestListener) => {
  const s = createServer(listener)
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  return s
}

interface Raw {
  status: number
  headers: string[]
  body: Buffer
}

function raw(server: Server, method: string, path: string, headers: Record<string, string> = {}) {
  const { port } = server.address() as AddressInfo
  return new Promise<Raw>((ok, fail) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method,
      path,
      headers: { 'x-request-id': ID, ...headers },
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        // Date is the only header allowed to differ (a second may pass between the two answers).
        const h = res.rawHeaders.map((v, i, all) => (i > 0 && all[i - 1] === 'Date' ? '(date)' : v))
        ok({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) })
      })
    })
    req.on('error', fail)
    req.end()
  })
}

/** Through the fast server twice (the first fills the cache if need be), and once through Hono alone. */
async function compare(method: string, path: string, headers: Record<string, string> = {}) {
  await raw(fast, method, path, headers)
  const before = reachedHono
  const fromFast = await raw(fast, method, path, headers)
  const answeredFast = reachedHono === before
  const fromHono = await raw(plain, method, path, headers)
  expect(fromFast.status).toBe(fromHono.status)
  expect(fromFast.headers).toEqual(fromHono.headers)
  expect(fromFast.body.equals(fromHono.body)).toBe(true)
  return { answeredFast, res: fromFast }
}

beforeAll(async () => {
  t = await startTestApp({ config: { PUBLIC_CACHE_CHECK_MS: '60000' } })
  commander = await t.token('commander')
  const logger = createLogger('info', {
    destination: new Writable({
      write(chunk, _enc, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean))
        done()
      },
    }),
  })
  const app = createApp({ ...t.deps, logger })
  const hono = getRequestListener(app.fetch)
  fast = await listen(
    fastReadListener(app.fastReads, (req, res) => {
      reachedHono++
      return hono(req, res)
    }),
  )
  plain = await listen(hono)
  for (const level of ['III', 'IV']) {
    const r = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level, title: `辣椒面 ${level}`, districts: ['510104'] },
    })
    expect(r.status, r.text).toBe(201)
  }
})
afterAll(async () => {
  for (const s of [fast, plain]) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
  await t.close()
})

const listPath = `${API}/public/alerts`
async function firstAlert() {
  const list = JSON.parse((await raw(plain, 'GET', listPath)).body.toString())
  return list.items[0] as { id: string; versions: { capUrl: string }[] }
}

describe('fast path for repeat public reads', () => {
  it('answers the alert list, one alert, the Atom feed, a CAP message and the districts as the route does', async () => {
    const alert = await firstAlert()
    const capPath = new URL(alert.versions[0]?.capUrl ?? '', 'http://x').pathname
    for (const path of [
      listPath,
      `${listPath}?status=all&lang=en`,
      `${listPath}/${alert.id}`,
      '/feeds/alerts.atom',
      capPath,
      `${API}/districts`,
      `${API}/districts?lang=en&limit=50`,
    ]) {
      const { answeredFast, res } = await compare('GET', path)
      expect(answeredFast, path).toBe(true)
      expect(res.status, path).toBe(200)
      expect(res.headers, path).toContain('x-request-id')
      expect(res.headers, path).toContain(ID)
    }
    // The JSON and XML reads carry both languages: Accept-Language changes nothing, on either path.
    const english = await compare('GET', `${listPath}/${alert.id}`, { 'accept-language': 'en-US,en' })
    expect(english.answeredFast).toBe(true)
    expect(english.res.body.toString()).toContain('"en":')
  })

  it('answers 304 to If-None-Match and HEAD without a body, as the route does', async () => {
    const path = `${listPath}/${(await firstAlert()).id}`
    const etag = (await raw(plain, 'GET', path)).headers
    const value = etag[etag.indexOf('etag') + 1] as string
    const notModified = await compare('GET', path, { 'if-none-match': `W/${value}, "other"` })
    expect(notModified.answeredFast).toBe(true)
    expect(notModified.res.status).toBe(304)
    expect(notModified.res.body.length).toBe(0)
    const head = await compare('HEAD', path)
    expect(head.answeredFast).toBe(true)
    expect(head.res.status).toBe(200)
  })

  it('leaves to the router what it must decide: unknown parameters, tokens, unknown alerts, other pages', async () => {
    const unknown = await compare('GET', `${listPath}?colour=red`)
    expect(unknown.answeredFast).toBe(false)
    expect(unknown.res.status).toBe(422)
    expect(unknown.res.body.toString()).toContain('colour')
    const badToken = await compare('GET', listPath, { authorization: 'Bearer rs_not-a-token' })
    expect(badToken.answeredFast).toBe(false)
    expect(badToken.res.status).toBe(401)
    const otherPage = await compare('GET', `${API}/districts?limit=5`)
    expect(otherPage.answeredFast).toBe(false)
    expect(otherPage.res.status).toBe(200)
    const missing = await compare('GET', `${listPath}/${crypto.randomUUID()}`)
    expect(missing.answeredFast).toBe(false)
    expect(missing.res.status).toBe(404)
  })

  it('serves a new alert as soon as it is committed, then answers from memory again', async () => {
    await compare('GET', listPath)
    const r = await t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'II', title: '新的预警', districts: ['510104'] },
    })
    expect(r.status, r.text).toBe(201)
    let body = ''
    for (let i = 0; i < 40 && !body.includes(r.body.id); i++) {
      body = (await raw(fast, 'GET', listPath)).body.toString()
      if (!body.includes(r.body.id)) await new Promise((ok) => setTimeout(ok, 25))
    }
    expect(body).toContain(r.body.id)
    expect((await compare('GET', listPath)).answeredFast).toBe(true)
  })

  it('writes the same access-log line and counts the request in the metrics', async () => {
    const path = `${listPath}/${(await firstAlert()).id}`
    const metric = async () => {
      const m = await t.deps.metrics.registry.getSingleMetric('redshield_http_requests_total')?.get()
      const v = m?.values.find(
        (x) =>
          x.labels.route === `${API}/public/alerts/:id` &&
          x.labels.status === '200' &&
          x.labels.method === 'GET',
      )
      return v?.value ?? 0
    }
    await raw(fast, 'GET', path)
    const counted = await metric()
    logLines.length = 0
    const viaFast = await compare('GET', path)
    expect(viaFast.answeredFast).toBe(true)
    expect(await metric()).toBe(counted + 3)
    const lines = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request')
    expect(lines).toHaveLength(3)
    const shape = (l: Record<string, unknown>) =>
      Object.entries(l).map(([k, v]) => (k === 'time' || k === 'durationMs' ? [k, typeof v] : [k, v]))
    const [fastLine, , honoLine] = lines
    expect(shape(fastLine)).toEqual(shape(honoLine))
    expect(fastLine).toMatchObject({ level: 30, requestId: ID, method: 'GET', path, status: 200 })
  })
})
