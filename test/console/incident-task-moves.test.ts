import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let chief: FormClient
let officer: FormClient
let incidentPath: string
let declinedId: string

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
  const preview = await chief.post('/console/incidents/preview', {
    _csrf: await chief.csrf(),
    playbook: 'sudan-red',
    level: 'IV',
    title: '改派演练',
    'district.510104': '1',
    'district.510105': '1',
    exercise: '1',
  })
  const done = await chief.post('/console/incidents', hidden(preview.text))
  expect(done.status).toBe(303)
  incidentPath = done.location!
  const tasks = await officer.get('/console/tasks')
  declinedId = /href="\/console\/tasks\/([0-9a-f-]{36})"/.exec(tasks.text)![1]!
  const declined = await officer.post(`/console/tasks/${declinedId}/decline`, {
    _csrf: await officer.csrf(),
    reason: '辖区内无该产品',
  })
  expect(declined.status).toBe(303)
})
afterAll(() => t.close())

const taskRow = (id: string) =>
  t.deps.db
    .selectFrom('tasks')
    .select(['id', 'status', 'district_code', 'reassigned_from'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

describe('reassigning and cancelling tasks from the incident page', () => {
  it('offers the commander a reassign form for the declined task and cancel forms for open ones', async () => {
    const page = await chief.get(incidentPath)
    expect(page.status).toBe(200)
    expect(page.text).toContain(`action="/console/tasks/${declinedId}/reassign"`)
    expect(page.text).toContain(`action="/console/tasks/${declinedId}/cancel"`)
    expect(page.text).toContain('改派已拒绝的任务')
    const en = await chief.get(`${incidentPath}?lang=en`)
    expect(en.text).toContain('Reassign a declined task')
    // The language choice sticks; back to Chinese for the rest.
    expect((await chief.get(`${incidentPath}?lang=zh`)).text).toContain('改派已拒绝的任务')
    // Readers who may not move tasks see no such forms.
    const seen = await officer.get(incidentPath)
    expect(seen.status).toBe(200)
    expect(seen.text).not.toContain('/reassign"')
    expect(seen.text).not.toContain('/cancel"')
  })

  it('names every problem of the reassign form at once, and the service’s reason for a refusal', async () => {
    const csrf = await chief.csrf()
    const empty = await chief.post(`/console/tasks/${declinedId}/reassign`, {
      _csrf: csrf,
      reason: '',
      district: 'x',
    })
    expect(empty.status).toBe(422)
    expect(empty.text).toMatch(/reason：[^<]*[\u4e00-\u9fff]/)
    expect(empty.text).toMatch(/district：[^<]*[\u4e00-\u9fff]/)
    const outside = await chief.post(`/console/tasks/${declinedId}/reassign`, {
      _csrf: csrf,
      reason: '改由邻区办理',
      district: '510106',
    })
    expect(outside.status).toBe(422)
    expect(outside.text).toContain('不在本事件范围内')
    expect((await taskRow(declinedId)).status).toBe('declined')
  })

  it('reassigns the declined task once, as a new task linked to it', async () => {
    const csrf = await chief.csrf()
    const r = await chief.post(`/console/tasks/${declinedId}/reassign`, {
      _csrf: csrf,
      reason: '改由成华区办理',
      district: '510105',
    })
    expect(r.status).toBe(303)
    expect(r.location).toBe(incidentPath)
    const created = await t.deps.db
      .selectFrom('tasks')
      .select(['id', 'status', 'district_code'])
      .where('reassigned_from', '=', declinedId)
      .executeTakeFirstOrThrow()
    expect(created).toMatchObject({ status: 'pending', district_code: '510105' })
    const ev = await t.deps.db
      .selectFrom('events')
      .select(['actor_name'])
      .where('type', '=', 'task.reassigned')
      .executeTakeFirstOrThrow()
    expect(ev.actor_name).toBe('王指挥')
    const again = await chief.post(`/console/tasks/${declinedId}/reassign`, { _csrf: csrf, reason: '再次' })
    expect(again.status).toBe(409)
    expect(again.text).toContain('该任务已改派')
    expect((await chief.get(incidentPath)).text).not.toContain(
      `action="/console/tasks/${declinedId}/reassign"`,
    )
  })

  it('cancels an open task with a reason; a second cancel is refused with its reason', async () => {
    const csrf = await chief.csrf()
    const open = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    const noReason = await chief.post(`/console/tasks/${open.id}/cancel`, { _csrf: csrf, reason: ' ' })
    expect(noReason.status).toBe(422)
    expect(noReason.text).toMatch(/reason：[^<]*[\u4e00-\u9fff]/)
    expect((await taskRow(open.id)).status).toBe('pending')
    const ok = await chief.post(`/console/tasks/${open.id}/cancel`, { _csrf: csrf, reason: '误派' })
    expect(ok.status).toBe(303)
    expect((await taskRow(open.id)).status).toBe('cancelled')
    const again = await chief.post(`/console/tasks/${open.id}/cancel`, { _csrf: csrf, reason: '误派' })
    expect(again.status).toBe(409)
    expect(again.text).toContain('role="alert"')
  })

  it('refuses the district officer (403), an unknown task (404) and a post without the CSRF token', async () => {
    const csrf = await officer.csrf()
    const open = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    expect(
      (await officer.post(`/console/tasks/${open.id}/cancel`, { _csrf: csrf, reason: '不办' })).status,
    ).toBe(403)
    expect(
      (await officer.post(`/console/tasks/${declinedId}/reassign`, { _csrf: csrf, reason: '不办' })).status,
    ).toBe(403)
    const chiefCsrf = await chief.csrf()
    expect(
      (await chief.post(`/console/tasks/${randomUUID()}/cancel`, { _csrf: chiefCsrf, reason: '误派' }))
        .status,
    ).toBe(404)
    expect((await chief.post(`/console/tasks/${open.id}/cancel`, { reason: '误派' })).status).toBe(403)
    expect((await taskRow(open.id)).status).toBe('pending')
  })
})
