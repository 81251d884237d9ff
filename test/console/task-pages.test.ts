import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Each sign-in costs a deliberate scrypt.
vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let commander: string
let incidentId: string
let officer: FormClient
const own: Record<string, string> = {}
let otherDistrictTask: string

const ids = (html: string) => [...html.matchAll(/href="\/console\/tasks\/([0-9a-f-]{36})"/g)].map((m) => m[1])

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  const r = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: '苏丹红', districts: ['510104', '510105'] },
  })
  expect(r.status).toBe(201)
  incidentId = r.body.id
  const list = await t.call('GET', `/api/v1/tasks?incident=${incidentId}`, { token: commander })
  for (const task of list.body.items as { id: string; district: string; step: string }[]) {
    if (task.district === '510104') own[task.step] = task.id
    else if (task.step === 'seal-stock') otherDistrictTask = task.id
  }
  await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
  officer = new FormClient(() => t.baseUrl)
  expect((await officer.signIn('zhou', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

const taskPage = (id: string, q = '') => officer.get(`/console/tasks/${id}${q}`)
async function post(id: string, verb: string, fields: Record<string, string> = {}) {
  // The session's token is on every signed-in page (the sign-out form of the home page at least).
  return officer.post(`/console/tasks/${id}/${verb}`, { _csrf: await officer.csrf(), ...fields })
}
const apiTask = async (id: string) => (await t.call('GET', `/api/v1/tasks/${id}`, { token: commander })).body

describe('the district officer’s task list', () => {
  it('lists only the own district’s tasks, each linked by id, most urgent first, with time left', async () => {
    const r = await officer.get('/console/tasks')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(Buffer.byteLength(r.text)).toBeLessThan(50 * 1024)
    const listed = ids(r.text)
    expect(new Set(listed)).toEqual(new Set(Object.values(own)))
    expect(listed).not.toContain(otherDistrictTask)
    // Pending tasks are ordered by the acknowledgement deadline.
    const due = await Promise.all(listed.map(async (id) => (await apiTask(id!)).ackDueAt as string))
    expect([...due].sort()).toEqual(due)
    expect(r.text).toContain('封存库存')
    expect(r.text).toMatch(/剩余 \d/)
    expect(r.text).toContain('src="/assets/console.js"')
    expect(r.text).not.toMatch(/<script>|style="/)
  })

  it('speaks English with ?lang=en', async () => {
    const r = await officer.get('/console/tasks?lang=en')
    expect(r.text).toContain('My tasks')
    expect(r.text).toContain('Seal stock')
    expect(r.text).toMatch(/\d+ (h|min)[^<]* left/)
    await officer.get('/console/tasks?lang=zh')
  })

  it('serves its script as a file', async () => {
    const r = await officer.get('/assets/console.js')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('javascript')
  })

  it('another district’s task is a 404 page, and its forms do nothing', async () => {
    const r = await taskPage(otherDistrictTask)
    expect(r.status).toBe(404)
    expect(r.text).toContain('任务不存在')
    const ack = await post(otherDistrictTask, 'ack')
    expect(ack.status).toBe(404)
    expect((await apiTask(otherDistrictTask)).status).toBe('pending')
    expect((await taskPage('not-a-uuid')).status).toBe(404)
  })

  it('is refused to roles the task API refuses', async () => {
    await makeUser(t, 'sampler1', PASSWORD, { role: 'sampler' as 'commander' })
    const b = new FormClient(() => t.baseUrl)
    await b.signIn('sampler1', PASSWORD)
    const r = await b.get('/console/tasks')
    expect(r.status).toBe(403)
    expect(r.text).toContain('sampler')
  })
})

describe('working a task from the phone', () => {
  it('acknowledges in one tap, attributed to the person', async () => {
    const id = own['seal-stock']!
    const page = await taskPage(id)
    expect(page.text).toContain(`action="/console/tasks/${id}/ack"`)
    const noToken = await officer.post(`/console/tasks/${id}/ack`, {})
    expect(noToken.status).toBe(403)
    const r = await post(id, 'ack')
    expect(r.status).toBe(303)
    expect(r.location).toBe(`/console/tasks/${id}?done=ack`)
    const task = await apiTask(id)
    expect(task.status).toBe('acknowledged')
    expect(task.owner.name).toBe('周敏')
    const ev = await t.deps.db
      .selectFrom('events')
      .select(['actor_name', 'actor_role', 'request_id'])
      .where('type', '=', 'task.acknowledged')
      .where('task_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(ev).toMatchObject({ actor_name: '周敏', actor_role: 'district' })
    expect((await officer.get(r.location!)).text).toContain('已确认接收')
  })

  it('the report form is built from the step’s fields: labels, units, bounds, required marks', async () => {
    const r = await taskPage(own['seal-stock']!)
    expect(r.text).toContain('封存数量')
    expect(r.text).toContain('（件）')
    expect(r.text).toContain('≥ 0')
    expect(r.text).toContain('name="figure.units_sealed"')
    expect(r.text).toContain('name="figure.dye_seized_kg"')
    expect(r.text.match(/class="req"/g)?.length).toBeGreaterThanOrEqual(2)
  })

  it('names every problem at once and keeps what was typed; nothing is filed', async () => {
    const id = own['seal-stock']!
    const r = await post(id, 'reports', {
      'figure.units_sealed': '-3',
      'figure.stock_sealed_kg': '',
      'figure.dye_seized_kg': '2.5',
      note: '第一批',
    })
    expect(r.status).toBe(422)
    expect(r.text).toContain('封存数量：应 ≥ 0')
    expect(r.text).toContain('封存重量：必填')
    expect(r.text).toContain('value="-3"')
    expect(r.text).toContain('value="2.5"')
    expect(r.text).toContain('第一批')
    expect(r.text).toContain('aria-invalid="true"')
    const reports = await t.deps.db
      .selectFrom('task_reports')
      .select('id')
      .where('task_id', '=', id)
      .execute()
    expect(reports).toHaveLength(0)
    const text = await post(id, 'reports', { 'figure.units_sealed': 'abc', 'figure.stock_sealed_kg': '1' })
    expect(text.status).toBe(422)
    expect(text.text).toContain('封存数量：应为整数')
    expect(text.text).toContain('value="abc"')
  })

  it('files a corrected report, then completes', async () => {
    const id = own['seal-stock']!
    const r = await post(id, 'reports', { 'figure.units_sealed': '12', 'figure.stock_sealed_kg': '30.5' })
    expect(r.status).toBe(303)
    const task = await apiTask(id)
    expect(task.status).toBe('in_progress')
    const inc = await t.call('GET', `/api/v1/incidents/${incidentId}`, { token: commander })
    expect(JSON.stringify(inc.body)).toContain('30.5')
    const done = await post(id, 'complete', { note: '全部封存' })
    expect(done.status).toBe(303)
    expect((await apiTask(id)).status).toBe('completed')
    // A finished task offers no forms; a repeat is refused on the page with the service's reason.
    const again = await post(id, 'complete')
    expect(again.status).toBe(409)
    expect(again.text).toContain('任务当前为「已完成」')
  })

  it('declines only with a reason', async () => {
    const id = own['daily-report'] ?? Object.values(own).find((x) => x !== own['seal-stock'])!
    const empty = await post(id, 'decline', { reason: '  ' })
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('请填写拒绝原因')
    expect((await apiTask(id)).status).toBe('pending')
    const r = await post(id, 'decline', { reason: '辖区内无该产品' })
    expect(r.status).toBe(303)
    const task = await apiTask(id)
    expect(task).toMatchObject({ status: 'declined', declineReason: '辖区内无该产品' })
  })

  it('a cross-site post is refused even with the token', async () => {
    const id = Object.values(own).find((x) => x !== own['seal-stock'] && x !== own['daily-report'])!
    const csrf = await officer.csrf()
    const r = await officer.post(
      `/console/tasks/${id}/ack`,
      { _csrf: csrf },
      { 'sec-fetch-site': 'cross-site' },
    )
    expect(r.status).toBe(403)
    expect(r.text).toContain('拒绝跨站提交的表单')
    expect((await apiTask(id)).status).toBe('pending')
  })
})
