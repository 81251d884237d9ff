import { randomUUID } from 'node:crypto'
import http from 'node:http'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Called, type CallOptions, startTestApp } from '../helpers/test-app.js'
import { type OpenApi, ResponseContract } from './openapi-validator.js'

/**
 * Property-based input fuzzing of every operation in the OpenAPI document, with a token that is allowed to
 * call it, so that authorisation is not what refuses. Properties, for every request:
 *   - the status is never 5xx;
 *   - every 4xx is application/problem+json whose `status` is the HTTP status, with a string `code`;
 *   - a 4xx writes nothing: the row count and newest row version of every table, events included, are
 *     unchanged.
 * Runs are reproducible: the seed is fixed (FUZZ_SEED overrides it) and fast-check prints seed and path on
 * failure.
 */

const API = '/api/v1'
const HOME = '510104'
const NEIGHBOUR = '510105'
const SEED = Number(process.env.FUZZ_SEED ?? 20261130)
const RUNS = { body: 40, raw: 30, query: 25, path: 25, headers: 25 }
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete'])
const CONTENT_CHECKED = new Set(['post', 'put', 'patch'])

type Schema = {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  items?: Schema
  minLength?: number
  maxLength?: number
  minItems?: number
  minimum?: number
  pattern?: string
  format?: string
}
interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  schema?: Schema
}
interface OpenApiOperation {
  'x-access'?: { public: true } | { roles: string[] }
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { content?: Record<string, unknown> }>
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, Schema> }
}
interface Operation {
  method: string
  path: string
  params: Parameter[]
  body: Schema | undefined
  /** Statuses the operation documents as an HTML page (a web page's own 404), not problem+json. */
  htmlStatuses: Set<number>
  roles: string[]
}

// One app for the whole file, started at collection time so the cases can be named after the document.
const t = await startTestApp()
afterAll(() => t.close())
const doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument
/** Every answer, whatever was sent, is one the document declares (status, media type, body). */
const contract = new ResponseContract(doc as unknown as OpenApi)

function resolve(s: Schema | undefined): Schema | undefined {
  if (!s?.$ref) return s
  return resolve(doc.components?.schemas?.[s.$ref.split('/').pop() ?? ''])
}

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, op]) => ({
      method,
      path,
      params: op.parameters ?? [],
      body: resolve(op.requestBody?.content?.['application/json']?.schema),
      htmlStatuses: new Set(
        Object.entries(op.responses ?? {})
          .filter(([status, r]) => Number(status) >= 400 && r.content?.['text/html'])
          .map(([status]) => Number(status)),
      ),
      roles: (op['x-access'] && 'roles' in op['x-access'] ? op['x-access'].roles : []) ?? [],
    })),
)

/** A minimal value the schema accepts (as far as the schema can say; fixtures below do better). */
function sample(schema: Schema | undefined): unknown {
  const s = resolve(schema)
  if (!s) return {}
  if (s.const !== undefined) return s.const
  if (s.enum) return s.enum[0]
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) return sample(alternatives[0])
  switch (Array.isArray(s.type) ? s.type[0] : s.type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k])]))
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items))
    case 'string':
      if (s.pattern === '^\\d{6}$') return HOME
      if (s.format === 'uuid') return randomUUID()
      return 'x'.repeat(Math.max(1, s.minLength ?? 1))
    case 'integer':
    case 'number':
      return s.minimum ?? 1
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return {}
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures: an allowed token, a real resource for every path, and a valid body for every operation.

interface Fixtures {
  admin: string
  commander: string
  /** Path → the real id its `{id}` stands for: each operation gets its own incident or task. */
  ids: Map<string, string>
  playbookHash: string
  tokenId: string
  validBodies: Map<string, unknown>
  idempotencyKey: string
  /** For operations neither admin nor commander may call (a sampler's). */
  sampler: string
}
let fx: Fixtures
let tables: string[]

