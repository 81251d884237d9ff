import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { ACCESS } from '../../src/domain/access.js'
import { systemContext } from '../../src/domain/context.js'
import { ROLES, type Role } from '../../src/domain/enums.js'
import { createUser } from '../../src/users/users.service.js'
import { fanOutEvents } from '../../src/webhooks/webhook-fanout.js'
import { FormClient } from '../helpers/form-client.js'
import { type Called, type CallOptions, startTestApp } from '../helpers/test-app.js'
import { complaintCalls } from './complaint-calls.js'
import { concreteFormPath, consoleForms, OWN_ACCOUNT_FORMS } from './console-forms.js'
import { closedAllOfs, type OpenApi, ResponseContract } from './openapi-validator.js'

/**
 * Who may call what, driven by the OpenAPI document of the running app: every operation declares `x-access`,
 * and every operation added later is covered here without anyone listing it. The console's forms likewise,
 * from the app's route table: each declares the ACCESS verb it performs, and each role is held to it. Every answer on the way, allowed
 * or refused, is held to the document with ajv in strict mode (its status declared, its body valid against the
 * declared schema), so a schema that no real answer satisfies fails here. Then district isolation: a
 * district token never reaches another district's tasks, figures or incidents.
 */

const API = '/api/v1'
const HOME = '510104'
const NEIGHBOUR = '510105'
const UNKNOWN_TOKEN = 'rs_notarealtoken_xxxxxxxxxxxxxxxxxxxx'
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete'])

type Access = { public: true } | { roles: Role[] }
interface Operation {
  method: string
  path: string
  operationId: string
  access: Access
  /** Takes a CSV file rather than JSON (the sample import). */
  csv: boolean
}
interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { 'x-access'?: Access; operationId?: string; requestBody?: { content?: Record<string, unknown> } }
    >
  >
}

/** Credentials that must never get past a secured operation. */
const REFUSED = ['no token', 'malformed header', 'unknown token', 'revoked token'] as const
type Credential = (typeof REFUSED)[number] | Role
const CREDENTIALS: readonly Credential[] = [...REFUSED, ...ROLES]

function listOperations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const access = op['x-access']
      // An operation without x-access is itself a contract failure, reported by its own test below.
      const content = Object.keys(op.requestBody?.content ?? {})
      ops.push({
        method,
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        access: access ?? { roles: [] },
        csv: content.includes('text/csv'),
      })
    }
  }
  return ops
}

// One app for the whole file, started at collection time so the cases can be named after the document.
const t = await startTestApp()
afterAll(() => t.close())
const doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument
const operations = listOperations(doc)
// The app's own route table (a second instance over the same deps, never served): the console's forms.
const forms = consoleForms(createApp(t.deps))
const contract = new ResponseContract(doc as unknown as OpenApi)
/** Operations whose success answer was checked against the document. */
const succeeded = new Set<string>()

interface Fixtures {
  incidentId: string
  /** An incident whose scope is HOME only. */
  scopedIncidentId: string
  taskId: string
  /** Another HOME task, reported on so that the incident has per-district totals. */
  reportedTaskId: string
  playbookHash: string
  tokenId: string
  userId: string
  webhookId: string
  sampleId: string
  /** A published announcement (sampler drafted, reviewer reviewed, approver approved and published). */
  announcementId: string
  /** The public alert of the city-wide incident, and the file name of its first CAP message. */
  alertId: string
  capFile: string
  tokens: Record<Role, string>
  revoked: string
  neighbour: string
  /** A signed-in console session per role (a person with that role). */
  sessions: Record<Role, FormClient>
}
let fx: Fixtures

async function ok(r: Promise<Called>, status: number): Promise<Called> {
  const res = await r
  if (res.status !== status) throw new Error(`fixture: expected ${status}, got ${res.status}: ${res.text}`)
  return res
}

