import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  API,
  approved,
  FAILING,
  importFixtures,
  PASSED,
  type Staff,
  staff,
} from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let s: Staff
let commander: string
let officer: string
let otherOfficer: string
let incidentId: string
let announcementId: string
/** 锦江区 (510104) tasks by step. */
const own: Record<string, string> = {}
let sampleId: string

const call = (method: string, path: string, token: string, body?: unknown) =>
  t.call(method, `${API}${path}`, { token, body })

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  commander = await t.token('commander', { name: '指挥中心 值班' })
  officer = await t.token('district', { district: '510104', name: '锦江 周敏' })
  otherOfficer = await t.token('district', { district: '510107', name: '武侯 李' })
  await importFixtures(t, s.sampler)
  announcementId = await approved(t, s, {
    number: '成市监抽检〔2026〕第15号',
    sampleNos: [...FAILING, ...PASSED],
  })
  const r = await call('POST', `/announcements/${announcementId}/publish`, s.approver, {})
  expect(r.status).toBe(200)
  incidentId = r.body.incidentId
  const list = await call('GET', `/tasks?incident=${incidentId}&district=510104`, commander)
  for (const task of list.body.items as { id: string; step: string }[]) own[task.step] = task.id
})
afterAll(() => t.close())

describe('a disposal task lists what to remove', () => {
  it('GET /tasks/{id}: the district’s failing samples by shop, the announcement, the incident’s identity', async () => {
    const r = await call('GET', `/tasks/${own['remove-from-shelves']}`, officer)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      incidentTitle: expect.stringContaining('成市监抽检〔2026〕第15号'),
      incidentLevel: 'IV',
      exercise: false,
      districtName: { zh: '锦江区' },
      announcement: {
        id: announcementId,
        number: '成市监抽检〔2026〕第15号',
        url: `/announcements/${announcementId}`,
      },
      reports: [],
      totals: {},
    })
    expect(r.body.shops).toHaveLength(1)
    const shop = r.body.shops[0]
    expect(shop).toMatchObject({
      unit: '成都红旗连锁股份有限公司春熙路店',
      address: '成都市锦江区春熙路南段8号',
    })
    expect(shop.samples).toHaveLength(1)
    expect(shop.samples[0]).toMatchObject({ no: 'GC26510104101', product: '香辣辣椒酱', brand: '蜀味坊' })
    expect(shop.samples[0].failedItems.map((i: { name: string }) => i.name)).toContain('苏丹红Ⅰ号')
    sampleId = shop.samples[0].id
  })

  it('the list shows the incident’s title and current level after a level change', async () => {
    const up = await call('POST', `/incidents/${incidentId}/level`, commander, {
      level: 'III',
      reason: '扩大排查',
    })
    expect(up.status).toBe(200)
    const list = await call('GET', `/tasks?incident=${incidentId}&district=510104`, officer)
    const item = list.body.items.find((x: { id: string }) => x.id === own['remove-from-shelves'])
    expect(item).toMatchObject({
      level: 'IV',
      incidentLevel: 'III',
      incidentTitle: expect.stringContaining('第15号'),
    })
    const one = await call('GET', `/tasks/${own['remove-from-shelves']}`, officer)
    expect(one.body.incidentLevel).toBe('III')
  })
})

describe('recording per sample', () => {
  it('is refused before the task is acknowledged (409)', async () => {
    const r = await call('POST', `/tasks/${own['remove-from-shelves']}/disposals`, officer, {
      sample: sampleId,
      unitsRemoved: 3,
    })
    expect(r.status).toBe(409)
    expect(r.body.detail).toContain('确认')
  })

  it('files a record; the task’s figures are the sums; an event is written', async () => {
    const id = own['remove-from-shelves']!
    expect((await call('POST', `/tasks/${id}/ack`, officer)).status).toBe(200)
    const a = await call('POST', `/tasks/${id}/disposals`, officer, { sample: sampleId, unitsRemoved: 12 })
    expect(a.status).toBe(201)
    expect(a.body.task.status).toBe('in_progress')
    expect(a.body.report).toMatchObject({ sample: sampleId, figures: { units_removed: 12 }, by: '锦江 周敏' })
    const b = await call('POST', `/tasks/${id}/disposals`, officer, {
      sample: sampleId,
      unitsRemoved: 3,
      sealedKg: 1.5,
      note: '仓库另有 3 件',
    })
    expect(b.status).toBe(201)
    const sheet = await call('GET', `/tasks/${id}`, officer)
    expect(sheet.body.totals).toEqual({ units_removed: 15, stock_sealed_kg: 1.5 })
    expect(sheet.body.shops[0].samples[0].recorded).toEqual({
      unitsRemoved: 15,
      sealedKg: 1.5,
      notOnSale: false,
      records: 2,
    })
    expect(sheet.body.reports).toHaveLength(2)
    expect(sheet.body.reports[1]).toMatchObject({ note: '仓库另有 3 件', by: '锦江 周敏' })
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('task_id', '=', id)
      .where('type', '=', 'task.disposal_recorded')
      .execute()
    expect(events).toHaveLength(2)
    expect(events[0]!.payload).toMatchObject({ sampleNo: 'GC26510104101', figures: { units_removed: 12 } })
  })

  it('refuses an empty record, a contradictory one and a sample not on the task, all at once in words', async () => {
    const id = own['remove-from-shelves']!
    const empty = await call('POST', `/tasks/${id}/disposals`, officer, { sample: sampleId })
    expect(empty.status).toBe(422)
    expect(empty.body.issues[0].message).toContain('请填写下架数量')
    const both = await call('POST', `/tasks/${id}/disposals`, officer, {
      sample: sampleId,
      unitsRemoved: 2,
      notOnSale: true,
    })
    expect(both.status).toBe(422)
    const zh = await t.call('POST', `${API}/tasks/${id}/disposals`, {
      token: officer,
      body: { sample: sampleId, unitsRemoved: -1 },
      headers: { 'accept-language': 'zh-CN' },
    })
    expect(zh.status).toBe(422)
    const other = await call('POST', `/tasks/${id}/disposals`, officer, {
      sample: '00000000-0000-4000-8000-000000000000',
      unitsRemoved: 1,
    })
    expect(other.status).toBe(422)
    expect(other.body.issues[0]).toMatchObject({ path: 'body.sample', code: 'not_on_task' })
  })

  it('who is refused: another district (404), a sampler (403), no token (401)', async () => {
    const id = own['remove-from-shelves']!
    const body = { sample: sampleId, unitsRemoved: 1 }
    expect((await call('POST', `/tasks/${id}/disposals`, otherOfficer, body)).status).toBe(404)
    expect((await call('POST', `/tasks/${id}/disposals`, s.sampler, body)).status).toBe(403)
    expect((await t.call('POST', `${API}/tasks/${id}/disposals`, { body })).status).toBe(401)
  })
})