beforeAll(async () => {
  const admin = await t.token('admin')
  const commander = await t.token('commander')
  const call = async (method: string, path: string, opts: CallOptions, status: number) => {
    const r = await t.call(method, path, opts)
    if (r.status !== status) throw new Error(`fixture ${method} ${path}: ${r.status} ${r.text}`)
    return r
  }
  const activation = { playbook: 'sudan-red', level: 'I', title: 'fuzz', districts: [HOME, NEIGHBOUR] }
  const idempotencyKey = `fuzz-${randomUUID()}`
  await call(
    'POST',
    `${API}/incidents`,
    { token: commander, body: activation, headers: { 'idempotency-key': idempotencyKey } },
    201,
  )
  const playbook = (await call('GET', `${API}/playbooks/sudan-red`, { token: admin }, 200)).body
  const throwaway = await call(
    'POST',
    `${API}/tokens`,
    { token: admin, body: { name: 'x', role: 'sampler' } },
    201,
  )

  const ids = new Map<string, string>()
  const validBodies = new Map<string, unknown>()
  type Field = { name: string; type: string; required?: boolean; min?: number }
  type Step = { key: string; reportFields?: Field[] }
  const steps = playbook.playbook.steps as Step[]
  // The report operation gets a step that declares a text figure, so that strings reach the database.
  const withText = steps.find((s) => s.reportFields?.some((f) => f.type === 'text')) ?? steps[0]
  let n = 0
  for (const op of operations) {
    const resource = op.path.slice(API.length).split('/')[1]
    if (op.path.includes('{id}') && !ids.has(op.path)) {
      if (resource === 'incidents') {
        const r = await call('POST', `${API}/incidents`, { token: commander, body: activation }, 201)
        ids.set(op.path, r.body.id)
      } else if (resource === 'tasks') {
        const isReport = op.path.endsWith('/reports')
        const r = await call('POST', `${API}/incidents`, { token: commander, body: activation }, 201)
        const tasks = await call('GET', `${API}/tasks?incident=${r.body.id}`, { token: admin }, 200)
        const items = tasks.body.items as { id: string; step: string }[]
        const task = isReport ? items.find((i) => i.step === withText?.key) : items[n++ % items.length]
        if (!task) throw new Error('fixture: no task')
        // Acknowledged, so that start, report, complete and decline reach their writes.
        if (!op.path.endsWith('/ack'))
          await call('POST', `${API}/tasks/${task.id}/ack`, { token: admin }, 200)
        // Declined, so that a reassignment reaches its write.
        if (op.path.endsWith('/reassign'))
          await call(
            'POST',
            `${API}/tasks/${task.id}/decline`,
            { token: admin, body: { reason: 'fuzz' } },
            200,
          )
        ids.set(op.path, task.id)
      } else if (resource === 'users') {
        const login = `fuzz-user-${n++}`
        const r = await call(
          'POST',
          `${API}/users`,
          { token: admin, body: { login, name: login, role: 'commander' } },
          201,
        )
        ids.set(op.path, r.body.id)
      }
    }
    if (op.body) validBodies.set(`${op.method} ${op.path}`, sample(op.body))
  }
  const figures = Object.fromEntries(
    (withText?.reportFields ?? []).map((f) => [
      f.name,
      f.type === 'text' ? 'fuzz' : f.type === 'boolean' ? true : (f.min ?? 0) + 1,
    ]),
  )
  const knownBodies: Record<string, unknown> = {
    [`post ${API}/tokens`]: { name: 'fuzz', role: 'sampler' },
    [`post ${API}/incidents`]: {
      ...activation,
      districts: [HOME],
      hazard: 'h',
      note: 'n',
      products: [{ name: 'p' }],
    },
    [`post ${API}/incidents/{id}/level`]: { level: 'II', reason: 'fuzz' },
    [`post ${API}/incidents/{id}/close`]: { summary: 'fuzz' },
    [`post ${API}/tasks/{id}/reports`]: { figures, note: 'fuzz' },
    [`post ${API}/tasks/{id}/complete`]: { note: 'fuzz' },
    [`post ${API}/tasks/{id}/reassign`]: {
      district: NEIGHBOUR,
      ackWithin: 'PT1H',
      dueWithin: 'PT2H',
      reason: 'fuzz',
    },
    [`put ${API}/districts/{code}/contacts`]: {
      dutyOfficer: { name: '值班员', phone: '028-1234' },
      head: null,
    },
    [`put ${API}/contacts/city`]: {
      commandCentre: { name: '指挥中心', phone: '12315' },
      cityLeadership: null,
    },
    [`post ${API}/users`]: {
      login: 'fuzz-new',
      name: '模糊',
      role: 'district',
      district: HOME,
      phone: '028-1234567',
    },
    [`patch ${API}/users/{id}`]: { name: 'fuzz', phone: '028-7654321' },
  }
  for (const [k, v] of Object.entries(knownBodies)) if (validBodies.has(k)) validBodies.set(k, v)

  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
    t.deps.db,
  )
  tables = rows.map((r) => r.table_name)
  fx = {
    admin,
    commander,
    ids,
    playbookHash: playbook.hash,
    tokenId: throwaway.body.id,
    validBodies,
    idempotencyKey,
    sampler: await t.token('sampler'),
  }
})

