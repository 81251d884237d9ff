import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseUserCreate, UsageError } from '../../src/cli/user-create.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * One input rule per write, whoever calls it: the API route, the console form and the CLI parse with the
 * verb's exported schema, so what one refuses the others refuse too (and nothing is silently cut short).
 */

const API = '/api/v1'
const HOME = '510104'
const PASSWORD = 'input rules passphrase 2026'
let t: TestApp
let commander: string
let district: string
let officer: FormClient

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  district = await t.token('district', { district: HOME })
  await makeUser(t, 'officer', PASSWORD, { role: 'district', district: HOME })
  officer = new FormClient(() => t.baseUrl)
  expect((await officer.signIn('officer', PASSWORD)).location).toBe('/console/tasks')
})
afterAll(() => t.close())

/** A HOME task of a fresh incident, acknowledged. */
async function acknowledgedTask(): Promise<string> {
  const inc = await t.call('POST', `${API}/incidents`, {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: 'rules', districts: [HOME] },
  })
  expect(inc.status, inc.text).toBe(201)
  const list = await t.call('GET', `${API}/tasks?incident=${inc.body.id}`, { token: district })
  const task = (list.body.items as { id: string; step: string }[]).find((i) => i.step === 'activate-response')
  if (!task) throw new Error(`no task in ${list.text}`)
  expect((await t.call('POST', `${API}/tasks/${task.id}/ack`, { token: district })).status).toBe(200)
  return task.id
}

const statusOf = async (id: string) =>
  (await t.call('GET', `${API}/tasks/${id}`, { token: district })).body.status as string

describe('a task report or completion with a note over 4,000 characters', () => {
  const long = '报'.repeat(4001)

  it('is refused by the API', async () => {
    const id = await acknowledgedTask()
    const r = await t.call('POST', `${API}/tasks/${id}/reports`, {
      token: district,
      body: { figures: { staff_deployed: 1 }, note: long },
    })
    expect(r.status).toBe(422)
    expect((r.body.issues as { path: string }[]).map((i) => i.path)).toContain('body.note')
  })

  it('is refused by the console form with the reason, not filed cut short', async () => {
    const id = await acknowledgedTask()
    const csrf = await officer.csrf(`/console/tasks/${id}`)
    const r = await officer.post(`/console/tasks/${id}/reports`, {
      _csrf: csrf,
      staff_deployed: '1',
      note: long,
    })
    expect(r.status, r.text.slice(0, 300)).toBe(422)
    expect(r.text).toContain('body.note')
    const reports = await t.deps.db
      .selectFrom('task_reports')
      .select('id')
      .where('task_id', '=', id)
      .execute()
    expect(reports).toEqual([])
  })

  it('is refused by the console completion form, and the task stays open', async () => {
    const id = await acknowledgedTask()
    const csrf = await officer.csrf(`/console/tasks/${id}`)
    const r = await officer.post(`/console/tasks/${id}/complete`, { _csrf: csrf, note: long })
    expect(r.status, r.text.slice(0, 300)).toBe(422)
    expect(await statusOf(id)).toBe('acknowledged')
  })
})

describe('creating a staff account: the API, the console and the CLI apply one schema', () => {
  const bad = { login: 'rules.one', name: '名'.repeat(101), role: 'commander', phone: 'call me' }

  it('the API refuses the name and the phone', async () => {
    const r = await t.call('POST', `${API}/users`, { token: await t.token('admin'), body: bad })
    expect(r.status).toBe(422)
    expect((r.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'body.name',
      'body.phone',
    ])
  })

  it('`user create` refuses them before opening the database, naming both options', () => {
    const args = ['--login', bad.login, '--name', bad.name, '--role', bad.role, '--phone', bad.phone]
    expect(() => parseUserCreate(args)).toThrow(UsageError)
    expect(() => parseUserCreate(args)).toThrow(/--name: .*; --phone: /)
    // And takes what the API takes, trimmed as the API trims it.
    expect(
      parseUserCreate(['--login', 'rules.two', '--name', ' 值班员 ', '--role', 'commander']),
    ).toMatchObject({
      login: 'rules.two',
      name: '值班员',
      role: 'commander',
    })
  })
})