beforeAll(async () => {
  await t.deps.db
    .insertInto('retailers')
    .values({ id: 'contract-mall', name_zh: '契约测试商场', name_en: 'Contract Mall', district_code: HOME })
    .execute()
  const tokens = {} as Record<Role, string>
  for (const role of ROLES) {
    tokens[role] = await t.token(
      role,
      role === 'district' ? { district: HOME } : role === 'retailer' ? { retailer: 'contract-mall' } : {},
    )
  }
  const admin = tokens.admin
  const commander = tokens.commander

  const toRevoke = await ok(
    t.call('POST', `${API}/tokens`, { token: admin, body: { name: 'to be revoked', role: 'admin' } }),
    201,
  )
  await ok(t.call('DELETE', `${API}/tokens/${toRevoke.body.id}`, { token: admin }), 200)
  const throwaway = await ok(
    t.call('POST', `${API}/tokens`, { token: admin, body: { name: 'throwaway', role: 'sampler' } }),
    201,
  )

  const incident = await ok(
    t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'II', title: 't', districts: 'all' },
    }),
    201,
  )
  const scoped = await ok(
    t.call('POST', `${API}/incidents`, {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'scoped', districts: [HOME] },
    }),
    201,
  )
  const homeTasks = await ok(
    t.call('GET', `${API}/tasks?incident=${incident.body.id}&district=${HOME}`, { token: admin }),
    200,
  )
  const items = homeTasks.body.items as { id: string; step: string }[]
  const reported = items.find((i) => i.step === 'activate-response')
  const other = items.find((i) => i.step !== 'activate-response')
  if (!reported || !other) throw new Error(`fixture: unexpected tasks ${homeTasks.text}`)
  await ok(t.call('POST', `${API}/tasks/${reported.id}/ack`, { token: tokens.district }), 200)
  await ok(
    t.call('POST', `${API}/tasks/${reported.id}/reports`, {
      token: tokens.district,
      body: { figures: { staff_deployed: 12, teams_formed: 3 } },
    }),
    201,
  )
  const playbook = await ok(t.call('GET', `${API}/playbooks/sudan-red`, { token: admin }), 200)
  const user = await ok(
    t.call('POST', `${API}/users`, {
      token: admin,
      body: { login: 'matrix', name: 'matrix', role: 'sampler' },
    }),
    201,
  )

  const webhook = await ok(
    t.call('POST', `${API}/webhooks`, {
      token: admin,
      body: { url: 'http://127.0.0.1:9/hook', events: ['incident.*'] },
    }),
    201,
  )
  const sampleNo = await freshSampleNo(tokens.sampler)
  const sample = await ok(t.call('GET', `${API}/samples?limit=500`, { token: admin }), 200)
  const sampleId = (sample.body.items as { id: string; no: string }[]).find((i) => i.no === sampleNo)?.id
  if (!sampleId) throw new Error(`fixture: sample ${sampleNo} not listed`)
  const announcementId = await announcementAt(tokens, 'published', {}, sampleNo)
  // The activation's public alert (src/alerts/incident-alerts.ts) is read through the public cache.
  const alert = await eventually(async () => {
    const list = await t.call('GET', `${API}/public/alerts`)
    return (list.body.items as { id: string; source: { id: string }; versions: { capUrl: string }[] }[]).find(
      (a) => a.source.id === incident.body.id,
    )
  })

  fx = {
    webhookId: webhook.body.id,
    sampleId,
    announcementId,
    alertId: alert.id,
    capFile: alert.versions[0]!.capUrl.split('/').pop()!,
    incidentId: incident.body.id,
    scopedIncidentId: scoped.body.id,
    taskId: other.id,
    reportedTaskId: reported.id,
    playbookHash: playbook.body.hash,
    tokenId: throwaway.body.id,
    userId: user.body.id,
    tokens,
    revoked: toRevoke.body.token,
    neighbour: await t.token('district', { district: NEIGHBOUR }),
    sessions: await consoleSessions(),
  }
})

const PASSWORD = 'matrix console passphrase 2026'
/** One person per role, signed in to the console (a district officer of HOME, the fixture retailer's staff). */
async function consoleSessions(): Promise<Record<Role, FormClient>> {
  const sessions = {} as Record<Role, FormClient>
  for (const role of ROLES) {
    await createUser(t.deps.db, t.clock, systemContext('test'), {
      login: `console-${role}`,
      name: `console ${role}`,
      role,
      ...(role === 'district' ? { districtCode: HOME } : {}),
      ...(role === 'retailer' ? { retailerId: 'contract-mall' } : {}),
      password: PASSWORD,
    })
    const client = new FormClient(() => t.baseUrl)
    const signedIn = await client.signIn(`console-${role}`, PASSWORD)
    // A district officer lands on their tasks; everyone else on the console's home.
    if (signedIn.location !== (role === 'district' ? '/console/tasks' : '/console'))
      throw new Error(`fixture: ${role} did not sign in: ${signedIn.status} ${signedIn.location}`)
    sessions[role] = client
  }
  return sessions
}

async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('fixture: never appeared')
}

let sampleSeq = 0
/** A new passed sample (no failing items) recorded by the sampler; answers its number (抽样编号). */
async function freshSampleNo(sampler: string, failing = false): Promise<string> {
  sampleSeq += 1
  const no = `GC26MATRIX${String(sampleSeq).padStart(4, '0')}`
  await ok(
    t.call('POST', `${API}/samples`, {
      token: sampler,
      body: {
        no,
        unit: { name: '契约测试商场', address: '成都市锦江区总府路15号' },
        foodName: '豆瓣酱',
        category: '调味品',
        items: failing ? [{ name: '苏丹红Ⅰ号', result: '1.8mg/kg', limit: '不得检出', verdict: 'fail' }] : [],
      },
    }),
    201,
  )
  return no
}

/** A published failing sample's disposal task in HOME, acknowledged, with its sample's id (issue 15). */
async function freshDisposalTask(): Promise<{ task: string; sample: string }> {
  const no = await freshSampleNo(fx.tokens.sampler, true)
  const id = await announcementAt(fx.tokens, 'published', {}, no)
  const a = await ok(t.call('GET', `${API}/announcements/${id}`, { token: fx.tokens.admin }), 200)
  const incident = a.body.incidentId ?? a.body.incident?.id
  const list = await ok(
    t.call('GET', `${API}/tasks?incident=${incident}&district=${HOME}`, { token: fx.tokens.admin }),
    200,
  )
  const task = (list.body.items as { id: string; step: string }[]).find(
    (i) => i.step === 'remove-from-shelves',
  )!
  await ok(t.call('POST', `${API}/tasks/${task.id}/ack`, { token: fx.tokens.district }), 200)
  const sheet = await ok(t.call('GET', `${API}/tasks/${task.id}`, { token: fx.tokens.admin }), 200)
  return { task: task.id, sample: sheet.body.shops[0].samples[0].id }
}

type Stage = 'draft' | 'in_review' | 'reviewed' | 'approved' | 'published'
const STAGES: Stage[] = ['draft', 'in_review', 'reviewed', 'approved', 'published']
let numberSeq = 0
/**
 * A new announcement of a fresh sample carried to `stage` by three different people (一审一核): the
 * drafter, the reviewer and the approver (who also publishes) are the given roles' tokens.
 */
