import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csrfOf, FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, PUBLIC } from './helpers.js'

const API = '/api/v1'
const PASSWORD = 'correct horse battery 12315'

let t: TestApp
let commander: string
let jinjiang: string
let qingyang: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  qingyang = await t.token('district', { district: '510105' })
})
afterAll(() => t.close())

/** Eight complaints about one batch (five in Jinjiang, three in Qingyang): one signal. */
async function raise(
  batch: string,
  districts: string[] = ['锦江区', '锦江区', '锦江区', '锦江区', '锦江区', '青羊区', '青羊区', '青羊区'],
) {
  for (const [i, d] of districts.entries()) {
    const r = await t.call('POST', PUBLIC, {
      body: complaintBody({
        product: { name: '香辣辣椒酱', brand: '蜀味', batch, spec: '250g/袋' },
        business: { name: `超市${batch}-${i}`, address: `成都市${d}某路${i + 1}号` },
        description: `第 ${i + 1} 件：辣椒酱颜色异常`,
      }),
    })
    expect(r.status, r.text).toBe(201)
  }
  const list = await t.call('GET', `${API}/signals?status=open`, { token: commander })
  const signal = list.body.items.find(
    (s: { title: string; complaints: unknown[] }) =>
      s.complaints.length === districts.length && JSON.stringify(s).includes(batch),
  )
  expect(signal, JSON.stringify(list.body)).toBeDefined()
  return signal as { id: string; code: string }
}

const count = async (table: 'alerts' | 'incidents') =>
  Number(
    (
      await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

const events = (type: string) =>
  t.deps.db.selectFrom('events').select(['payload', 'incident_id']).where('type', '=', type).execute()

describe('a signal’s request for sampling', () => {
  it('gives each district of its complaints a sampling task, once; signal and tasks link both ways', async () => {
    const signal = await raise('S-0001')
    const alertsBefore = await count('alerts')
    const r = await t.call('POST', `${API}/signals/${signal.id}/request-sampling`, { token: commander })
    expect(r.status, r.text).toBe(201)
    expect(r.body.incident.code).toMatch(/^FS-2026-\d{4}$/)
    const incident = await t.call('GET', `${API}/incidents/${r.body.incident.id}`, { token: commander })
    expect(incident.body).toMatchObject({ playbook: 'signal-sampling', level: 'IV', status: 'active' })
    expect(incident.body.districts.sort()).toEqual(['510104', '510105'])
    expect(incident.body.products).toEqual([{ name: '香辣辣椒酱', brand: '蜀味', batch: 'S-0001' }])
    expect(incident.body.note).toContain(signal.code)
    // Complaints are not findings: nothing is announced to the public.
    expect(await count('alerts')).toBe(alertsBefore)

    // The signal shows its request and the tasks.
    expect(r.body.signal.sampling).toMatchObject({
      incidentId: r.body.incident.id,
      incidentCode: r.body.incident.code,
      districts: ['510104', '510105'],
    })
    expect(r.body.signal.sampling.tasks.map((k: { district: string }) => k.district)).toEqual([
      '510104',
      '510105',
    ])
    expect(r.body.signal.status).toBe('open')

    // Asking again answers the first request; nothing new is written.
    const again = await t.call('POST', `${API}/signals/${signal.id}/request-sampling`, {
      token: commander,
      body: { districts: ['510106'] },
    })
    expect(again.status).toBe(200)
    expect(again.body.incident.id).toBe(r.body.incident.id)
    const requested = await events('signal.sampling_requested')
    expect(requested).toHaveLength(1)
    expect(requested[0]!.incident_id).toBe(r.body.incident.id)
    expect(requested[0]!.payload).toMatchObject({
      code: signal.code,
      incidentCode: r.body.incident.code,
      districts: ['510104', '510105'],
      taskCount: 2,
    })
    expect((requested[0]!.payload as { complaints: string[] }).complaints).toHaveLength(8)
    expect(JSON.stringify(requested)).not.toContain('13812345678')

    // The Jinjiang officer's task shows the signal and what to sample where: its own five businesses.
    const tasks = await t.call('GET', `${API}/tasks?incident=${r.body.incident.id}`, { token: jinjiang })
    expect(tasks.status, tasks.text).toBe(200)
    expect(tasks.body.items).toHaveLength(1)
    const task = await t.call('GET', `${API}/tasks/${tasks.body.items[0].id}`, { token: jinjiang })
    expect(task.status).toBe(200)
    expect(task.body.step).toBe('sample-signalled-product')
    expect(task.body.sampling.signal).toMatchObject({ id: signal.id, code: signal.code })
    expect(task.body.sampling.products).toEqual([
      { name: '香辣辣椒酱', brand: '蜀味', batch: 'S-0001', spec: '250g/袋' },
    ])
    expect(task.body.sampling.targets).toHaveLength(5)
    expect(task.body.sampling.targets[0]).toMatchObject({
      district: '510104',
      product: { name: '香辣辣椒酱', brand: '蜀味', batch: 'S-0001' },
      business: { name: '超市S-0001-0', address: '成都市锦江区某路1号' },
    })
    expect(task.body.sampling.targets[0].business.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(task.text).not.toContain('13812345678')
    expect(task.text).not.toContain('张三')
    // The task machinery: acknowledge, with its due date and escalation clock.
    const ack = await t.call('POST', `${API}/tasks/${task.body.id}/ack`, { token: jinjiang })
    expect(ack.status, ack.text).toBe(200)
    expect(ack.body.status).toBe('acknowledged')
    const seen = await t.call('GET', `${API}/signals/${signal.id}`, { token: commander })
    expect(seen.body.sampling.tasks.find((k: { district: string }) => k.district === '510104').status).toBe(
      'acknowledged',
    )
    // Qingyang sees only its own task and its own three businesses.
    const qy = await t.call('GET', `${API}/tasks?incident=${r.body.incident.id}`, { token: qingyang })
    expect(qy.body.items).toHaveLength(1)
    const qyTask = await t.call('GET', `${API}/tasks/${qy.body.items[0].id}`, { token: qingyang })
    expect(qyTask.body.sampling.targets).toHaveLength(3)
    expect((await t.call('GET', `${API}/tasks/${qy.body.items[0].id}`, { token: jinjiang })).status).toBe(404)

    // Requesting sampling does not decide the signal: it can still be activated.
    const act = await t.call('POST', `${API}/signals/${signal.id}/activate`, { token: commander, body: {} })
    expect(act.status).toBe(201)
    expect(act.body.signal.sampling.incidentId).toBe(r.body.incident.id)
  })

  it('a given list of districts: each gets a task naming the products, without businesses of its own', async () => {
    const signal = await raise('S-0002')
    const r = await t.call('POST', `${API}/signals/${signal.id}/request-sampling`, {
      token: commander,
      body: { districts: ['510106', '510106'] },
    })
    expect(r.status, r.text).toBe(201)
    expect(r.body.signal.sampling.districts).toEqual(['510106'])
    const jinniu = await t.token('district', { district: '510106' })
    const list = await t.call('GET', `${API}/tasks?incident=${r.body.incident.id}`, { token: jinniu })
    const task = await t.call('GET', `${API}/tasks/${list.body.items[0].id}`, { token: jinniu })
    expect(task.body.sampling.targets).toEqual([])
    expect(task.body.sampling.products[0]).toMatchObject({ name: '香辣辣椒酱', batch: 'S-0002' })
  })

  it('what is refused: unknown districts (each named), a dismissed signal, an unknown signal; nothing written', async () => {
    const signal = await raise('S-0003')
    const incidents = await count('incidents')
    const bad = await t.call('POST', `${API}/signals/${signal.id}/request-sampling`, {
      token: commander,
      body: { districts: ['510104', '999999', '510199'] },
    })
    expect(bad.status).toBe(422)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.districts[1]',
      'body.districts[2]',
    ])
    const extra = await t.call('POST', `${API}/signals/${signal.id}/request-sampling`, {
      token: commander,
      body: { districts: [], level: 'I' },
    })
    expect(extra.status).toBe(422)
    expect(extra.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.districts',
      'body.level',
    ])
    expect(
      (
        await t.call('POST', `${API}/signals/${signal.id}/dismiss`, {
          token: commander,
          body: { reason: '已核实为个别现象' },
        })
      ).status,
    ).toBe(200)
    const dismissed = await t.call('POST', `${API}/signals/${signal.id}/request-sampling`, {
      token: commander,
    })
    expect(dismissed.status).toBe(409)
    expect(
      (await t.call('POST', `${API}/signals/${crypto.randomUUID()}/request-sampling`, { token: commander }))
        .status,
    ).toBe(404)
    expect(await count('incidents')).toBe(incidents)
    expect(await events('signal.sampling_requested')).toHaveLength(2)
  })

  it('who is refused: district officers, samplers and the public', async () => {
    const signal = await raise('S-0004')
    const sampler = await t.token('sampler')
    const path = `${API}/signals/${signal.id}/request-sampling`
    expect((await t.call('POST', path, { token: jinjiang })).status).toBe(403)
    expect((await t.call('POST', path, { token: sampler })).status).toBe(403)
    expect((await t.call('POST', path)).status).toBe(401)
    const admin = await t.token('admin')
    expect((await t.call('POST', path, { token: admin })).status).toBe(201)
  })
})

