import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  API,
  approved,
  FAILING,
  importFixtures,
  PASSED,
  type Staff,
  staff,
} from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Each sign-in costs a deliberate scrypt.
vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let s: Staff
let officer: FormClient
let taskId: string
let sampleId: string

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
  const id = await approved(t, s, { number: '成市监抽检〔2026〕第16号', sampleNos: [...FAILING, ...PASSED] })
  const pub = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
  const list = await t.call('GET', `${API}/tasks?incident=${pub.body.incidentId}&district=510104`, {
    token: s.admin,
  })
  taskId = list.body.items.find((x: { step: string }) => x.step === 'remove-from-shelves').id
  await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104', name: '周敏' })
  officer = new FormClient(() => t.baseUrl)
})
afterAll(() => t.close())

const post = async (path: string, fields: Record<string, string>) =>
  officer.post(path, { _csrf: await officer.csrf(`/console/tasks/${taskId}`), ...fields })

describe('the district officer on a disposal task', () => {
  it('lands on the task list after signing in; cards name the incident, the district and the code', async () => {
    const r = await officer.signIn('zhou', PASSWORD)
    expect(r.status).toBe(303)
    expect(r.location).toBe('/console/tasks')
    const list = await officer.get('/console/tasks')
    expect(list.text).toContain('不合格食品核查处置：成市监抽检〔2026〕第16号')
    expect(list.text).toContain('锦江区')
    expect(list.text).toMatch(/<span class="code">\d{4}-\d+|<span class="code">[^<]+<\/span>/)
  })

  it('the task page lists the failing samples by shop with the failed items and the announcement', async () => {
    const r = await officer.get(`/console/tasks/${taskId}`)
    expect(r.status).toBe(200)
    expect(r.text).toContain('成都红旗连锁股份有限公司春熙路店')
    expect(r.text).toContain('成都市锦江区春熙路南段8号')
    expect(r.text).toContain('香辣辣椒酱')
    expect(r.text).toContain('<span class="failed">苏丹红Ⅰ号</span>')
    expect(r.text).toContain('成市监抽检〔2026〕第16号</a>')
    expect(r.text).toContain('IV级 蓝色')
    sampleId = /name="sample" value="([0-9a-f-]{36})"/.exec(r.text)?.[1] ?? ''
    // Before acknowledging there is nothing to record yet.
    expect(sampleId).toBe('')
    const ack = await post(`/console/tasks/${taskId}/ack`, {})
    expect(ack.status).toBe(303)
    const page = await officer.get(`/console/tasks/${taskId}`)
    sampleId = /name="sample" value="([0-9a-f-]{36})"/.exec(page.text)?.[1] ?? ''
    expect(sampleId).not.toBe('')
  })

  it('an empty or wrong record is refused in sentences, keeping what was typed', async () => {
    const empty = await post(`/console/tasks/${taskId}/disposals`, { sample: sampleId })
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('请填写下架数量或封存重量，或勾选“未见在售”')
    const wrong = await post(`/console/tasks/${taskId}/disposals`, { sample: sampleId, unitsRemoved: '十二' })
    expect(wrong.status).toBe(422)
    expect(wrong.text).toContain('下架数量请填写数字')
    expect(wrong.text).toContain('value="十二"')
  })

  it('records what was removed; the totals and the report list follow', async () => {
    const r = await post(`/console/tasks/${taskId}/disposals`, {
      sample: sampleId,
      unitsRemoved: '12',
      sealedKg: '2.5',
      note: '货架 6 件，仓库 6 件',
    })
    expect(r.status).toBe(303)
    expect(r.location).toContain(`#sample-${sampleId}`)
    const page = await officer.get(r.location!.replace(/#.*/, ''))
    expect(page.text).toContain('处置情况已记录')
    expect(page.text).toContain('已记录：下架 12 件，封存 2.5 千克')
    expect(page.text).toContain('已上报（1）')
    expect(page.text).toContain('周敏')
    expect(page.text).toContain('货架 6 件，仓库 6 件')
    expect(page.text).toMatch(/下架数量：<b>12 件<\/b>/)
  })

  it('corrects a figure with a reason; the original stays and the totals follow', async () => {
    const page = await officer.get(`/console/tasks/${taskId}`)
    const rid = /action="\/console\/tasks\/[0-9a-f-]+\/reports\/([0-9a-f-]{36})\/corrections"/.exec(
      page.text,
    )?.[1]
    expect(rid).toBeTruthy()
    const noReason = await post(`/console/tasks/${taskId}/reports/${rid}/corrections`, {
      'figure.units_removed': '10',
      reason: '',
    })
    expect(noReason.status).toBe(422)
    expect(noReason.text).toContain('请填写更正原因')
    const ok = await post(`/console/tasks/${taskId}/reports/${rid}/corrections`, {
      'figure.units_removed': '10',
      'figure.stock_sealed_kg': '2.5',
      reason: '仓库实为 4 件',
    })
    expect(ok.status).toBe(303)
    const after = await officer.get(`/console/tasks/${taskId}`)
    expect(after.text).toContain('已上报（2）')
    expect(after.text).toContain('下架数量 -2 件')
    expect(after.text).toContain('更正原因：仓库实为 4 件')
    expect(after.text).toContain('下架数量 12 件')
    expect(after.text).toMatch(/下架数量：<b>10 件<\/b>/)
  })
})