async function announcementAt(
  tokens: Record<Role, string>,
  stage: Stage,
  people: { drafter?: Role; reviewer?: Role; approver?: Role } = {},
  sampleNo?: string,
): Promise<string> {
  const drafter = tokens[people.drafter ?? 'sampler']
  const reviewer = tokens[people.reviewer ?? 'reviewer']
  const approver = tokens[people.approver ?? 'approver']
  numberSeq += 1
  const no = sampleNo ?? (await freshSampleNo(tokens.sampler))
  const made = await ok(
    t.call('POST', `${API}/announcements`, {
      token: drafter,
      body: { number: `契约〔2026〕第${numberSeq}号`, title: '抽检信息', period: '2026Q4', sampleNos: [no] },
    }),
    201,
  )
  const id = made.body.id as string
  const reach = STAGES.indexOf(stage)
  const step = (path: string, token: string, body?: unknown) =>
    ok(t.call('POST', `${API}/announcements/${id}/${path}`, { token, body }), 200)
  if (reach >= 1) await step('submit', drafter)
  if (reach >= 2) await step('review', reviewer, { decision: 'pass', comment: '核对无误' })
  if (reach >= 3) await step('approve', approver, { decision: 'pass', comment: '同意' })
  if (reach >= 4) await step('publish', approver, {})
  return id
}

/** Real ids where the path names a kind of resource we hold, a random UUID otherwise. */
function concretePath(path: string): string {
  const segments = (path.startsWith(API) ? path.slice(API.length) : path).split('/').filter(Boolean)
  const resource = segments[0] === 'public' ? `public/${segments[1]}` : segments[0]
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'hash') return fx.playbookHash
    if (resource === 'cap') return fx.capFile
    if (resource === 'alerts' || resource === 'public/alerts') return fx.alertId
    if (resource === 'announcements' || resource === 'public/announcements') return fx.announcementId
    if (resource === 'webhooks') return fx.webhookId
    if (resource === 'samples') return fx.sampleId
    // retailer boards (issue 10): the fixture retailer, whose token is the `retailer` credential
    if (name === 'retailerId' || resource === 'retailers') return 'contract-mall'
    if (resource === 'incidents') return fx.incidentId
    if (resource === 'tasks') return fx.taskId
    if (resource === 'playbooks') return 'sudan-red'
    if (resource === 'tokens') return fx.tokenId
    if (resource === 'districts') return HOME
    if (resource === 'users') return fx.userId
    return randomUUID()
  })
}

function credentialOptions(cred: Credential): CallOptions {
  switch (cred) {
    case 'no token':
      return {}
    case 'malformed header':
      return { headers: { authorization: 'Basic Zm9vOmJhcg==' } }
    case 'unknown token':
      return { token: UNKNOWN_TOKEN }
    case 'revoked token':
      return { token: fx.revoked }
    default:
      return { token: fx.tokens[cred] }
  }
}

function expectProblem(r: Called, status: number, code: string, context: string): void {
  expect(r.status, context).toBe(status)
  expect(r.headers.get('content-type') ?? '', context).toMatch(/^application\/problem\+json/)
  expect(r.body.status, context).toBe(status)
  expect(r.body.code, context).toBe(code)
  expect(typeof r.body.requestId, context).toBe('string')
  expect(r.body.requestId, context).toBe(r.headers.get('x-request-id'))
}

/** The status an allowed caller must get: the operation's first declared 2xx. */
function successStatus(op: Operation): number {
  const responses = (doc.paths[op.path]?.[op.method] as { responses?: Record<string, unknown> } | undefined)
    ?.responses
  const ok = Object.keys(responses ?? {})
    .map(Number)
    .filter((n) => n >= 200 && n < 300)
    .sort()
  if (ok[0] === undefined) throw new Error(`${op.method} ${op.path} declares no 2xx response`)
  return ok[0]
}

/** A fresh HOME task (its own incident), optionally acknowledged, so every role's call finds it pristine. */
async function freshTask(step = 'activate-response', acknowledged = false): Promise<string> {
  const inc = await ok(
    t.call('POST', `${API}/incidents`, {
      token: fx.tokens.commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'fresh', districts: [HOME] },
    }),
    201,
  )
  const list = await ok(
    t.call('GET', `${API}/tasks?incident=${inc.body.id}`, { token: fx.tokens.admin }),
    200,
  )
  const task = (list.body.items as { id: string; step: string }[]).find((i) => i.step === step)
  if (!task) throw new Error(`fixture: no ${step} task in ${list.text}`)
  if (acknowledged)
    await ok(t.call('POST', `${API}/tasks/${task.id}/ack`, { token: fx.tokens.district }), 200)
  return task.id
}

async function freshIncident(): Promise<string> {
  const inc = await ok(
    t.call('POST', `${API}/incidents`, {
      token: fx.tokens.commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'fresh', districts: [HOME] },
    }),
    201,
  )
  return inc.body.id
}

/**
 * A request each allowed caller must succeed with (exactly the operation's success status): real ids and a
 * valid body, on a fresh resource when the call changes state. Keyed by operationId. Every operation that is
 * not a GET must be here (a missing one fails its "is allowed" cases and the coverage test below); a GET
 * needs an entry only when `concretePath` cannot build a path that succeeds (query parameters it requires,
 * a resource of a kind the fixtures do not hold).
 */
async function freshBusiness(): Promise<string> {
  const made = await ok(
    t.call('POST', `${API}/businesses`, {
      token: fx.tokens.admin,
      body: { name: `矩阵商行${randomUUID().slice(0, 8)}`, address: '成都市锦江区矩阵路1号', district: HOME },
    }),
    201,
  )
  return made.body.id
}

