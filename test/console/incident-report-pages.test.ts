import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let chief: FormClient
let incidentId: string
let code: string

beforeAll(async () => {
  t = await startTestApp()
  const commander = await t.token('commander')
  const district = await t.token('district', { district: '510104' })
  const r = await t.call('POST', '/api/v1/incidents', {
    token: commander,
    body: {
      playbook: 'sudan-red',
      level: 'IV',
      title: '苏丹红辣椒酱',
      districts: ['510104', '510105'],
      exercise: true,
    },
  })
  incidentId = r.body.id
  code = r.body.code
  const list = await t.call('GET', `/api/v1/tasks?incident=${incidentId}&district=510104`, {
    token: district,
  })
  for (const task of list.body.items as { id: string }[]) {
    await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: district })
    await t.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: district, body: {} })
  }
  await t.call('POST', `/api/v1/incidents/${incidentId}/level`, {
    token: commander,
    body: { level: 'III', reason: '扩大排查' },
  })
  await makeUser(t, 'chief', PASSWORD, { role: 'commander', name: '值班长' })
  chief = new FormClient(() => t.baseUrl)
  expect((await chief.signIn('chief', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

describe('当场办结 where people look', () => {
  it('the incident page shows each district’s on-time rate and the city’s as percentages, and a legend', async () => {
    const r = await chief.get(`/console/incidents/${incidentId}`)
    expect(r.status).toBe(200)
    expect(r.text).toContain('全市按时办结率')
    // 锦江 did its level-IV tasks on time; the level-III ones added later are still within their windows,
    // as is all of 青羊's work: tasks with no outcome yet are left out, so a fresh incident does not read 0 %.
    expect(r.text).toMatch(/<td class="rate">100\.0%<\/td>/)
    expect(r.text).toMatch(/<td class="rate">—<\/td>/)
    t.clock.advance(8 * 24 * 3600_000)
    // Eight days on, the session has lapsed too: sign in again.
    expect((await chief.signIn('chief', PASSWORD)).status).toBe(303)
    const later = await chief.get(`/console/incidents/${incidentId}`)
    expect(later.text).toMatch(/<td class="rate">0\.0%<\/td>/)
    expect(later.text).toMatch(/全市按时办结率 <span class="rate">\d+\.\d%<\/span>/)
    expect(r.text).toContain('st-cancelled')
    expect(r.text).toContain(`/console/incidents/${incidentId}/report`)
  })

  it('the after-action report is a printable page in Chinese, and in English with ?lang=en', async () => {
    const zh = await chief.get(`/console/incidents/${incidentId}/report`)
    expect(zh.status).toBe(200)
    for (const part of [
      '事件处置总结报告',
      '苏丹红辣椒酱',
      code,
      '演练',
      '版本',
      '锦江区',
      '青羊区',
      '级别变化',
      'IV级 → III级（扩大排查）',
      '按时办结率',
      '全市合计',
      '北京时间',
      '/assets/console.css',
    ])
      expect(zh.text, part).toContain(part)
    // Times are Beijing time: the test clock's 2026-11-30T01:00Z reads 09:00.
    expect(zh.text).toContain('2026-11-30 09:00')
    expect(zh.text).not.toMatch(/PT\d+[HM]/)
    const en = await chief.get(`/console/incidents/${incidentId}/report?lang=en`)
    expect(en.text).toContain('After-action report')
    expect(en.text).toContain('Jinjiang')
    expect(en.text).toContain('On-time rate')
    await chief.get('/console?lang=zh')
  })

  it('CSV downloads: Chinese headers by default, English with ?lang=en, names beside codes, no JSON', async () => {
    const zh = await chief.get(`/console/incidents/${incidentId}/report.csv`)
    expect(zh.headers.get('content-type')).toContain('text/csv')
    const header = zh.text.replace(/^\uFEFF/, '').split('\n')[0]!
    expect(header).toContain('区县,区县代码,任务数')
    expect(header).toContain('按时办结率')
    expect(zh.text).toContain('锦江区,510104')
    expect(zh.text).toMatch(/,\d+\.\d%/)
    expect(zh.text).toContain('全市')
    // An exercise is marked on every row.
    expect(header.trim().endsWith(',演练')).toBe(true)
    expect(zh.text).toMatch(/^锦江区,510104,.*,演练\r?$/m)
    const en = await chief.get(`/console/incidents/${incidentId}/report.csv?lang=en`)
    expect(en.text.replace(/^\uFEFF/, '').split('\n')[0]).toContain('District,District code,Tasks')
    const timeline = await chief.get(`/console/incidents/${incidentId}/timeline.csv?lang=zh`)
    const lines = timeline.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    expect(lines[0]).toContain('时间（北京时间）')
    expect(timeline.text).not.toContain('{')
    expect(timeline.text).toContain('2026-11-30 09:00:00')
    expect(timeline.text).toContain('锦江区')
    // Each payload field in words, keys in Chinese: the level change, the task moves, the activation.
    expect(timeline.text).toContain('响应级别提高,incident.level_raised')
    expect(timeline.text).toContain('原: IV级; 改为: III级; 原因: 扩大排查; 新增任务:')
    expect(timeline.text).toContain('步骤: 启动区县应急响应; 原: 待确认; 改为: 已确认; 承办人:')
    expect(timeline.text).toMatch(/; 演练: 是\r?$/m)
    expect(timeline.text).toContain('确认时限: 2026-11-30 ')
    expect(timeline.text).toContain('区县: 锦江区、青羊区')
    expect(timeline.text).toContain('指挥中心')
    expect(timeline.text).not.toMatch(/\b(ackDueAt|playbookHash|taskCount|exercise):/)
    expect(timeline.text).not.toContain('"')
    const timelineEn = await chief.get(`/console/incidents/${incidentId}/timeline.csv?lang=en`)
    expect(timelineEn.text).toContain('Level raised,incident.level_raised')
    expect(timelineEn.text).toContain('From: level IV; To: level III; Reason: 扩大排查')
    expect(timelineEn.text).toContain('Step: Activate the district response; From: pending; To: acknowledged')
    expect(timelineEn.text).toMatch(/; Exercise: yes\r?$/m)
    expect(timelineEn.text).toContain('Districts: Jinjiang')
    expect(timelineEn.text).not.toContain('{')
    await chief.get('/console?lang=zh')
  })

  it('the overview gives each district’s rate over the last 30 days, exercises excluded', async () => {
    const commander = await t.token('commander')
    const district = await t.token('district', { district: '510104' })
    const real = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: '实战', districts: ['510104'] },
    })
    expect(real.status).toBe(201)
    const list = await t.call('GET', `/api/v1/tasks?incident=${real.body.id}`, { token: district })
    for (const task of list.body.items as { id: string }[]) {
      await t.call('POST', `/api/v1/tasks/${task.id}/ack`, { token: district })
      await t.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: district, body: {} })
    }
    const home = await chief.get('/console')
    expect(home.text).toContain('/console/overview')
    const r = await chief.get('/console/overview')
    expect(r.status).toBe(200)
    expect(r.text).toContain('1 起事件（不含演练）')
    expect(r.text).toMatch(
      /<th scope="row">锦江区<\/th><td>1<\/td><td>\d+\/\d+<\/td><td class="rate">100\.0%<\/td>/,
    )
    expect(r.text).toMatch(/<th scope="row">青羊区<\/th><td>0<\/td><td>0\/0<\/td><td class="rate">—<\/td>/)
  })
})