describe('in the console', () => {
  it('the commander asks for sampling from the signal’s page; the officer’s task page says what to sample', async () => {
    const signal = await raise('S-0005')
    await makeUser(t, 'cc', PASSWORD, { role: 'commander', name: '指挥中心' })
    await makeUser(t, 'jj', PASSWORD, { role: 'district', district: '510104', name: '锦江区 赵六' })
    const cc = new FormClient(() => t.baseUrl)
    const jj = new FormClient(() => t.baseUrl)
    expect((await cc.signIn('cc', PASSWORD)).status).toBe(303)
    expect((await jj.signIn('jj', PASSWORD)).status).toBe(303)
    const page = await cc.get('/console/signals')
    expect(page.text).toContain(`/console/signals/${signal.id}/request-sampling`)
    expect(page.text).toContain('请求相关区县抽检')
    const posted = await cc.post(`/console/signals/${signal.id}/request-sampling`, {
      _csrf: csrfOf(page.text),
    })
    expect(posted.status).toBe(303)
    expect(posted.location).toMatch(/^\/console\/incidents\/[0-9a-f-]{36}$/)
    const after = await cc.get('/console/signals')
    expect(after.text).toContain('已请求抽检')
    expect(after.text).not.toContain(`/console/signals/${signal.id}/request-sampling`)
    // The district officer may not post it.
    const denied = await jj.post(`/console/signals/${signal.id}/request-sampling`, { _csrf: 'x' })
    expect(denied.status).toBe(403)

    const incidentId = posted.location!.split('/').pop()!
    const row = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('incident_id', '=', incidentId)
      .where('district_code', '=', '510104')
      .executeTakeFirstOrThrow()
    const taskPage = await jj.get(`/console/tasks/${row.id}`)
    expect(taskPage.status).toBe(200)
    expect(taskPage.text).toContain('抽检什么、到哪里抽')
    expect(taskPage.text).toContain(signal.code)
    expect(taskPage.text).toContain('超市S-0005-0')
    expect(taskPage.text).toContain('批次 S-0005')
  })
})
