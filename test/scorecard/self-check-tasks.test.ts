import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepEscalations } from '../../src/escalation/escalation.service.js'
import { createRecurringTasks } from '../../src/jobs/recurring-tasks.job.js'
import { openMonthlySelfChecks, selfCheckDue } from '../../src/scorecard/self-checks.service.js'
import { escalations } from '../escalation/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const API = '/api/v1'
let t: TestApp
let commander: string
let jinjiang: string
let qingyang: string
let incidentId: string
const tokens = new Map<string, string>()

beforeAll(async () => {
  t = await startTestApp() // clock: 2026-11-30 09:00 in Chengdu
  commander = await t.token('commander')
  for (const d of t.deps.districts.items) tokens.set(d.code, await t.token('district', { district: d.code }))
  jinjiang = tokens.get('510104')!
  qingyang = tokens.get('510105')!
})
afterAll(() => t.close())

type Check = { id: string; district: string; month: string; status: string; taskId: string | null }
const checkOf = async (token: string, month: string) => {
  const r = await t.call('GET', `${API}/self-checks?month=${month}`, { token })
  expect(r.status, r.text).toBe(200)
  return r.body.items[0] as Check
}
const tasksOf = (incident: string) =>
  t.deps.db.selectFrom('tasks').selectAll().where('incident_id', '=', incident).execute()