/** An open rectification case for a fresh failing sample published in HOME, with the seller's unit. */
async function freshRectification(): Promise<string> {
  const no = await freshSampleNo(fx.tokens.sampler, true)
  await announcementAt(fx.tokens, 'published', {}, no)
  const list = await ok(
    t.call('GET', `${API}/rectifications?status=open&limit=500`, { token: fx.tokens.admin }),
    200,
  )
  const found = (list.body.items as { id: string; sample: { no: string }; role: string }[]).find(
    (r) => r.sample.no === no && r.role === 'seller',
  )
  if (!found) throw new Error(`fixture: no rectification opened for ${no}`)
  return found.id
}

let inspectionSetup: Promise<{ officer: string; business: string }> | undefined
/** Two officers of HOME (a draw needs two per district) and a business there, made once. */
function inspectionFixtures() {
  inspectionSetup ??= (async () => {
    const officers: string[] = []
    for (const n of [1, 2]) {
      const made = await ok(
        t.call('POST', `${API}/users`, {
          token: fx.tokens.admin,
          body: { login: `matrix-officer-${n}`, name: `矩阵执法员${n}`, role: 'district', district: HOME },
        }),
        201,
      )
      officers.push(made.body.id ?? made.body.user?.id)
    }
    return { officer: officers[0] as string, business: await freshBusiness() }
  })()
  return inspectionSetup
}

let planSeq = 0
const planBody = () => ({
  title: `矩阵双随机抽查${++planSeq}`,
  period: '2026-12',
  population: { kinds: [], districts: [HOME] },
  shares: { A: 0.01, B: 0, C: 0, D: 0 },
  seed: `matrix-seed-${planSeq}`,
  checklist: ['许可证照'],
})
async function freshPlan(drawn: boolean): Promise<string> {
  await inspectionFixtures()
  const made = await ok(
    t.call('POST', `${API}/inspection-plans`, { token: fx.tokens.admin, body: planBody() }),
    201,
  )
  if (drawn)
    await ok(
      t.call('POST', `${API}/inspection-plans/${made.body.id}/draw`, { token: fx.tokens.admin, body: {} }),
      200,
    )
  return made.body.id
}

let spotSeq = 0
const spotBody = () => ({ quarter: `${3000 + ++spotSeq}-Q1`, count: 2, seed: 'matrix-spot-seed' })
async function freshSpotCheck(): Promise<string> {
  const made = await ok(
    t.call('POST', `${API}/spot-checks`, { token: fx.tokens.admin, body: spotBody() }),
    201,
  )
  return made.body.id
}
let checkSeq = 0
/** A self-check of the home district, due (what the monthly job opens), for a month of its own. */
async function freshSelfCheck(): Promise<string> {
  const id = randomUUID()
  const at = t.clock.now()
  await t.deps.db
    .insertInto('self_checks')
    .values({
      id,
      district_code: HOME,
      month: `${2100 + ++checkSeq}-01`,
      opened_at: at,
      due_at: new Date(at.getTime() + 86_400_000),
    })
    .execute()
  return id
}

