import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { type OpenApi, ResponseContract } from './openapi-validator.js'

/**
 * The document's promises the access matrix does not reach. Answers it does not provoke (it makes each call
 * succeed or be refused for its role): a page for a resource that does not exist, and the search rate limit;
 * each must be a status the document declares, in the media type it declares, and a page answers a page in
 * the reader's language. The document's shape (tags, info, path ids), and that every role list is ACCESS's.
 */

let t: TestApp
let contract: ResponseContract
const RATE = 3

beforeAll(async () => {
  t = await startTestApp({ config: { SEARCH_RATE_PER_MINUTE: String(RATE) } })
  contract = new ResponseContract((await t.call('GET', '/openapi.json')).body as OpenApi)
})
afterAll(() => t.close())

describe('declared statuses', () => {
  it('/boards/{retailerId} for no such retailer: a declared 404, an HTML page in the chosen language', async () => {
    const zh = await t.call('GET', '/boards/no-such-mall')
    expect(zh.status).toBe(404)
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/)
    expect(zh.text).toContain('<html lang="zh-CN"')
    expect(zh.text).toContain('页面不存在')
    expect(contract.check('get', '/boards/{retailerId}', zh)).toEqual([])

    const en = await t.call('GET', '/boards/no-such-mall?lang=en')
    expect(en.status).toBe(404)
    expect(en.text).toContain('<html lang="en"')
    expect(en.text).toContain('Page not found')
    expect(contract.check('get', '/boards/{retailerId}', en)).toEqual([])

    // The language chosen earlier (the cookie `?lang=` sets), as on every page.
    const cookie = /^[^;]+/.exec(en.headers.get('set-cookie') ?? '')?.[0] ?? ''
    expect(cookie).toMatch(/=en$/)
    const chosen = await t.call('GET', '/boards/no-such-mall', { headers: { cookie } })
    expect(chosen.text).toContain('Page not found')
  })

  it('/announcements/{id} for no such announcement: a declared 404 page, like every other page', async () => {
    const r = await t.call('GET', '/announcements/00000000-0000-4000-8000-000000000000?lang=en')
    expect(r.status).toBe(404)
    expect(r.headers.get('content-type')).toMatch(/^text\/html/)
    expect(r.text).toContain('Page not found')
    expect(contract.check('get', '/announcements/{id}', r)).toEqual([])
  })

  it('/alerts/{id} for no such alert: a declared 404 page', async () => {
    const r = await t.call('GET', '/alerts/00000000-0000-4000-8000-000000000000')
    expect(r.status).toBe(404)
    expect(contract.check('get', '/alerts/{id}', r)).toEqual([])
  })

  it('/search and /api/v1/public/search past the rate limit: a declared 429 with Retry-After', async () => {
    for (const [path, template] of [
      ['/search?q=辣椒', '/search'],
      ['/api/v1/public/search?q=辣椒', '/api/v1/public/search'],
    ] as const) {
      let last = await t.call('GET', encodeURI(path))
      for (let i = 0; i < RATE * 2 && last.status !== 429; i++) last = await t.call('GET', encodeURI(path))
      expect(last.status, path).toBe(429)
      expect(last.headers.get('retry-after'), path).toMatch(/^\d+$/)
      expect(contract.check('get', template, last), path).toEqual([])
    }
  })
})

describe('document shape', () => {
  type Param = { in: string; name: string; schema?: Record<string, unknown> }
  type Doc = {
    info: { contact?: { name?: string }; license?: { name?: string } }
    tags?: { name: string; description?: string }[]
    paths: Record<string, Record<string, { tags?: string[]; parameters?: Param[] }>>
  }
  const docOf = async () => (await t.call('GET', '/openapi.json')).body as Doc

  it('declares every tag an operation uses at the top, each with a description, and none unused', async () => {
    const doc = await docOf()
    const declared = (doc.tags ?? []).map((tag) => tag.name)
    const used = new Set(
      Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])),
    )
    expect([...used].filter((tag) => !declared.includes(tag))).toEqual([])
    expect(declared.filter((tag) => !used.has(tag))).toEqual([])
    for (const tag of doc.tags ?? []) expect(tag.description, tag.name).toBeTruthy()
  })

  it('info names a contact and a licence', async () => {
    const doc = await docOf()
    expect(doc.info.contact?.name).toBeTruthy()
    expect(doc.info.license?.name).toBeTruthy()
  })

  it('every path id declares its format (uuid) or pattern, and a length bound', async () => {
    const doc = await docOf()
    const params = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => ({ at: `${method} ${path} {${p.name}}`, p })),
      ),
    )
    expect(params.length).toBeGreaterThan(40)
    for (const { at, p } of params) {
      const s = p.schema ?? {}
      expect(s.format === 'uuid' || typeof s.pattern === 'string', `${at} has no format or pattern`).toBe(
        true,
      )
      expect(typeof s.maxLength, `${at} has no maxLength`).toBe('number')
    }
  })
})

describe('role lists come from ACCESS', () => {
  it('no route or page passes a role list of its own to securedRoute or requireRoles', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const root = join(import.meta.dirname, '../../src')
    const files = (await readdir(root, { recursive: true })).filter((f) => /\.tsx?$/.test(f))
    const offenders: string[] = []
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8')
      for (const m of text.matchAll(/\b(securedRoute|requireRoles)\(\s*([^,)]*)/g)) {
        const arg = m[2]?.trim() ?? ''
        // The definitions themselves, the guard helper's own argument, and "anyone signed in" (ROLES).
        if (/^(roles|ACCESS\[verb\]|ACCESS\.\w+|ROLES)$/.test(arg) || /^roles:/.test(arg)) continue
        offenders.push(`${file}: ${m[0]}`)
      }
    }
    expect(offenders).toEqual([])
  })
})