describe('每月自查 as a task', () => {
  it('the month ending opens one incident with a task per district, once', async () => {
    // The first run opens only the month just ended (October), with the recurring tasks; a second run nothing.
    await createRecurringTasks(t.deps)
    await createRecurringTasks(t.deps)
    const incidents = await t.deps.db.selectFrom('incidents').selectAll().execute()
    expect(incidents).toHaveLength(1)
    const inc = incidents[0]!
    incidentId = inc.id
    expect(inc).toMatchObject({
      title: '2026年10月 每月自查',
      playbook_id: 'monthly-self-check',
      exercise: false,
      status: 'active',
      all_districts: true,
    })
    const tasks = await tasksOf(inc.id)
    expect(tasks).toHaveLength(20)
    expect(new Set(tasks.map((x) => x.district_code)).size).toBe(20)
    for (const task of tasks) {
      expect(task.status).toBe('pending')
      expect(task.due_at.toISOString()).toBe(selfCheckDue('2026-10').toISOString())
      // Acknowledge within a day of opening.
      expect(task.ack_due_at.toISOString()).toBe('2026-12-01T01:00:00.000Z')
    }
    expect(await openMonthlySelfChecks(t.deps)).toBe(0)
    expect(await tasksOf(inc.id)).toHaveLength(20)
    // No public alert: a self-check is no food-safety incident.
    const alerts = await t.deps.db.selectFrom('alerts').select('id').execute()
    expect(alerts).toHaveLength(0)
    // Each check links to its district's task, in the events too; every new event says it is no exercise.
    const mine = await checkOf(jinjiang, '2026-10')
    const task = tasks.find((x) => x.district_code === '510104')!
    expect(mine.taskId).toBe(task.id)
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('incident_id', '=', inc.id)
      .execute()
    expect(events.filter((e) => e.type === 'task.created')).toHaveLength(20)
    for (const e of events) expect(e.payload).toMatchObject({ exercise: false })
    const opened = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'self_check.opened')
      .where('subject', '=', mine.id)
      .executeTakeFirstOrThrow()
    expect(opened.payload).toMatchObject({ taskId: task.id, month: '2026-10' })
  })

  it('is on the officer’s task list, their district only', async () => {
    const list = await t.call('GET', `${API}/tasks?incident=${incidentId}`, { token: jinjiang })
    expect(list.status, list.text).toBe(200)
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0]).toMatchObject({
      district: '510104',
      step: 'file-self-check',
      status: 'pending',
    })
    const { taskId } = await checkOf(jinjiang, '2026-10')
    expect((await t.call('GET', `${API}/tasks/${taskId}`, { token: qingyang })).status).toBe(404)
    expect((await t.call('POST', `${API}/tasks/${taskId}/ack`, { token: qingyang, body: {} })).status).toBe(
      404,
    )
    const all = await t.call('GET', `${API}/tasks?incident=${incidentId}&limit=100`, { token: commander })
    expect(all.body.items).toHaveLength(20)
  })

  it('an unacknowledged self-check task climbs the ladder', async () => {
    t.clock.set(new Date('2026-12-01T01:00:05Z')) // past the acknowledgement window
    await sweepEscalations(t.deps)
    const { taskId } = await checkOf(qingyang, '2026-10')
    const fired = await escalations(t.deps.db, taskId!)
    expect(fired.map((e) => [e.payload.clock, e.payload.notify])).toEqual([
      ['unacknowledged', 'district_duty_officer'],
    ])
  })

  it('ack + file completes the task with its report, in one go; refused for others and twice', async () => {
    const check = await checkOf(jinjiang, '2026-10')
    const ack = await t.call('POST', `${API}/tasks/${check.taskId}/ack`, { token: jinjiang, body: {} })
    expect(ack.status, ack.text).toBe(200)
    // The generic completion would leave the check unfiled: refused in the verb, naming where to file it.
    const bare = await t.call('POST', `${API}/tasks/${check.taskId}/complete`, { token: jinjiang, body: {} })
    expect(bare.status, bare.text).toBe(409)
    expect(bare.headers.get('content-type')).toContain('application/problem+json')
    expect(bare.body).toMatchObject({ code: 'invalid_state', current: 'acknowledged', selfCheckId: check.id })
    expect(bare.body.detail).toContain('自查尚未报送')
    expect(bare.body.detail).toContain(`POST /api/v1/self-checks/${check.id}/report`)
    expect(bare.body.detail).toContain(`/console/tasks/${check.taskId}`)
    const english = await t.call('POST', `${API}/tasks/${check.taskId}/complete`, {
      token: jinjiang,
      body: { note: 'done' },
      headers: { 'accept-language': 'en' },
    })
    expect(english.status).toBe(409)
    expect(english.body.detail).toContain('self-check is not filed')
    // The command centre cannot complete it either; the task is as it was.
    expect(
      (await t.call('POST', `${API}/tasks/${check.taskId}/complete`, { token: commander, body: {} })).status,
    ).toBe(409)
    expect((await t.call('GET', `${API}/tasks/${check.taskId}`, { token: jinjiang })).body.status).toBe(
      'acknowledged',
    )
    const path = `${API}/self-checks/${check.id}/report`
    const body = { summary: '10月任务均按时办结', measures: '保持每日调度' }
    const other = await t.call('POST', path, { token: qingyang, body })
    expect(other.status).toBe(403)
    expect(other.headers.get('content-type')).toContain('application/problem+json')
    expect((await t.call('POST', path, { token: commander, body })).status).toBe(403)
    expect((await t.call('POST', path, { token: jinjiang, body: { summary: '' } })).status).toBe(422)
    const filed = await t.call('POST', path, { token: jinjiang, body })
    expect(filed.status, filed.text).toBe(200)
    expect(filed.body).toMatchObject({ status: 'filed', taskId: check.taskId })
    const task = await t.call('GET', `${API}/tasks/${check.taskId}`, { token: jinjiang })
    expect(task.body.status).toBe('completed')
    expect(task.body.reports).toHaveLength(1)
    expect(task.body.reports[0].figures).toMatchObject({ tasks_due: 0, tasks_on_time: 0, boards_due: 0 })
    expect(task.body.reports[0].note).toContain('10月任务均按时办结')
    expect(task.body.reports[0].note).toContain('保持每日调度')
    const again = await t.call('POST', path, { token: jinjiang, body })
    expect(again.status).toBe(409)
    expect(again.headers.get('content-type')).toContain('application/problem+json')
    // The task verbs' events, each saying it is no exercise; the check's event names the task.
    const types = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('task_id', '=', check.taskId)
      .orderBy('id')
      .execute()
    // (It escalated once while unacknowledged, like every district's.)
    expect(types.map((e) => e.type)).toEqual([
      'task.created',
      'task.escalated',
      'task.acknowledged',
      'task.started',
      'task.reported',
      'task.completed',
    ])
    const filedEvent = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'self_check.filed')
      .where('subject', '=', check.id)
      .executeTakeFirstOrThrow()
    // October's check was opened on 30 November (the first run), past its due time: filed late.
    expect(filedEvent.payload).toMatchObject({ taskId: check.taskId, onTime: false })
    // A completed task stops escalating: nothing more after its one unacknowledged rung.
    t.clock.set(new Date('2026-12-20T01:00:00Z'))
    await sweepEscalations(t.deps)
    expect(await escalations(t.deps.db, check.taskId!)).toHaveLength(1)
  })

  it('filing an unacknowledged check acknowledges it for the filer', async () => {
    const check = await checkOf(qingyang, '2026-10')
    const filed = await t.call('POST', `${API}/self-checks/${check.id}/report`, {
      token: qingyang,
      body: { summary: '逾期补报' },
    })
    expect(filed.status, filed.text).toBe(200)
    expect(filed.body.onTime).toBe(false)
    const task = await t.call('GET', `${API}/tasks/${check.taskId}`, { token: qingyang })
    expect(task.body).toMatchObject({ status: 'completed' })
    expect(task.body.acknowledgedAt).toBeTruthy()
  })

  it('the incident closes itself when its last task ends, here declined, and the scorecard counts each check once', async () => {
    // One district's task is cancelled by the command centre: done too.
    const jinniu = await checkOf(tokens.get('510106')!, '2026-10')
    const cancelled = await t.call('POST', `${API}/tasks/${jinniu.taskId}/cancel`, {
      token: commander,
      body: { reason: '并入专项检查' },
    })
    expect(cancelled.status, cancelled.text).toBe(200)
    const left = [...tokens.entries()].filter(([code]) => !['510104', '510105', '510106'].includes(code))
    const [lastCode, lastToken] = left.pop()!
    for (const [, token] of left) {
      const check = await checkOf(token, '2026-10')
      const r = await t.call('POST', `${API}/self-checks/${check.id}/report`, {
        token,
        body: { summary: '按月自查' },
      })
      expect(r.status, r.text).toBe(200)
      const inc = await t.call('GET', `${API}/incidents/${incidentId}`, { token: commander })
      expect(inc.body.status).toBe('active')
    }
    // The last district declines its task through the generic verb: the last open task ended, so the
    // incident closes itself (the playbook's `closes_when_done`), and the declined task stays declined.
    const last = await checkOf(lastToken, '2026-10')
    const declined = await t.call('POST', `${API}/tasks/${last.taskId}/decline`, {
      token: lastToken,
      body: { reason: `${lastCode} 本月机构调整，改由市局汇总` },
    })
    expect(declined.status, declined.text).toBe(200)
    expect((await t.call('GET', `${API}/incidents/${incidentId}`, { token: commander })).body.status).toBe(
      'closed',
    )
    expect((await t.call('GET', `${API}/tasks/${last.taskId}`, { token: lastToken })).body.status).toBe(
      'declined',
    )
    const closed = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'incident.closed')
      .where('incident_id', '=', incidentId)
      .execute()
    expect(closed).toHaveLength(1)
    expect(closed[0]?.payload).toMatchObject({ auto: true, exercise: false, cancelledTasks: 0 })
    // The cancelled and the declined tasks' checks can still be filed; their tasks are left as they are.
    for (const [check, token] of [
      [jinniu, tokens.get('510106')!],
      [last, lastToken],
    ] as const) {
      const late = await t.call('POST', `${API}/self-checks/${check.id}/report`, {
        token,
        body: { summary: '补报' },
      })
      expect(late.status, late.text).toBe(200)
    }
    expect((await t.call('GET', `${API}/tasks/${last.taskId}`, { token: lastToken })).body.status).toBe(
      'declined',
    )
    // The self-check tasks (due in December) are the self-check figure, not also incident tasks.
    const sc = await t.call('GET', `${API}/scorecard?month=2026-12`, { token: commander })
    expect(sc.body.city.tasks.due).toBe(0)
    const oct = await t.call('GET', `${API}/scorecard?month=2026-10`, { token: commander })
    expect(oct.body.city.selfChecks).toMatchObject({ due: 20, filed: 20 })
  })

  it('in the console: the task list shows it and its page files it without script', async () => {
    t.clock.set(new Date('2026-12-01T00:00:30Z')) // after November ends
    expect(await openMonthlySelfChecks(t.deps)).toBe(20)
    await makeUser(t, 'sct-jinjiang', 'correct horse battery', {
      role: 'district',
      district: '510104',
      name: '锦江自查员',
    })
    const officer = new FormClient(() => t.baseUrl)
    expect((await officer.signIn('sct-jinjiang', 'correct horse battery')).status).toBe(303)
    const list = await officer.get('/console/tasks')
    expect(list.text).toContain('报送每月自查')
    expect(list.text).toContain('2026年11月 每月自查')
    const check = await checkOf(jinjiang, '2026-11')
    const path = `/console/tasks/${check.taskId}`
    const page = await officer.get(path)
    expect(page.status).toBe(200)
    expect(page.text).toContain('报送自查并完成任务')
    expect(page.text).toContain('任务按时')
    // The generic report and completion forms give way to the check's own.
    expect(page.text).not.toContain('标记完成')
    expect(page.text).not.toContain('提交上报')
    expect(page.text).toContain('name="viewport"')
    const _csrf = (await officer.csrf(path)) as string
    expect((await officer.post(`${path}/ack`, { _csrf })).status).toBe(303)
    // The generic completion form is not offered; posted anyway, it is refused with the way to file.
    const bare = await officer.post(`${path}/complete`, { _csrf, note: '' })
    expect(bare.status).toBe(409)
    expect(bare.text).toContain('自查尚未报送')
    expect(bare.text).toContain('报送自查并完成任务')
    const form = `/console/self-checks/${check.id}`
    const empty = await officer.post(form, { _csrf, from: 'task', summary: '', measures: '' })
    expect(empty.status).toBe(422)
    const ok = await officer.post(form, { _csrf, from: 'task', summary: '11月无逾期', measures: '' })
    expect(ok.status, ok.text).toBe(303)
    expect(ok.headers.get('location')).toBe(`${path}?done=selfCheck#self-check`)
    const after = await officer.get(`${path}?done=selfCheck`)
    expect(after.text).toContain('自查已报送，任务已完成。')
    expect(after.text).toContain('已完成')
    expect(after.text).not.toContain('更正数字')
    expect(after.text).toContain('11月无逾期')
    expect(after.text).not.toContain('报送自查并完成任务')
    // Another district's officer sees neither the task nor the check.
    await makeUser(t, 'sct-qingyang', 'correct horse battery', {
      role: 'district',
      district: '510105',
      name: '青羊自查员',
    })
    const stranger = new FormClient(() => t.baseUrl)
    expect((await stranger.signIn('sct-qingyang', 'correct horse battery')).status).toBe(303)
    expect((await stranger.get(path)).status).toBe(404)
    expect((await stranger.get(form)).status).toBe(403)
  })
})