const VALID_CALLS: Record<string, (as: Role) => Promise<{ path?: string; body?: unknown; status?: number }>> =
  {
    // 200 is the idempotent replay; a new activation is 201.
    activateIncident: async () => ({
      status: 201,
      body: { playbook: 'sudan-red', level: 'IV', title: 'allowed', districts: [HOME] },
    }),
    changeIncidentLevel: async () => ({
      path: `${API}/incidents/${await freshIncident()}/level`,
      body: { level: 'III', reason: '扩散' },
    }),
    closeIncident: async () => ({
      path: `${API}/incidents/${await freshIncident()}/close`,
      body: { summary: '结束' },
    }),
    acknowledgeTask: async () => ({ path: `${API}/tasks/${await freshTask()}/ack` }),
    startTask: async () => ({
      path: `${API}/tasks/${await freshTask('activate-response', true)}/start`,
    }),
    reportOnTask: async () => ({
      path: `${API}/tasks/${await freshTask('activate-response', true)}/reports`,
      body: { figures: { staff_deployed: 12, teams_formed: 3 } },
    }),
    recordSampleDisposal: async () => {
      const d = await freshDisposalTask()
      return {
        path: `${API}/tasks/${d.task}/disposals`,
        body: { sample: d.sample, unitsRemoved: 2 },
        status: 201,
      }
    },
    correctTaskReport: async () => {
      const d = await freshDisposalTask()
      const r = await ok(
        t.call('POST', `${API}/tasks/${d.task}/disposals`, {
          token: fx.tokens.district,
          body: { sample: d.sample, unitsRemoved: 2 },
        }),
        201,
      )
      return {
        path: `${API}/tasks/${d.task}/reports/${r.body.report.id}/corrections`,
        body: { figures: { units_removed: 1 }, reason: '多数了 1 件' },
        status: 201,
      }
    },
    completeTask: async () => ({
      path: `${API}/tasks/${await freshTask('activate-response', true)}/complete`,
      body: {},
    }),
    declineTask: async () => ({
      path: `${API}/tasks/${await freshTask()}/decline`,
      body: { reason: '辖区无此类门店' },
    }),
    cancelTask: async () => ({
      path: `${API}/tasks/${await freshTask()}/cancel`,
      body: { reason: '不适用' },
    }),
    createToken: async () => ({ body: { name: 'allowed', role: 'sampler' } }),
    // retailer boards (issue 10)
    createRetailer: async () => ({
      status: 201,
      body: { name: '允许商场', district: HOME, address: '成都市锦江区允许路1号' },
    }),
    updateRetailer: async () => ({
      path: `${API}/retailers/contract-mall`,
      body: { categories: ['综合超市'] },
    }),
    confirmBoard: async () => {
      const board = await ok(t.call('GET', `${API}/boards/contract-mall`), 200)
      return { path: `${API}/boards/contract-mall/confirm`, body: { version: board.body.version } }
    },
    revokeToken: async () => {
      const made = await ok(
        t.call('POST', `${API}/tokens`, {
          token: fx.tokens.admin,
          body: { name: 'to revoke', role: 'sampler' },
        }),
        201,
      )
      return { path: `${API}/tokens/${made.body.id}` }
    },
    reassignTask: async () => {
      const id = await freshTask()
      await ok(
        t.call('POST', `${API}/tasks/${id}/decline`, {
          token: fx.tokens.district,
          body: { reason: '无此门店' },
        }),
        200,
      )
      return { path: `${API}/tasks/${id}/reassign`, body: { reason: '改由区局执法大队处置' } }
    },
    // the business register (issue 18)
    createBusiness: async () => ({
      status: 201,
      body: { name: `允许商行${randomUUID().slice(0, 8)}`, address: '成都市锦江区允许路2号', district: HOME },
    }),
    getBusiness: async () => ({ path: `${API}/businesses/${await freshBusiness()}` }),
    getPublicBusiness: async () => ({ path: `${API}/public/businesses/${await freshBusiness()}` }),
    businessPage: async () => ({ path: `/businesses/${await freshBusiness()}` }),
    mergeBusiness: async () => ({
      path: `${API}/businesses/${await freshBusiness()}/merge`,
      body: { into: await freshBusiness(), reason: '同一商户' },
    }),
    // rectification (整改) and inspection plans (双随机、一公开)
    recordRectificationMeeting: async () => ({
      path: `${API}/rectifications/${await freshRectification()}/meeting`,
      body: { date: '2026-11-30', attendees: ['店长'] },
    }),
    recordRectificationStatement: async () => ({
      path: `${API}/rectifications/${await freshRectification()}/statement`,
      body: { cause: '进货未查验', measures: '建立进货查验制度' },
    }),
    addRectificationEvidence: async () => ({
      path: `${API}/rectifications/${await freshRectification()}/evidence`,
      body: { note: '已下架并封存' },
    }),
    closeRectificationByResample: async () => {
      const id = await freshRectification()
      const no = await freshSampleNo(fx.tokens.sampler)
      await announcementAt(fx.tokens, 'published', {}, no)
      return { path: `${API}/rectifications/${id}/resample`, body: { sampleNo: no } }
    },
    closeRectificationByDecision: async () => ({
      path: `${API}/rectifications/${await freshRectification()}/close`,
      body: { decision: 'rectified', reason: '整改到位' },
    }),
    createInspectionPlan: async () => {
      await inspectionFixtures()
      return { status: 201, body: planBody() }
    },
    drawInspectionPlan: async () => ({
      path: `${API}/inspection-plans/${await freshPlan(false)}/draw`,
      body: {},
    }),
    recordInspectionResult: async () => ({
      path: `${API}/inspection-plans/${await freshPlan(true)}/inspections/1`,
      body: { result: 'pass' },
    }),
    flagOfficerConflict: async () => {
      const { officer, business } = await inspectionFixtures()
      return { status: 204, body: { userId: officer, businessId: business, reason: '亲属经营' } }
    },
    getScorecard: async () => ({ path: `${API}/scorecard?month=2026-11` }),
    drawSpotCheck: async () => ({ status: 201, body: spotBody() }),
    getSpotCheck: async () => ({ path: `${API}/spot-checks/${await freshSpotCheck()}` }),
    getSelfCheck: async () => ({ path: `${API}/self-checks/${await freshSelfCheck()}` }),
    fileSelfCheck: async () => ({
      path: `${API}/self-checks/${await freshSelfCheck()}/report`,
      body: { summary: '本月任务均按时办结', measures: '保持' },
    }),
    getRectification: async () => ({ path: `${API}/rectifications/${await freshRectification()}` }),
    getInspectionPlan: async () => ({ path: `${API}/inspection-plans/${await freshPlan(false)}` }),
    // A GET with a required query: a real search.
    searchPublic: async () => ({ path: `${API}/public/search?q=${encodeURIComponent('辣椒')}` }),
    putDistrictContacts: async () => ({
      body: { dutyOfficer: { name: '值班员', phone: '028-1234-5678' }, head: null },
    }),
    putCityContacts: async () => ({
      body: { commandCentre: { name: '指挥中心', phone: '028-8765-4321' }, cityLeadership: null },
    }),
    createUser: async () => ({
      body: { login: `u${randomUUID().slice(0, 8)}`, name: '新同事', role: 'sampler' },
    }),
    updateUser: async () => {
      const made = await ok(
        t.call('POST', `${API}/users`, {
          token: fx.tokens.admin,
          body: { login: `u${randomUUID().slice(0, 8)}`, name: '待改名', role: 'sampler' },
        }),
        201,
      )
      return { path: `${API}/users/${made.body.id}`, body: { name: '已改名' } }
    },
    createWebhook: async () => ({ body: { url: 'http://127.0.0.1:9/hook', events: ['task.*'] } }),
    deleteWebhook: async () => ({ path: `${API}/webhooks/${await freshWebhook(['task.*'])}` }),
    redeliverWebhookDelivery: async () => {
      const hook = await freshWebhook(['incident.activated'])
      await freshIncident()
      await fanOutEvents(t.deps.db)
      // A dead letter, as the delivery job leaves one after the retry window (test/webhooks covers that path).
      const dead = await t.deps.db
        .updateTable('webhook_deliveries')
        .set({ status: 'dead' })
        .where('webhook_id', '=', hook)
        .returning('id')
        .executeTakeFirstOrThrow()
      return { path: `${API}/webhooks/${hook}/deliveries/${dead.id}/redeliver` }
    },
    createSample: async () => ({
      body: {
        no: `GC26MATRIXNEW${++sampleSeq}`,
        unit: { name: '契约测试商场', address: '成都市锦江区总府路15号' },
        foodName: '豆瓣酱',
        category: '调味品',
        items: [],
      },
    }),
    // 200 answers a file already imported; a new file is 201.
    importSamples: async () => ({
      status: 201,
      body:
        '序号,抽样编号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,分类,检验机构,备注\n' +
        `1,GC26MATRIXCSV${++sampleSeq},成都蜀味调味品有限公司,成都市郫都区,契约测试商场,成都市锦江区总府路15号,辣椒酱,260g/瓶,蜀味坊,2026-10-02,调味品,四川省食品检验研究院,\n`,
    }),
    draftAnnouncement: async () => ({
      body: {
        number: `契约〔2026〕第${++numberSeq}号`,
        title: '抽检信息',
        period: '2026Q4',
        sampleNos: [await freshSampleNo(fx.tokens.sampler)],
      },
    }),
    // The drafter's own verbs: the caller drafts.
    updateAnnouncementDraft: async (as) => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'draft', { drafter: as })}`,
      body: { title: '抽检信息（修订）' },
    }),
    editAnnouncementDraftSamples: async (as) => {
      const no = await freshSampleNo(fx.tokens.sampler)
      const sample = await t.deps.db
        .selectFrom('samples')
        .select('id')
        .where('no', '=', no)
        .executeTakeFirstOrThrow()
      return {
        path: `${API}/announcements/${await announcementAt(fx.tokens, 'draft', { drafter: as })}/samples`,
        body: { add: [sample.id] },
      }
    },
    submitAnnouncement: async (as) => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'draft', { drafter: as })}/submit`,
    }),
    reviewAnnouncement: async () => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'in_review')}/review`,
      body: { decision: 'pass', comment: '核对无误' },
    }),
    // Only the approver publishes: the caller approves, then publishes.
    approveAnnouncement: async () => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'reviewed')}/approve`,
      body: { decision: 'pass', comment: '同意' },
    }),
    publishAnnouncement: async (as) => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'approved', { approver: as })}/publish`,
      body: {},
    }),
    correctAnnouncement: async () => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'published')}/correct`,
      body: { number: `契约〔2026〕更正${++numberSeq}号`, title: '更正' },
    }),
    retractAnnouncement: async () => ({
      path: `${API}/announcements/${await announcementAt(fx.tokens, 'published')}/retract`,
      body: { number: `契约〔2026〕撤回${++numberSeq}号`, title: '撤回', reason: '数据有误' },
    }),
    // 12315 complaints and signals (issue 17)
    ...complaintCalls(t, () => fx.tokens, API, HOME, NEIGHBOUR),
  }

