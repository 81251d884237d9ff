import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { negotiateLang } from '../../src/http/problem.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
})
afterAll(() => t.close())

const HAN = /\p{Script=Han}/u
const LATIN_WORD = /[A-Za-z]{3,}/

describe('language negotiation', () => {
  it('honours q-values, ties to the first listed, zh-CN by default', () => {
    expect(negotiateLang('zh-CN;q=0.1, en;q=0.9')).toBe('en')
    expect(negotiateLang('en;q=0.2, zh')).toBe('zh')
    expect(negotiateLang('en-GB, zh-CN')).toBe('en')
    expect(negotiateLang('zh-TW, en')).toBe('zh')
    expect(negotiateLang('fr, de;q=0.5')).toBe('zh')
    expect(negotiateLang('fr, en;q=0.5')).toBe('en')
    expect(negotiateLang('en;q=0, zh;q=0.1')).toBe('zh')
    expect(negotiateLang('en;q=abc')).toBe('zh')
    expect(negotiateLang(undefined)).toBe('zh')
  })

  it('over HTTP: Accept-Language with q-values picks the language of the problem', async () => {
    const en = await t.call('GET', '/api/v1/tasks', {
      headers: { 'accept-language': 'zh-CN;q=0.1, en;q=0.9' },
    })
    expect(en.headers.get('content-language')).toBe('en')
    expect(en.body.title).not.toMatch(HAN)
    const zh = await t.call('GET', '/api/v1/tasks', {
      headers: { 'accept-language': 'en;q=0.1, zh-CN;q=0.9' },
    })
    expect(zh.headers.get('content-language')).toBe('zh-CN')
    expect(zh.body.title).toMatch(HAN)
  })

  it('in a Chinese response every validation message is Chinese; in English, English', async () => {
    const body = {
      playbook: 'no-such-playbook',
      level: 'V',
      title: '   ',
      hazard: 7,
      districts: ['12'],
      products: [{ name: 'x', colour: 'red' }],
      exercise: 'yes',
    }
    const zh = await t.call('POST', '/api/v1/incidents', { token: admin, body })
    expect(zh.status).toBe(422)
    expect(zh.body.issues.length).toBeGreaterThanOrEqual(6)
    for (const i of zh.body.issues) {
      expect(i.message, i.path).toMatch(HAN)
      expect(i.message.replace(/"[^"]*"|「[^」]*」|[a-z_]+\.[a-z_.]+/g, ''), i.path).not.toMatch(
        /[A-Za-z]{5,}/,
      )
    }
    const en = await t.call('POST', '/api/v1/incidents?lang=en', { token: admin, body })
    expect(en.status).toBe(422)
    for (const i of en.body.issues) {
      expect(i.message, i.path).not.toMatch(HAN)
      expect(i.message, i.path).toMatch(LATIN_WORD)
    }
  })

  it('service-level issues are bilingual too', async () => {
    const body = { playbook: 'no-such-playbook', level: 'IV', title: '标题', districts: ['999999'] }
    const zh = await t.call('POST', '/api/v1/incidents', { token: admin, body })
    expect(zh.status).toBe(422)
    expect(zh.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.districts[0]',
      'body.playbook',
    ])
    for (const i of zh.body.issues) expect(i.message).toMatch(HAN)
    const en = await t.call('POST', '/api/v1/incidents', {
      token: admin,
      body,
      headers: { 'accept-language': 'en' },
    })
    for (const i of en.body.issues) expect(i.message).not.toMatch(HAN)
  })
})

describe('error bodies stay small', () => {
  it('60,000 unknown keys: the first 100 issues, each naming its key, and the total count', async () => {
    const body: Record<string, unknown> = { name: 'x', role: 'admin' }
    for (let i = 0; i < 60_000; i++) body[`k${i}`] = 1
    const r = await t.call('POST', '/api/v1/tokens', { token: admin, body })
    expect(r.status).toBe(422)
    expect(r.body.issueCount).toBe(60_000)
    expect(r.body.issues).toHaveLength(100)
    expect(r.body.issues[0]).toMatchObject({ path: 'body.k0', code: 'unrecognized_key' })
    expect(r.text.length).toBeLessThan(20_000)
  })

  it('unknown query parameters are refused, each named', async () => {
    const r = await t.call('GET', '/api/v1/tasks?incidnet=x&statsu=pending', { token: admin })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'query.incidnet',
      'query.statsu',
    ])
    // `lang` is understood everywhere.
    expect((await t.call('GET', '/api/v1/tasks?lang=en', { token: admin })).status).toBe(200)
    expect((await t.call('GET', '/health?lang=zh')).status).toBe(200)
    expect((await t.call('GET', '/health?x=1')).status).toBe(422)
  })
})
