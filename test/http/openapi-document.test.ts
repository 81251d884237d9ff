import { createConfig, lintFromString } from '@redocly/openapi-core'
import openapiTS from 'openapi-typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROBLEM_CODES } from '../../src/domain/errors.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The document as a third party checks it: a linter, a client generator, and the rules a generated client
 * relies on (operation ids, declared statuses, closed schemas).
 */

interface Op {
  operationId?: string
  security?: unknown[]
  'x-access'?: { public?: true; roles?: string[] }
  parameters?: { name: string; in: string }[]
  requestBody?: unknown
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>
}
interface Schema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  enum?: unknown[]
}
interface Doc {
  paths: Record<string, Record<string, Op>>
  components: { schemas: Record<string, Schema> }
}

let t: TestApp
let raw: string
let doc: Doc
const ops: { method: string; path: string; op: Op }[] = []

beforeAll(async () => {
  t = await startTestApp()
  const r = await t.call('GET', '/openapi.json')
  raw = r.text
  doc = r.body as Doc
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) ops.push({ method, path, op })
})
afterAll(() => t.close())

describe('/openapi.json as third-party tools read it', () => {
  it('passes Redocly lint (recommended rules) with no errors', async () => {
    const config = await createConfig({
      extends: ['recommended'],
      // The served document names the configured base URL, which is localhost in tests.
      rules: { 'no-server-example.com': 'off' },
    })
    const problems = await lintFromString({ source: raw, absoluteRef: '/openapi.json', config })
    const errors = problems.filter((p) => p.severity === 'error')
    expect(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([])
    expect(problems.map((p) => p.ruleId)).toEqual([])
  })

  it('generates a typed client (openapi-typescript) in which no response body is unknown or empty', async () => {
    const source = await openapiTS(JSON.parse(raw))
    // Every 2xx JSON body of every operation, as the generated client types it.
    const bodies = [
      ...source.matchAll(
        / {6}(2\d\d): \{\n(?:[^\n]*\n)*? {8}content: \{\n {10}"application\/json": ([^;]+);/g,
      ),
    ]
    expect(bodies.length).toBeGreaterThanOrEqual(
      // Pages and feeds answer HTML or XML, not JSON.
      ops.filter((o) => (o.op.responses['200'] ?? o.op.responses['201'])?.content?.['application/json'])
        .length - 2,
    )
    for (const [, , type] of bodies) {
      expect(type).not.toMatch(/^unknown$|Record<string, never>/)
    }
    // And nowhere in the types: no open-ended `unknown` values, no empty objects.
    const open = source
      .split('\n')
      .filter((l) => /\bunknown\b|Record<string, never>/.test(l))
      .filter((l) => !/^export type (webhooks|\$defs|external) = Record<string, never>;$/.test(l))
      .filter((l) => !/^\s*\/\*\*|^\s*\*/.test(l)) // comments
    expect(open).toEqual([])
  })
})

describe('every operation', () => {
  it('has a unique operationId', () => {
    const ids = ops.map((o) => o.op.operationId)
    expect(ids.filter((id) => !id)).toEqual([])
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('public operations declare `security: []`, secured ones the bearer scheme', () => {
    for (const { method, path, op } of ops) {
      if (op['x-access']?.public) expect(op.security, `${method} ${path}`).toEqual([])
      else expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }])
    }
  })

  it('declares every status the server can send it', () => {
    for (const { method, path, op } of ops) {
      const statuses = Object.keys(op.responses)
      const api = path.startsWith('/api/')
      const expected = ['405', '422', '500']
      if (op.requestBody) expected.push('400')
      if (api) expected.push('401', '413', '503')
      if (api && ['post', 'put', 'patch'].includes(method)) expected.push('415')
      if (!op['x-access']?.public) expected.push('401', '403')
      for (const s of expected) expect(statuses, `${method} ${path} declares ${s}`).toContain(s)
    }
  })

  it('answers in closed schemas: every object says additionalProperties false or types its values', () => {
    const open: string[] = []
    const visit = (s: Schema | undefined, where: string) => {
      if (!s || typeof s !== 'object') return
      const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'))
      if (isObject && s.properties && s.additionalProperties !== false) open.push(where)
      if (
        isObject &&
        !s.properties &&
        (s.additionalProperties === undefined || s.additionalProperties === true)
      )
        open.push(where)
      if (
        isObject &&
        typeof s.additionalProperties === 'object' &&
        Object.keys(s.additionalProperties).length === 0
      )
        open.push(`${where} (values)`)
      for (const [k, v] of Object.entries(s.properties ?? {})) visit(v, `${where}.${k}`)
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${where}[*]`)
      visit(s.items, `${where}[]`)
      for (const list of [s.anyOf, s.oneOf, s.allOf])
        for (const [i, v] of (list ?? []).entries()) visit(v, `${where}|${i}`)
    }
    for (const [name, s] of Object.entries(doc.components.schemas)) visit(s, name)
    for (const { method, path, op } of ops)
      for (const [status, r] of Object.entries(op.responses))
        for (const [type, c] of Object.entries(r.content ?? {}))
          visit(c.schema, `${method} ${path} ${status} ${type}`)
    expect(open).toEqual([])
  })

  it('the problem schema lists every code the service can send', () => {
    const problem = doc.components.schemas.Problem
    expect(problem?.properties?.code?.enum).toEqual(PROBLEM_CODES)
  })

  it('every list pages: `limit` and `cursor` in, `{items, next}` out', () => {
    const lists = ops.filter(({ method, op }) => {
      const ok = op.responses['200']?.content?.['application/json']?.schema
      const ref = ok?.$ref?.split('/').at(-1)
      const schema = ref ? doc.components.schemas[ref] : ok
      // A resource with an id is not a page, even when it has `items` (a sample's test items).
      return method === 'get' && schema?.properties?.items !== undefined && !schema.properties.id
    })
    expect(lists.map((l) => l.path).sort()).toEqual([
      '/api/v1/announcements',
      // retailer boards (issue 10)
      '/api/v1/boards/unconfirmed',
      '/api/v1/boards/{retailerId}/versions',
      '/api/v1/businesses',
      '/api/v1/complaints',
      '/api/v1/districts',
      // the district's overdue list (issue 10: late tasks and retailers unconfirmed past 24 h)
      '/api/v1/districts/{code}/overdue',
      '/api/v1/incidents',
      '/api/v1/incidents/{id}/events',
      // issue 18: inspection plans and rectification cases
      '/api/v1/inspection-plans',
      '/api/v1/jobs',
      '/api/v1/playbooks',
      '/api/v1/public/alerts',
      '/api/v1/public/announcements',
      '/api/v1/public/inspections',
      '/api/v1/public/search',
      // the quarterly spot checks of districts, public and for staff, and the monthly self-checks
      '/api/v1/public/spot-checks',
      '/api/v1/rectifications',
      // retailer boards (issue 10)
      '/api/v1/retailers',
      '/api/v1/retailers/{id}/samples',
      '/api/v1/samples',
      '/api/v1/self-checks',
      // signals from complaints (issue 17)
      '/api/v1/signals',
      '/api/v1/spot-checks',
      '/api/v1/tasks',
      '/api/v1/tokens',
      '/api/v1/users',
      '/api/v1/webhooks',
      '/api/v1/webhooks/{id}/deliveries',
    ])
    for (const { path, op } of lists) {
      const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
      expect(names, path).toEqual(expect.arrayContaining(['limit', 'cursor']))
      const ok = op.responses['200']?.content?.['application/json']?.schema
      // A named page schema (AlertPage, SearchPage) is a reference.
      const ref = ok?.$ref?.split('/').at(-1)
      const schema = ref ? doc.components.schemas[ref] : ok
      expect(Object.keys(schema?.properties ?? {}).sort(), path).toEqual(['items', 'next'])
    }
  })
})