async function freshWebhook(events: string[]): Promise<string> {
  const made = await ok(
    t.call('POST', `${API}/webhooks`, {
      token: fx.tokens.admin,
      body: { url: 'http://127.0.0.1:9/hook', events },
    }),
    201,
  )
  return made.body.id
}

/** GETs read the shared fixtures; anything that writes must say how to succeed in VALID_CALLS. */
async function validCall(op: Operation, as: Role): Promise<{ path: string; body?: unknown; status: number }> {
  const custom = VALID_CALLS[op.operationId]
  if (custom) {
    const c = await custom(as)
    return {
      path: c.path ?? concretePath(op.path),
      status: c.status ?? successStatus(op),
      ...(c.body !== undefined && { body: c.body }),
    }
  }
  if (op.method !== 'get')
    throw new Error(
      `no valid request known for ${op.operationId} (${op.method.toUpperCase()} ${op.path}): add one to VALID_CALLS`,
    )
  return { path: concretePath(op.path), status: successStatus(op) }
}

describe('access matrix (from /openapi.json)', () => {
  it('documents at least the foundation operations, each with x-access', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20)
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item))
        expect(op['x-access'], `${method} ${path} declares no x-access`).toBeDefined()
  })

  it('knows how to call every operation that writes, and names only operations that exist', () => {
    const ids = new Set(operations.map((op) => op.operationId))
    expect(
      Object.keys(VALID_CALLS).filter((id) => !ids.has(id)),
      'stale VALID_CALLS keys',
    ).toEqual([])
    const missing = operations.filter((op) => op.method !== 'get' && !(op.operationId in VALID_CALLS))
    expect(
      missing.map((op) => `${op.operationId} (${op.method.toUpperCase()} ${op.path})`),
      'add these to VALID_CALLS',
    ).toEqual([])
  })

  for (const op of operations) {
    const roles = 'roles' in op.access ? op.access.roles : null
    describe(`${op.method.toUpperCase()} ${op.path} ${roles ? `[${roles.join(', ')}]` : '[public]'}`, () => {
      for (const cred of CREDENTIALS) {
        const expectation = !roles
          ? 'is not refused'
          : (REFUSED as readonly string[]).includes(cred)
            ? 'answers 401'
            : roles.includes(cred as Role)
              ? 'is allowed'
              : 'answers 403'
        it(`${cred} ${expectation}`, async () => {
          // On a public operation, no token at all is a caller like any other: it makes the valid call.
          const allowed =
            expectation === 'is allowed' ||
            (!roles && (cred === 'no token' || !REFUSED.includes(cred as never)))
          const call = allowed
            ? await validCall(op, (ROLES as readonly string[]).includes(cred) ? (cred as Role) : 'admin')
            : { path: concretePath(op.path), body: {}, status: successStatus(op) }
          const path = call.path
          const creds = credentialOptions(cred)
          const r = await t.call(op.method.toUpperCase(), path, {
            ...creds,
            ...(op.csv
              ? {
                  raw: typeof call.body === 'string' ? call.body : '抽样编号\n',
                  headers: { ...creds.headers, 'content-type': 'text/csv' },
                }
              : BODY_METHODS.has(op.method) && call.body !== undefined
                ? { body: call.body }
                : {}),
          })
          const context = `${op.method.toUpperCase()} ${path} as ${cred} → ${r.status} ${r.text.slice(0, 400)}`
          expect(contract.check(op.method, op.path, r), `${context}\nagainst the document`).toEqual([])
          if (r.status === call.status) succeeded.add(op.operationId)
          if (!roles) {
            expect(r.status, context).toBeLessThan(500)
            if (cred === 'no token' || (ROLES as readonly string[]).includes(cred)) {
              expect(r.status, context).toBe(call.status)
            } else {
              // A credential that is presented but invalid is refused outright (src/http/auth.ts), even
              // on a public operation under /api/v1; it is never a 403.
              expect(r.status, context).not.toBe(403)
              if (r.status === 401) expectProblem(r, 401, 'unauthorized', context)
            }
          } else if (expectation === 'answers 401') {
            expectProblem(r, 401, 'unauthorized', context)
            expect(r.headers.get('www-authenticate') ?? '', context).toMatch(/^Bearer/)
          } else if (expectation === 'answers 403') {
            expectProblem(r, 403, 'forbidden', context)
          } else {
            // Exactly the success status: a 404/409/422 here would mean the role never really got in.
            expect(r.status, context).toBe(call.status)
          }
        })
      }
    })
  }
})

