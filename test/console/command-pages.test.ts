import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let chief: FormClient
let officer: FormClient
let incidentPath: string

const hidden = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
      m[1]!,
      m[2]!.replace(/&amp;/g, '&'),
    ]),
  )

beforeAll(async () => {
  t = await startTestApp()
  await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
  await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
  chief = new FormClient(() => t.baseUrl)
  officer = new FormClient(() => t.baseUrl)
  expect((await chief.signIn('wang', PASSWORD)).status).toBe(303)
  expect((await officer.signIn('zhou', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

const drill = {
  playbook: 'sudan-red',
  level: 'IV',
  title: '苏丹红演练',
  'district.510104': '1',
  'district.510105': '1',
  products: '辣椒粉 B20261101',
  exercise: '1',
}

describe('the command centre', () => {
  it('is the commander’s home: active incidents and the activation form', async () => {
    const r = await chief.get('/console')
    expect(r.status).toBe(200)
    expect(r.text).toContain('指挥中心')
    expect(r.text).toContain('action="/console/incidents/preview"')
    expect(r.text).toContain('name="district.510104"')
    expect(Buffer.byteLength(r.text)).toBeLessThan(50 * 1024)
  })

  it('names every problem of the activation form at once and keeps the input', async () => {
    const r = await chief.post('/console/incidents/preview', {
      _csrf: await chief.csrf(),
      playbook: 'sudan-red',
      level: 'IV',
      title: '',
      products: '辣椒粉',
    })
    expect(r.status).toBe(422)
    expect(r.text).toMatch(/title：[^<]*[\u4e00-\u9fff]/)
    expect(r.text).toMatch(/districts：[^<]*[\u4e00-\u9fff]/)
    expect(r.text).toContain('辣椒粉')
  })

  it('previews the steps for the level, then activates once however often the confirm is sent', async () => {
    const preview = await chief.post('/console/incidents/preview', { _csrf: await chief.csrf(), ...drill })
    expect(preview.status).toBe(200)
    expect(preview.text).toContain('封存库存')
    expect(preview.text).toContain('锦江区')
    const fields = hidden(preview.text)
    expect(fields.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
    const first = await chief.post('/console/incidents', fields)
    const second = await chief.post('/console/incidents', fields)
    expect(first.status).toBe(303)
    expect(second.location).toBe(first.location)
    incidentPath = first.location!
    const rows = await t.deps.db.selectFrom('incidents').select(['exercise', 'title']).execute()
    expect(rows).toEqual([{ exercise: true, title: '苏丹红演练' }])
    const ev = await t.deps.db
      .selectFrom('events')
      .select(['actor_name'])
      .where('type', '=', 'incident.activated')
      .executeTakeFirstOrThrow()
    expect(ev.actor_name).toBe('王指挥')
    const home = await chief.get('/console')
    expect(home.text).toContain('苏丹红演练')
    expect(home.text).toMatch(/已确认 0\/\d+/)
  })

  it('shows the district × step matrix, which the live fragment recolours', async () => {
    const page = await chief.get(incidentPath)
    expect(page.status).toBe(200)
    expect(page.text).toContain('id="matrix"')
    expect(page.text).toContain('class="st-pending"')
    const live = `${incidentPath}/cells.json`
    const before = await chief.get(live)
    expect(before.status).toBe(200)
    const etag = before.headers.get('etag')!
    expect((await chief.get(live, { 'if-none-match': etag })).status).toBe(304)
    // The officer acknowledges on the phone: the fragment changes.
    const tasks = await officer.get('/console/tasks')
    const id = /href="\/console\/tasks\/([0-9a-f-]{36})"/.exec(tasks.text)![1]!
    expect((await officer.post(`/console/tasks/${id}/ack`, { _csrf: await officer.csrf() })).status).toBe(303)
    const after = await chief.get(live, { 'if-none-match': etag })
    expect(after.status).toBe(200)
    expect(JSON.parse(after.text).cells[id]).toEqual({ state: 'acknowledged', label: '已确认' })
  })

  it('shows the district officer the incident without the command forms or the timeline link', async () => {
    const page = await officer.get(incidentPath)
    expect(page.status).toBe(200)
    expect(page.text).toContain('report.csv')
    expect(page.text).not.toContain('timeline.csv')
    expect(page.text).not.toContain(`action="${incidentPath}/level"`)
    expect(page.text).not.toContain(`action="${incidentPath}/close"`)
    const chiefs = (await chief.get(incidentPath)).text
    for (const part of ['timeline.csv', `action="${incidentPath}/level"`, `action="${incidentPath}/close"`])
      expect(chiefs).toContain(part)
  })

  it('downloads the after-action report and the timeline', async () => {
    const report = await chief.get(`${incidentPath}/report.csv`)
    expect(report.status).toBe(200)
    expect(report.headers.get('content-type')).toContain('text/csv')
    const timeline = await chief.get(`${incidentPath}/timeline.csv`)
    expect(timeline.text).toContain('incident.activated')
    expect((await officer.get(`${incidentPath}/timeline.csv`)).status).toBe(403)
  })

  it('changes the level only with a reason, and closes with a summary', async () => {
    const csrf = await chief.csrf()
    const bad = await chief.post(`${incidentPath}/level`, { _csrf: csrf, level: 'III', reason: '' })
    expect(bad.status).toBe(422)
    // A sentence a person acts on, the field named in the page's language (issue 15).
    expect(bad.text).toContain('原因：请填写')
    const up = await chief.post(`${incidentPath}/level`, { _csrf: csrf, level: 'III', reason: '扩散' })
    expect(up.status).toBe(303)
    expect((await chief.get(incidentPath)).text).toContain('III级')
    // Lowering cancels tasks: the first press says how many and where; nothing changes until the second.
    const down = await chief.post(`${incidentPath}/level`, { _csrf: csrf, level: 'IV', reason: '态势缓和' })
    expect(down.status).toBe(200)
    expect(down.text).toMatch(/将取消 \d+ 个区县的 \d+ 项任务/)
    expect(down.text).toContain('name="confirm" value="1"')
    expect((await chief.get(incidentPath)).text).toContain('III级')
    const downNow = await chief.post(`${incidentPath}/level`, {
      _csrf: csrf,
      level: 'IV',
      reason: '态势缓和',
      confirm: '1',
    })
    expect(downNow.status).toBe(303)
    const lowered = (await chief.get(incidentPath)).text
    expect(lowered).toContain('IV级')
    // The page says what the change cancelled.
    expect(lowered).toMatch(/III级 → IV级（态势缓和）：新增 0 项任务，取消 \d+ 项任务/)
    // Closing with open tasks: the same second press.
    const ask = await chief.post(`${incidentPath}/close`, { _csrf: csrf, summary: '演练结束' })
    expect(ask.status).toBe(200)
    expect(ask.text).toMatch(/将取消 \d+ 个区县的 \d+ 项任务/)
    expect((await chief.get(incidentPath)).text).toContain(`action="${incidentPath}/close"`)
    const closed = await chief.post(`${incidentPath}/close`, {
      _csrf: csrf,
      summary: '演练结束',
      confirm: '1',
    })
    expect(closed.status).toBe(303)
    const page = await chief.get(incidentPath)
    expect(page.text).toContain('已关闭')
    expect(page.text).not.toContain(`action="${incidentPath}/close"`)
    const again = await chief.post(`${incidentPath}/close`, { _csrf: csrf, summary: '再次' })
    expect(again.status).toBe(409)
  })

  it('refuses the district officer the command verbs; the officer’s home is the own one', async () => {
    const home = await officer.get('/console')
    expect(home.text).not.toContain('指挥中心')
    expect(home.text).toContain('/console/tasks')
    const r = await officer.post('/console/incidents/preview', { _csrf: await officer.csrf(), ...drill })
    expect(r.status).toBe(403)
    const level = await officer.post(`${incidentPath}/level`, {
      _csrf: await officer.csrf(),
      level: 'I',
      reason: 'x',
    })
    expect(level.status).toBe(403)
  })
})
