import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// Reported `1.7976931348623157e308` twice turned the totals into null and the CSV into Infinity, and
// 9007199254740993 was stored as …992. Figures and their incident totals now stay finite and exact.
let t: TestApp
let commander: string
let jinjiang: string
let qingyang: string
let incidentId: string
const tasks: Record<string, string> = {}

beforeAll(async () => {
  t = await startTestApp()
  commander = await t.token('commander')
  jinjiang = await t.token('district', { district: '510104' })
  qingyang = await t.token('district', { district: '510105' })
  const r = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: { playbook: 'sudan-red', level: 'IV', title: '苏丹红', districts: ['510104', '510105'] },
  })
  incidentId = r.body.id
  for (const token of [jinjiang, qingyang]) {
    const list = await t.call('GET', `/api/v1/tasks?incident=${incidentId}`, { token })
    const task = list.body.items.find((x: { step: string }) => x.step === 'seal-stock')
    expect((await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token })).status).toBe(200)
    tasks[token] = task.id
  }
})
afterAll(() => t.close())

const report = (token: string, raw: string, lang = 'en') =>
  t.call('POST', `/api/v1/tasks/${tasks[token]}/reports`, {
    token,
    raw,
    headers: { 'content-type': 'application/json', 'accept-language': lang },
  })

async function reportCount() {
  const rows = await t.deps.db
    .selectFrom('task_reports')
    .select('id')
    .where('incident_id', '=', incidentId)
    .execute()
  return rows.length
}

describe('reported figures stay in range', () => {
  it('refuses integers JSON cannot hold exactly and numbers beyond 10^12, naming each field', async () => {
    // seal-stock declares units_sealed (integer) and stock_sealed_kg (number), neither with a max.
    const r = await report(
      jinjiang,
      '{"figures":{"units_sealed":9007199254740993,"stock_sealed_kg":1.7976931348623157e308}}',
    )
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.figures.stock_sealed_kg',
      'body.figures.units_sealed',
    ])
    const zh = await report(jinjiang, '{"figures":{"units_sealed":9007199254740993,"x":1}}', 'zh-CN')
    expect(zh.status).toBe(422)
    expect(
      (zh.body.issues as { path: string; message: string }[]).map((i) => [i.path, i.message]).sort(),
    ).toEqual([
      ['body.figures.stock_sealed_kg', '必填'],
      [
        'body.figures.units_sealed',
        '超出范围：绝对值至多 9007199254740991（2^53−1，更大的 JSON 数字无法精确表示）',
      ],
      ['body.figures.x', expect.stringMatching(/^未知的字段；此步骤上报：/)],
    ])
    const big = await report(jinjiang, '{"figures":{"units_sealed":1,"stock_sealed_kg":1000000000000.5}}')
    expect(big.status).toBe(422)
    expect(big.body.issues).toEqual([expect.objectContaining({ path: 'body.figures.stock_sealed_kg' })])
    expect(await reportCount()).toBe(0)
  })

  it('takes the largest exact values, then refuses a report that would push a total out of range', async () => {
    const max = await report(jinjiang, '{"figures":{"units_sealed":9007199254740991,"stock_sealed_kg":1e12}}')
    expect(max.status).toBe(201)
    expect(max.body.report.figures.units_sealed).toBe(Number.MAX_SAFE_INTEGER)

    const over = await report(qingyang, '{"figures":{"units_sealed":1,"stock_sealed_kg":0.5}}')
    expect(over.status).toBe(422)
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(over.body.issues.map((i: { path: string; code: string }) => [i.path, i.code]).sort()).toEqual([
      ['body.figures.stock_sealed_kg', 'total_out_of_range'],
      ['body.figures.units_sealed', 'total_out_of_range'],
    ])
    expect(await reportCount()).toBe(1) // nothing written
    // In Chinese, every message is Chinese.
    const zh = await report(qingyang, '{"figures":{"units_sealed":1,"stock_sealed_kg":0.5}}', 'zh-CN')
    expect(zh.status).toBe(422)
    expect(zh.body.detail).toBe('上报后事件合计将超出允许范围')
    for (const i of zh.body.issues as { message: string }[]) expect(i.message).toMatch(/^事件合计将达到 /)
    expect(await reportCount()).toBe(1)
    const task = await t.call('GET', `/api/v1/tasks/${tasks[qingyang]}`, { token: qingyang })
    expect(task.body.status).toBe('acknowledged') // not started by the refused report

    // A report that keeps the totals in range still goes through.
    const ok = await report(qingyang, '{"figures":{"units_sealed":0,"stock_sealed_kg":0}}')
    expect(ok.status).toBe(201)

    const inc = await t.call('GET', `/api/v1/incidents/${incidentId}`, { token: commander })
    expect(inc.body.totals.city).toMatchObject({
      units_sealed: Number.MAX_SAFE_INTEGER,
      stock_sealed_kg: 1e12,
    })
    const after = await t.call('GET', `/api/v1/incidents/${incidentId}/report`, { token: commander })
    expect(after.body.city.figures).toMatchObject({
      units_sealed: Number.MAX_SAFE_INTEGER,
      stock_sealed_kg: 1e12,
    })
    const csv = await t.call('GET', `/api/v1/incidents/${incidentId}/report`, {
      token: commander,
      headers: { accept: 'text/csv' },
    })
    expect(csv.text).toContain('9007199254740991')
    expect(csv.text).toContain('1000000000000')
    expect(csv.text).not.toMatch(/Infinity|NaN|e\+/)
  })
})