describe('response contract (ajv 2020-12, strict)', () => {
  it('compiles every component schema in strict mode', () => {
    expect(Object.keys(contract.doc.components.schemas).length).toBeGreaterThan(50)
    expect(contract.compileComponents()).toEqual([])
  })

  it('has no allOf of two closed objects (no answer could satisfy it)', () => {
    expect(closedAllOfs(contract.doc)).toEqual([])
  })

  it('checked a real success answer of every operation against its declared schema', () => {
    // Runs after the matrix above (tests in a file run in order).
    expect(operations.filter((op) => !succeeded.has(op.operationId)).map((op) => op.operationId)).toEqual([])
  })
})

describe("access matrix (console forms, from the app's routes)", () => {
  it('finds the console forms, and each declares the one verb it performs', () => {
    expect(forms.length).toBeGreaterThanOrEqual(25)
    const undeclared = forms.filter((f) => !OWN_ACCOUNT_FORMS.has(f.path) && f.verbs.length !== 1)
    expect(
      undeclared.map(
        (f) => `POST ${f.path}: ${f.verbs.length === 0 ? 'no formFor(verb)' : f.verbs.join(', ')}`,
      ),
      'guard each console form with formFor(verb)',
    ).toEqual([])
  })

  for (const form of forms.filter((f) => f.verbs.length === 1)) {
    const verb = form.verbs[0]!
    const allowed: readonly Role[] = ACCESS[verb]
    describe(`POST ${form.path} (${verb}) [${allowed.join(', ')}]`, () => {
      for (const role of ROLES) {
        const refused = !allowed.includes(role)
        it(`${role} ${refused ? 'is refused (403 page)' : 'is not refused'}`, async () => {
          const session = fx.sessions[role]
          const path = concreteFormPath(form.path, HOME)
          const r = await session.post(path, { _csrf: await session.csrf('/console') })
          const context = `POST ${path} as ${role} → ${r.status} ${r.text.slice(0, 300)}`
          expect(r.status, context).toBeLessThan(500)
          if (refused) {
            expect(r.status, context).toBe(403)
            expect(r.headers.get('content-type') ?? '', context).toMatch(/^text\/html/)
          } else expect(r.status, context).not.toBe(403)
        })
      }
    })
  }
})