describe('correcting a figure', () => {
  it('a correcting report states the reason and the signed change; totals follow; the original stays', async () => {
    const id = own['remove-from-shelves']!
    const before = (await call('GET', `/tasks/${id}`, officer)).body
    const first = before.reports[0]
    const r = await call('POST', `/tasks/${id}/reports/${first.id}/corrections`, officer, {
      figures: { units_removed: 10 },
      reason: '多数了 2 件',
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      corrects: first.id,
      figures: { units_removed: -2 },
      reason: '多数了 2 件',
    })
    const after = (await call('GET', `/tasks/${id}`, officer)).body
    expect(after.totals.units_removed).toBe(13)
    expect(after.reports[0]).toEqual(first)
    expect(after.shops[0].samples[0].recorded.unitsRemoved).toBe(13)
    // Correcting again is measured against the value as it now stands.
    const again = await call('POST', `/tasks/${id}/reports/${r.body.id}/corrections`, officer, {
      figures: { units_removed: 11 },
      reason: '复核后为 11 件',
    })
    expect(again.body).toMatchObject({ corrects: first.id, figures: { units_removed: 1 } })
    const incident = await call('GET', `/incidents/${incidentId}`, commander)
    expect(JSON.stringify(incident.body)).toContain('"units_removed":14')
    const ev = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'task.report_corrected')
      .orderBy('id')
      .execute()
    expect(ev.map((e) => e.payload)).toEqual([
      expect.objectContaining({ report: first.id, change: { units_removed: -2 }, reason: '多数了 2 件' }),
      expect.objectContaining({ report: first.id, change: { units_removed: 1 } }),
    ])
  })

  it('refuses no reason, no change, a field that is not a number of the report, a negative value', async () => {
    const id = own['remove-from-shelves']!
    const first = (await call('GET', `/tasks/${id}`, officer)).body.reports[0]
    const path = `/tasks/${id}/reports/${first.id}/corrections`
    const noReason = await call('POST', path, officer, { figures: { units_removed: 9 } })
    expect(noReason.status).toBe(422)
    expect(noReason.body.issues[0].path).toBe('body.reason')
    const same = await call('POST', path, officer, { figures: { units_removed: 11 }, reason: 'x' })
    expect(same.status).toBe(422)
    expect(same.body.issues[0].code).toBe('unchanged')
    const bad = await call('POST', path, officer, { figures: { batches: 1, units_removed: -1 }, reason: 'x' })
    expect(bad.status).toBe(422)
    expect(bad.body.issues.map((i: { code: string }) => i.code).sort()).toEqual([
      'not_correctable',
      'too_small',
    ])
    const none = await call(
      'POST',
      `/tasks/${id}/reports/00000000-0000-4000-8000-000000000000/corrections`,
      officer,
      {
        figures: { units_removed: 1 },
        reason: 'x',
      },
    )
    expect(none.status).toBe(404)
    expect(
      (await call('POST', path, otherOfficer, { figures: { units_removed: 1 }, reason: 'x' })).status,
    ).toBe(404)
  })

  it('corrects a step report’s figures too', async () => {
    const id = own['seal-stock']!
    await call('POST', `/tasks/${id}/ack`, officer)
    const rep = await call('POST', `/tasks/${id}/reports`, officer, { figures: { units_sealed: 40 } })
    expect(rep.status).toBe(201)
    const c = await call('POST', `/tasks/${id}/reports/${rep.body.report.id}/corrections`, officer, {
      figures: { units_sealed: 4 },
      reason: '多写了一个 0',
    })
    expect(c.status).toBe(201)
    expect(c.body.figures).toEqual({ units_sealed: -36 })
    expect((await call('GET', `/tasks/${id}`, officer)).body.totals).toEqual({ units_sealed: 4 })
  })
})