/**
 * Row count and newest row version (xmin) of every table: an insert or delete changes the count, an update
 * gives the row a new xmin. A 4xx must leave all of them as they were.
 */
async function snapshot(): Promise<Record<string, string>> {
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`
  const columns = tables.map(
    (name) =>
      `(select count(*) || '/' || coalesce(max(x.xmin::text::bigint), 0) from ${q(name)} x) as ${q(name)}`,
  )
  const { rows } = await sql.raw<Record<string, string>>(`select ${columns.join(', ')}`).execute(t.deps.db)
  return rows[0] ?? {}
}

// ---------------------------------------------------------------------------------------------------------
// Requests and the properties every answer must have.

interface Probe {
  method: string
  path: string
  query?: string
  body?: unknown
  raw?: string | Uint8Array
  headers?: Record<string, string>
}

function tokenFor(op: Operation): string {
  if (op.path.startsWith(`${API}/incidents`)) return fx.commander
  return op.roles.length > 0 && !op.roles.includes('admin') && op.roles.includes('sampler')
    ? fx.sampler
    : fx.admin
}

function realPath(op: Operation): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'hash') return fx.playbookHash
    const resource = op.path.slice(API.length).split('/')[1]
    if (resource === 'playbooks') return 'sudan-red'
    if (resource === 'tokens') return fx.tokenId
    if (resource === 'districts') return HOME
    return fx.ids.get(op.path) ?? randomUUID()
  })
}

const show = (v: unknown) => {
  const s = v instanceof Uint8Array ? `bytes ${Buffer.from(v).toString('hex')}` : JSON.stringify(v)
  return s === undefined ? 'undefined' : s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s
}

/** Whether `path`, as the server resolves it (dot segments), still matches the operation's template. */
function namesOperation(template: string, path: string): boolean {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')
  return new RegExp(`^${pattern}$`).test(new URL(path, 'http://x').pathname)
}

/** The state after the last probe when nothing has written since (nothing but the probes runs here). */
let known: Record<string, string> | undefined

async function check(op: Operation, p: Probe): Promise<Called> {
  const before = known ?? (await snapshot())
  known = undefined
  const url = `${p.path}${p.query ? `?${p.query}` : ''}`
  const r = await send(p, tokenFor(op))
  const context = [
    `${p.method.toUpperCase()} ${show(url)} → ${r.status}`,
    p.headers ? `headers ${show(p.headers)}` : '',
    p.body !== undefined ? `body ${show(p.body)}` : '',
    p.raw !== undefined ? `raw ${show(p.raw)}` : '',
    `response ${r.text.slice(0, 500)}`,
  ]
    .filter(Boolean)
    .join('\n  ')
  expect(r.status, context).toBeLessThan(500)
  // Held to the operation's declared answers when the request still names the operation: an empty or a
  // dot-segment path parameter (`/alerts/`, `/cap/%2e%2e`) is another path, answered by whatever serves it.
  if (namesOperation(op.path, p.path))
    expect(contract.check(p.method, op.path, r), `${context}\n  against the document`).toEqual([])
  const page = /^text\/html/.test(r.headers.get('content-type') ?? '')
  if (r.status >= 400 && page) {
    // Only where the operation documents an HTML page for that status (a web page's own 404).
    expect(op.htmlStatuses.has(r.status), context).toBe(true)
    expect(await snapshot(), `a ${r.status} wrote to the database\n  ${context}`).toEqual(before)
  } else if (r.status >= 400) {
    expect(r.headers.get('content-type') ?? '', context).toMatch(/^application\/problem\+json/)
    expect(r.body.status, context).toBe(r.status)
    expect(typeof r.body.code, context).toBe('string')
    const after = await snapshot()
    expect(after, `a ${r.status} wrote to the database\n  ${context}`).toEqual(before)
    known = after
  }
  return r
}

/**
 * Each probe on a connection of its own: the server may answer before reading a body (a 413, or an operation
 * that takes none), and a kept-alive connection would then carry that probe's leftovers into the next one.
 * (See the keep-alive test at the end of this file.)
 */
function send(p: Probe, token: string): Promise<Called> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...p.headers }
  let body: string | Uint8Array | undefined = p.raw
  if (body === undefined && p.body !== undefined) {
    body = JSON.stringify(p.body)
    headers['content-type'] ??= 'application/json'
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  return request(
    `${t.baseUrl}${p.path}${p.query ? `?${p.query}` : ''}`,
    p.method.toUpperCase(),
    headers,
    body,
    false,
  )
}

/** A plain node:http request; errors after the answer arrived (the server closing early) are ignored. */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  agent: http.Agent | false,
): Promise<Called> {
  return new Promise((resolvePromise, reject) => {
    let answered = false
    const req = http.request(url, { method, headers, agent }, (res) => {
      answered = true
      // An event stream never ends by itself: its status and headers are the answer.
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        const h = new Headers({ 'content-type': res.headers['content-type'] ?? '' })
        res.destroy()
        resolvePromise({ status: res.statusCode ?? 0, headers: h, body: '', text: '' })
        return
      }
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const h = new Headers()
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v)
        const json = /json/.test(h.get('content-type') ?? '') && text !== ''
        resolvePromise({
          status: res.statusCode ?? 0,
          headers: h,
          body: json ? JSON.parse(text) : text,
          text,
        })
      })
    })
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    req.end(body)
  })
}

/** encodeURIComponent, except that lone surrogates become U+FFFD instead of throwing. */
function encodePathSegment(s: string): string {
  try {
    return encodeURIComponent(s)
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  }
}

/** Checks `run` over `runs` generated values, after the given examples (the sharp cases, always run). */
async function property<T>(
  arb: fc.Arbitrary<T>,
  runs: number,
  run: (v: T) => Promise<unknown>,
  examples: T[] = [],
) {
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      await run(v)
    }),
    { seed: SEED, numRuns: runs, examples: examples.map((e) => [e] as [T]) },
  )
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries.

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\uffff',
  '\u202e',
  '-1',
  '0',
  '1e400',
  'NaN',
  'Infinity',
  '0x1f',
  '1.5',
  '99999999999999999999',
  'null',
  'true',
  '[]',
  '{}',
  "' OR 1=1 --",
  '%',
  '%00',
  '../..',
  '510104',
  'all',
  'I',
  'V',
  '辣椒',
  '🟥',
]
const oddString = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 201, max: 5000 }).map((n) => 'x'.repeat(n)),
)
const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v }
  return v
}
/** A value of (most likely) the wrong type, size or shape for any declared property. */
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, '', [], {}, [null]),
  oddString,
  fc.integer({ min: 50, max: 2000 }).map((d) => nested(d)),
  fc.constant('x'.repeat(200_001)),
)

/** Garbage bodies for an operation, around the valid one when there is one. */
function bodyArbitrary(op: Operation): fc.Arbitrary<unknown> {
  const base = fx.validBodies.get(`${op.method} ${op.path}`) ?? {}
  const props = Object.keys(resolve(op.body)?.properties ?? {})
  const arbs: fc.Arbitrary<unknown>[] = [
    fc.jsonValue(),
    fc.anything({ maxDepth: 3 }),
    fc.tuple(fc.string({ maxLength: 12 }), wrongValue).map(([k, v]) => ({ ...(base as object), [k]: v })),
    stringLeaves(base),
  ]
  if (props.length > 0) {
    arbs.push(
      fc.constantFrom(...props).chain((k) => wrongValue.map((v) => ({ ...(base as object), [k]: v }))),
      fc
        .subarray(props, { minLength: 1 })
        .map((drop) => Object.fromEntries(Object.entries(base as object).filter(([k]) => !drop.includes(k)))),
    )
  }
  return fc.oneof(...arbs)
}

type Path = (string | number)[]

function stringPaths(v: unknown, at: Path = []): Path[] {
  if (typeof v === 'string') return [at]
  if (Array.isArray(v)) return v.flatMap((x, i) => stringPaths(x, [...at, i]))
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...at, k]))
  return []
}

function withValues(base: unknown, values: [Path, unknown][]): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>
  for (const [path, v] of values) {
    if (path.length === 0) return v
    let into = copy
    for (const key of path.slice(0, -1)) into = into[key] as Record<string | number, unknown>
    into[path.at(-1) as string | number] = v
  }
  return copy
}

/** The valid body with some of its string leaves replaced by odd strings: NUL, lone surrogates, oversize… */
function stringLeaves(base: unknown): fc.Arbitrary<unknown> {
  const paths = stringPaths(base)
  if (paths.length === 0) return fc.constant(base)
  return fc.tuple(...paths.map(() => fc.option(oddString, { nil: undefined }))).map((values) =>
    withValues(
      base,
      paths.flatMap((p, i) => (values[i] === undefined ? [] : [[p, values[i]] as [Path, unknown]])),
    ),
  )
}

/** PostgreSQL stores no NUL character, in text or in jsonb: every string of the valid body, one at a time. */
function nulExamples(op: Operation): unknown[] {
  const base = fx.validBodies.get(`${op.method} ${op.path}`)
  return stringPaths(base).map((p) => withValues(base, [[p, 'a\u0000b']]))
}

const enc = new TextEncoder()
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...enc.encode(p)] : p)))
const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
]

/** Raw request bodies sent as application/json: truncated, malformed, invalid UTF-8, deep, oversize. */
function rawArbitrary(op: Operation): fc.Arbitrary<string | Uint8Array> {
  const text = JSON.stringify(fx.validBodies.get(`${op.method} ${op.path}`) ?? { note: 'x' })
  return fc.oneof(
    fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n)),
    fc.string({ unit: 'binary', maxLength: 50 }),
    fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
    fc.constantFrom(
      '{',
      '[',
      '"',
      'nul',
      '{"a":}',
      '{,}',
      '{}{}',
      '\ufeff{}',
      'NaN',
      '1e999',
      '"\\ud800"',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
    ),
    fc
      .tuple(fc.constantFrom(...INVALID_UTF8), fc.nat({ max: text.length }))
      .map(([bad, at]) => bytes(text.slice(0, at), bad, text.slice(at))),
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.integer({ min: 1000, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.integer({ min: 1000, max: 50_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    fc.constant(`{"note":"${'x'.repeat(t.deps.config.BODY_LIMIT_BYTES)}"}`),
  )
}

/** Garbage values for the declared query parameters, plus undeclared and malformed ones. */
function queryArbitrary(op: Operation): fc.Arbitrary<string> {
  const declared = op.params.filter((p) => p.in === 'query').map((p) => p.name)
  const value = fc.oneof(oddString, fc.constantFrom('-5', '0', '1001', '10001', '1e3', '+1', ' 1 ', '1,2'))
  const entries = fc.array(
    fc.tuple(
      declared.length > 0
        ? fc.oneof(fc.constantFrom(...declared), fc.string({ maxLength: 8 }))
        : fc.string({ maxLength: 8 }),
      value,
    ),
    { minLength: 1, maxLength: 4 },
  )
  const suffix = fc.constantFrom('', '&%', '&limit=%zz', '&=&&=', '&a=%E0%A4%A', '&offset=%00', '&status[]=x')
  return fc.tuple(entries, suffix).map(([kv, tail]) => {
    const q = new URLSearchParams()
    for (const [k, v] of kv) q.append(k, v)
    return `${q.toString()}${tail}`
  })
}

/** Garbage for every path parameter, percent-encoded or raw. */
function pathArbitrary(op: Operation): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '')
  const real = realPath(op)
  const value = fc.oneof(
    oddString.map(encodePathSegment),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.constantFrom(
      '%',
      '%zz',
      '%00',
      '%2F',
      '%2e%2e',
      ';x',
      'a%',
      '%E0%A4%A',
      'x'.repeat(3000),
      `${real.split('/').pop()}x`,
    ),
  )
  return fc.tuple(...names.map(() => value)).map((values) => {
    let i = 0
    return op.path.replace(/\{(\w+)\}/g, () => values[i++] ?? '')
  })
}

/** Stands for the idempotency key a fixture already used (known only once beforeAll ran). */
const FIXTURE_KEY = '<fixture-key>'
type HeaderCase = {
  kind: 'idempotency' | 'content-type' | 'accept-language'
  headers: Record<string, string>
}
const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) })
const headerArbitrary: fc.Arbitrary<HeaderCase> = fc.oneof(
  fc
    .oneof(
      fc.constantFrom('', ' ', FIXTURE_KEY),
      fc.integer({ min: 201, max: 8000 }).map((n) => 'k'.repeat(n)),
      printable,
    )
    .map((key) => ({ kind: 'idempotency' as const, headers: { 'idempotency-key': key } })),
  fc
    .constantFrom(
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'text/json',
      'application/jsonx',
      'json',
    )
    .map((type) => ({ kind: 'content-type' as const, headers: { 'content-type': type } })),
  fc
    .constantFrom('en', 'en-GB,en;q=0.9', 'EN')
    .map((lang) => ({ kind: 'accept-language' as const, headers: { 'accept-language': lang } })),
)

// ---------------------------------------------------------------------------------------------------------

describe('fuzzing every operation of /openapi.json', () => {
  it('finds the operations and every table', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20)
    for (const name of ['events', 'tasks', 'incidents', 'api_tokens', 'idempotency_keys', 'task_reports'])
      expect(tables).toContain(name)
  })

  for (const op of operations) {
    const name = `${op.method.toUpperCase()} ${op.path}`
    const hasBody = BODY_METHODS.has(op.method)
    // Bodies first: the other probes of a state-changing operation may move its resource along (a valid `{}`
    // completes a task), and the sharp examples should meet the resource as the fixtures left it.
    describe(name, () => {
      if (hasBody) {
        it('generated and malformed JSON bodies', async () => {
          await property(
            bodyArbitrary(op),
            RUNS.body,
            (body) => check(op, { method: op.method, path: realPath(op), body }),
            nulExamples(op),
          )
        })

        it('raw bodies: truncated, invalid UTF-8, deeply nested, oversize', async () => {
          await property(rawArbitrary(op), RUNS.raw, async (raw) => {
            const r = await check(op, {
              method: op.method,
              path: realPath(op),
              raw,
              headers: { 'content-type': 'application/json' },
            })
            if ((typeof raw === 'string' ? raw.length : raw.byteLength) > t.deps.config.BODY_LIMIT_BYTES)
              expect(r.status).toBe(413)
          })
        })
      }

      if (op.path.includes('{'))
        it('garbage path parameters', async () => {
          await property(
            pathArbitrary(op),
            RUNS.path,
            (path) =>
              check(op, {
                method: op.method,
                path,
                ...(hasBody ? { body: fx.validBodies.get(`${op.method} ${op.path}`) ?? {} } : {}),
              }),
            ['not-a-uuid', 'a%00b'].map((v) => op.path.replace(/\{(\w+)\}/g, v)),
          )
        })

      it('garbage query strings', async () => {
        const declared = op.params.filter((p) => p.in === 'query').map((p) => p.name)
        await property(
          queryArbitrary(op),
          RUNS.query,
          (query) =>
            check(op, { method: op.method, path: realPath(op), query, ...(hasBody ? { body: {} } : {}) }),
          declared.map((name) => new URLSearchParams({ [name]: 'a\u0000b' }).toString()),
        )
      })

      it('odd headers', async () => {
        await property(headerArbitrary, RUNS.headers, async (h) => {
          const headers = { ...h.headers }
          if (headers['idempotency-key'] === FIXTURE_KEY) headers['idempotency-key'] = fx.idempotencyKey
          const valid = fx.validBodies.get(`${op.method} ${op.path}`) ?? {}
          const probe: Probe = { method: op.method, path: realPath(op), headers }
          if (h.kind === 'content-type' && hasBody) probe.raw = JSON.stringify(valid)
          else if (hasBody) probe.body = h.kind === 'accept-language' ? { unknown: true } : valid
          const r = await check(op, probe)
          if (h.kind === 'content-type' && CONTENT_CHECKED.has(op.method)) {
            expect(r.status, r.text).toBe(415)
            expect(r.body.code).toBe('unsupported_media_type')
          }
          // Pages take their language from ?lang= and the cookie, never Accept-Language (a shared link looks
          // the same to everyone); problem+json answers follow Accept-Language.
          const page = /^text\/html/.test(r.headers.get('content-type') ?? '')
          if (h.kind === 'accept-language' && r.status >= 400 && !page)
            expect(r.headers.get('content-language')).toBe('en')
        })
      })
    })
  }
})

describe('connections', () => {
  it('a 413 leaves a kept-alive connection usable for the next request', async () => {
    // RFC 9112 §9.6: a server that answers without reading the whole body must close the connection (and say
    // so with Connection: close), or read and discard the body; otherwise the next request on the connection
    // is lost.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const big = `{"note":"${'x'.repeat(t.deps.config.BODY_LIMIT_BYTES)}"}`
      const headers = {
        authorization: `Bearer ${fx.admin}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(big)),
      }
      const refused = await request(`${t.baseUrl}${API}/tokens`, 'POST', headers, big, agent)
      expect(refused.status).toBe(413)
      const next = await request(`${t.baseUrl}/health`, 'GET', {}, undefined, agent).catch((err: Error) => {
        throw new Error(
          `GET /health after a 413 on the same kept-alive connection failed: ${err.message} ` +
            `(the 413 said "connection: ${refused.headers.get('connection')}")`,
        )
      })
      expect(next.status).toBe(200)
    } finally {
      agent.destroy()
    }
  })
})