describe('district isolation', () => {
  const neighbour = () => ({ token: fx.neighbour })
  const taskActions = operations.filter(
    (op) => op.method === 'post' && op.path.startsWith(`${API}/tasks/{id}/`),
  )

  it(`a ${NEIGHBOUR} token gets 404 for a task of ${HOME}`, async () => {
    for (const id of [fx.taskId, fx.reportedTaskId]) {
      const r = await t.call('GET', `${API}/tasks/${id}`, neighbour())
      expectProblem(r, 404, 'not_found', `GET task ${id} → ${r.text}`)
    }
  })

  it(`a ${NEIGHBOUR} token gets 404 on every action on a task of ${HOME}, and nothing changes`, async () => {
    expect(taskActions.length).toBeGreaterThanOrEqual(6)
    // Bodies valid for every current action, so that validation cannot answer before the scope check.
    const body = {
      figures: {},
      reason: 'not mine',
      note: 'not mine',
      sample: '00000000-0000-4000-8000-000000000000',
      unitsRemoved: 1,
    }
    for (const id of [fx.taskId, fx.reportedTaskId]) {
      const before = await t.call('GET', `${API}/tasks/${id}`, { token: fx.tokens.admin })
      for (const op of taskActions) {
        const path = op.path.replace('{id}', id)
        const roles = 'roles' in op.access ? op.access.roles : []
        const keys = Object.keys(requestBodyProperties(op))
        const sent = Object.fromEntries(Object.entries(body).filter(([k]) => keys.includes(k)))
        const r = await t.call('POST', path, { ...neighbour(), body: sent })
        const context = `POST ${path} as ${NEIGHBOUR} with ${JSON.stringify(sent)} → ${r.status} ${r.text}`
        if (roles.includes('district')) expectProblem(r, 404, 'not_found', context)
        else expectProblem(r, 403, 'forbidden', context)
      }
      const after = await t.call('GET', `${API}/tasks/${id}`, { token: fx.tokens.admin })
      expect(after.body).toEqual(before.body)
    }
  })

  it(`GET /districts/{code}/overdue: a ${NEIGHBOUR} token is refused ${HOME}'s list, gets its own`, async () => {
    const r = await t.call('GET', `${API}/districts/${HOME}/overdue`, neighbour())
    expectProblem(r, 403, 'forbidden', r.text)
    expect((await t.call('GET', `${API}/districts/${NEIGHBOUR}/overdue`, neighbour())).status).toBe(200)
  })

  it(`GET /tasks for ${NEIGHBOUR} lists its own tasks only, whatever it asks for`, async () => {
    for (const query of [
      '',
      `?incident=${fx.incidentId}`,
      `?district=${HOME}`,
      `?incident=${fx.scopedIncidentId}`,
    ]) {
      const r = await t.call('GET', `${API}/tasks${query}`, neighbour())
      expect(r.status, r.text).toBe(200)
      const districts = new Set((r.body.items as { district: string }[]).map((i) => i.district))
      for (const d of districts) expect(d, `GET /tasks${query}`).toBe(NEIGHBOUR)
      if (query === '' || query === `?incident=${fx.incidentId}`)
        expect(r.body.items.length).toBeGreaterThan(0)
      else expect(r.body.items).toEqual([])
    }
  })

  it(`GET /incidents/{id} for ${NEIGHBOUR} shows only its own district in matrix and totals`, async () => {
    const admin = await t.call('GET', `${API}/incidents/${fx.incidentId}`, { token: fx.tokens.admin })
    expect(admin.status).toBe(200)
    // The premise: the city-wide view does hold another district's rows and figures.
    expect(Object.keys(admin.body.totals.districts)).toContain(HOME)
    expect(admin.body.matrix.districts.length).toBe(20)

    const r = await t.call('GET', `${API}/incidents/${fx.incidentId}`, neighbour())
    expect(r.status, r.text).toBe(200)
    const rows = r.body.matrix.districts as { district: string; cells: Record<string, { task: string }> }[]
    expect(rows.map((d) => d.district)).toEqual([NEIGHBOUR])
    expect(Object.keys(r.body.totals.districts)).toEqual([NEIGHBOUR])
    for (const o of r.body.overdue as { district: string }[]) expect(o.district).toBe(NEIGHBOUR)
    const cellTasks = Object.values(rows[0]?.cells ?? {}).map((c) => c.task)
    expect(cellTasks).not.toContain(fx.taskId)
    expect(cellTasks).not.toContain(fx.reportedTaskId)
    expect(r.text).not.toContain(fx.reportedTaskId)
    expect(r.text).not.toContain(fx.taskId)
  })

  it(`GET /incidents/{id}/report for ${NEIGHBOUR} holds only its own district`, async () => {
    const r = await t.call('GET', `${API}/incidents/${fx.incidentId}/report`, neighbour())
    expect(r.status, r.text).toBe(200)
    expect((r.body.districts as { district: string }[]).map((d) => d.district)).toEqual([NEIGHBOUR])
  })

  it(`a ${NEIGHBOUR} token cannot see an incident scoped to ${HOME} only`, async () => {
    for (const suffix of ['', '/report']) {
      const r = await t.call('GET', `${API}/incidents/${fx.scopedIncidentId}${suffix}`, neighbour())
      expectProblem(r, 404, 'not_found', `GET incident${suffix} → ${r.text}`)
    }
    // Every page: the matrix itself opens many incidents in HOME (publications, inspection plans).
    const list = await t.call('GET', `${API}/incidents?limit=500`, neighbour())
    expect(list.status).toBe(200)
    const ids = (list.body.items as { id: string }[]).map((i) => i.id)
    expect(ids).toContain(fx.incidentId)
    expect(ids).not.toContain(fx.scopedIncidentId)
    for (const i of list.body.items as { districts: string[] }[]) expect(i.districts).toContain(NEIGHBOUR)

    // The premise: the district in scope does see it.
    const home = await t.call('GET', `${API}/incidents?limit=500`, { token: fx.tokens.district })
    expect((home.body.items as { id: string }[]).map((i) => i.id)).toContain(fx.scopedIncidentId)
    const detail = await t.call('GET', `${API}/incidents/${fx.scopedIncidentId}`, {
      token: fx.tokens.district,
    })
    expect(detail.status).toBe(200)
  })
})

/** The declared JSON body properties of an operation (resolving one level of $ref). */
function requestBodyProperties(op: Operation): Record<string, unknown> {
  type Schema = { $ref?: string; properties?: Record<string, unknown> }
  const raw = doc.paths[op.path]?.[op.method]?.requestBody as
    | { content?: Record<string, { schema?: Schema }> }
    | undefined
  let schema = raw?.content?.['application/json']?.schema
  if (schema?.$ref) {
    const name = schema.$ref.split('/').pop() ?? ''
    schema = (doc as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas[name]
  }
  return schema?.properties ?? {}
}
