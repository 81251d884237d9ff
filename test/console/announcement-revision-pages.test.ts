import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { publishDueAnnouncements } from '../../src/announcements/announcement-publish.job.js'
import { approved, FAILING, importFixtures, PASSED, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let sampler: FormClient
let reviewer: FormClient
let approver: FormClient
let otherApprover: FormClient
let chief: FormClient
/** Published through the API: one to retract, one to correct. */
let toRetract: string
let toCorrect: string

const signedIn = async (login: string) => {
  const f = new FormClient(() => t.baseUrl)
  expect((await f.signIn(login, PASSWORD)).status).toBe(303)
  return f
}
const alertOf = (html: string) => /role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? ''
const post = async (who: FormClient, path: string, fields: Record<string, string> = {}) =>
  who.post(path, { _csrf: await who.csrf(), ...fields })
const statusOf = async (id: string) =>
  (
    await t.deps.db
      .selectFrom('announcements')
      .select(['status', 'superseded', 'publish_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).status

/** A console draft through submit, review, approval (three people) and, unless told, publication now. */
async function walk(path: string, publish = true) {
  expect((await post(sampler, `${path}/submit`)).status).toBe(303)
  const r = await post(reviewer, `${path}/review`, { decision: 'pass', comment: '核对无误' })
  expect(r.status, alertOf(r.text)).toBe(303)
  const a = await post(approver, `${path}/approve`, { decision: 'pass', comment: '同意' })
  expect(a.status, alertOf(a.text)).toBe(303)
  if (publish) expect((await post(approver, `${path}/publish`, { confirm: '1' })).status).toBe(303)
}

beforeAll(async () => {
  t = await startTestApp()
  const s = await staff(t)
  await importFixtures(t, s.sampler)
  toRetract = await approved(t, s, { number: '2026第1期', sampleNos: FAILING.slice(0, 2) })
  toCorrect = await approved(t, s, { number: '2026第2期', sampleNos: [FAILING[2]!] })
  for (const id of [toRetract, toCorrect])
    expect(
      (await t.call('POST', `/api/v1/announcements/${id}/publish`, { token: s.approver, body: {} })).status,
    ).toBe(200)
  await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
  await makeUser(t, 'sun', PASSWORD, { role: 'reviewer' as 'commander', name: '孙审核' })
  await makeUser(t, 'zhao', PASSWORD, { role: 'approver' as 'commander', name: '赵核准' })
  await makeUser(t, 'qian', PASSWORD, { role: 'approver' as 'commander', name: '钱核准' })
  await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
  sampler = await signedIn('li')
  reviewer = await signedIn('sun')
  approver = await signedIn('zhao')
  otherApprover = await signedIn('qian')
  chief = await signedIn('wang')
})
afterAll(() => t.close())

describe('retracting a published announcement in the console', () => {
  it('offers correct and retract only to the sampling office, and only on a standing one', async () => {
    const path = `/console/announcements/${toRetract}`
    const mine = await sampler.get(path)
    expect(mine.text).toContain(`action="${path}/retract"`)
    expect(mine.text).toContain(`action="${path}/correct"`)
    for (const who of [reviewer, approver]) {
      const page = await who.get(path)
      expect(page.status).toBe(200)
      expect(page.text).not.toContain(`action="${path}/retract"`)
      expect(page.text).not.toContain(`action="${path}/correct"`)
    }
    expect((await chief.get(path)).status).toBe(403)
    const refused = await post(reviewer, `${path}/retract`, { number: 'x', title: 'x', reason: 'x' })
    expect(refused.status).toBe(403)
    expect((await post(chief, `${path}/correct`, { number: 'x', title: 'x' })).status).toBe(403)
    const forged = await sampler.post(`${path}/retract`, { number: 'x', title: 'x', reason: 'x' })
    expect(forged.status).toBe(403)
    expect(
      await t.deps.db.selectFrom('announcements').select('id').where('refers_to', '=', toRetract).execute(),
    ).toEqual([])
  })

  it('a retraction without a reason names every problem and keeps what was typed', async () => {
    const path = `/console/announcements/${toRetract}`
    const r = await post(sampler, `${path}/retract`, { number: '2026第1期（撤回）', title: '', reason: '' })
    expect(r.status).toBe(422)
    expect(alertOf(r.text)).toMatch(/title/)
    expect(alertOf(r.text)).toMatch(/reason/)
    expect(r.text).toContain('value="2026第1期（撤回）"')
    expect(r.text).toMatch(/<details class="panel" open/)
  })

  it('opens the retraction, which goes through review and approval; the original then shows as retracted', async () => {
    const path = `/console/announcements/${toRetract}`
    const r = await post(sampler, `${path}/retract`, {
      number: '2026第1期（撤回）',
      title: '关于撤回2026第1期的公告',
      reason: '检验机构复检结论变更',
    })
    expect(r.status, alertOf(r.text)).toBe(303)
    const draft = r.location!
    expect(draft).not.toBe(path)
    const page = await sampler.get(draft)
    expect(page.text).toContain('检验机构复检结论变更')
    expect(page.text).toContain(`href="${path}"`)
    // While it is pending, the original says so and offers neither form; a second one is refused with the reason.
    const original = await sampler.get(path)
    expect(original.text).toContain('已有待发布的更正或撤回')
    expect(original.text).not.toContain(`action="${path}/retract"`)
    const again = await post(sampler, `${path}/retract`, { number: '另一份', title: '撤回', reason: '重复' })
    expect(again.status).toBe(409)
    expect(again.text).toContain('公告已有待发布的更正或撤回：2026第1期（撤回）')
    await walk(draft)
    expect(await statusOf(draft.split('/').at(-1)!)).toBe('published')
    const after = await sampler.get(path)
    expect(after.text).toContain('data-status="retracted"')
    expect(after.text).toContain('已撤回')
    expect(after.text).not.toContain(`action="${path}/correct"`)
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'actor_name'])
      .where('type', 'in', ['announcement.drafted', 'announcement.published'])
      .where('subject', '=', '2026第1期（撤回）')
      .orderBy('id')
      .execute()
    expect(events).toEqual([
      { type: 'announcement.drafted', actor_name: '李抽检' },
      { type: 'announcement.published', actor_name: '赵核准' },
    ])
  })
})

describe('correcting a published announcement in the console', () => {
  it('drafts the correction (the samples changed), refuses a second one, and shows the original corrected; a held sample is refused with the reason', async () => {
    const path = `/console/announcements/${toCorrect}`
    const page = await sampler.get(path)
    expect(page.text).toContain(FAILING[2]) // the original's samples prefilled
    const taken = await post(sampler, `${path}/correct`, {
      number: '2026第2期（更正）',
      title: '更正',
      period: '2026Q4',
      sampleNos: `${FAILING[2]}\n${FAILING[0]}`,
    })
    // FAILING[0] was freed by the retraction above; PASSED[0] is held by a draft made here.
    expect(taken.status, alertOf(taken.text)).toBe(303)
    const draft = taken.location!
    const held = await post(sampler, '/console/announcements', {
      number: '2026第5期',
      title: '第五期',
      period: '2026Q4',
      sampleNos: PASSED[0]!,
    })
    expect(held.status).toBe(303)
    // A second correction is refused while one is pending; on the draft itself samples are edited via a new one.
    const pending = await post(sampler, `${path}/correct`, { number: 'y', title: 'y', sampleNos: PASSED[0]! })
    expect(pending.status).toBe(409)
    await walk(draft)
    const after = await sampler.get(path)
    expect(after.text).toContain('data-status="corrected"')
    expect(after.text).toContain(`href="${draft}"`)
    const corrected = await sampler.get(draft)
    expect(corrected.text).toContain(`${FAILING[2]}、${FAILING[0]}`)
    const refused = await post(sampler, `${draft}/correct`, {
      number: '2026第2期（再更正）',
      title: '再更正',
      sampleNos: PASSED[0]!,
    })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain(`样品 ${PASSED[0]} 已在公告「2026第5期」中`)
    expect(refused.text).toContain('value="2026第2期（再更正）"')
  })
})

describe('publishing at a time in the console', () => {
  let path: string
  beforeAll(async () => {
    const d = await post(sampler, '/console/announcements', {
      number: '2026第6期',
      title: '第六期',
      period: '2026Q4',
      sampleNos: PASSED[1]!,
    })
    path = d.location!
    await walk(path, false)
  })

  it('shows the time form only to the approver who approved, in Beijing time', async () => {
    const mine = await approver.get(path)
    expect(mine.text).toContain(`action="${path}/schedule"`)
    expect(mine.text).toContain('北京时间 UTC+8')
    for (const who of [otherApprover, reviewer, sampler])
      expect((await who.get(path)).text).not.toContain(`action="${path}/schedule"`)
  })

  it('refuses an empty, a malformed and a past time with the reason, keeping what was typed', async () => {
    const empty = await post(approver, `${path}/schedule`, { at: '' })
    expect(empty.status).toBe(422)
    expect(alertOf(empty.text)).toContain('请填写发布时间')
    for (const typed of ['明天上午', '2026-02-30T10:00', '2026-11-30T25:00']) {
      const bad = await post(approver, `${path}/schedule`, { at: typed })
      expect(bad.status, typed).toBe(422)
      expect(alertOf(bad.text)).toContain('不是有效的时间')
      expect(bad.text).toContain(`value="${typed}"`)
    }
    // The test clock stands at 2026-11-30 09:00 Beijing time.
    const past = await post(approver, `${path}/schedule`, { at: '2026-11-30T08:59:59' })
    expect(past.status).toBe(422)
    expect(alertOf(past.text)).toContain('发布时间须晚于现在（2026-11-30 09:00:00，北京时间）')
    expect((await post(approver, `${path}/schedule?lang=en`, { at: '2026-11-30 08:00' })).text).toContain(
      'The time must be later than now',
    )
    await approver.get(`${path}?lang=zh`)
    const row = await t.deps.db
      .selectFrom('announcements')
      .select(['status', 'publish_at'])
      .where('id', '=', path.split('/').at(-1)!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'approved', publish_at: null })
  })

  it('refuses who may not publish: another approver (with the reason), a reviewer, a sampler (who cannot approve either), a forged form', async () => {
    const other = await post(otherApprover, `${path}/schedule`, { at: '2026-11-30T10:00' })
    expect(other.status).toBe(403)
    expect(other.text).toContain('只有核准人可以发布公告')
    expect((await post(reviewer, `${path}/schedule`, { at: '2026-11-30T10:00' })).status).toBe(403)
    expect((await post(reviewer, `${path}/publish`)).status).toBe(403)
    expect((await post(sampler, `${path}/approve`, { decision: 'pass', comment: '' })).status).toBe(403)
    expect((await post(sampler, `${path}/schedule`, { at: '2026-11-30T10:00' })).status).toBe(403)
    expect((await approver.post(`${path}/schedule`, { at: '2026-11-30T10:00' })).status).toBe(403)
    expect(
      (await approver.post(`${path}/schedule`, { _csrf: 'forged', at: '2026-11-30T10:00' })).status,
    ).toBe(403)
  })

  it('schedules, reschedules, and the publication job publishes it when the time comes', async () => {
    const id = path.split('/').at(-1)!
    const ok = await post(approver, `${path}/schedule`, { at: '2026-11-30T09:10' })
    expect(ok.status, alertOf(ok.text)).toBe(303)
    const page = await approver.get(path)
    expect(page.text).toContain('定时发布于 2026-11-30 09:10:00（北京时间 UTC+8）')
    expect(page.text).toContain('改定发布时间')
    expect(page.text).toContain('value="2026-11-30T09:10:00"')
    expect((await sampler.get('/console/announcements')).text).toContain('已审批，定时发布')
    const moved = await post(approver, `${path}/schedule`, { at: '2026-11-30 09:20:30' })
    expect(moved.status).toBe(303)
    const row = await t.deps.db
      .selectFrom('announcements')
      .select(['status', 'publish_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'approved', publish_at: new Date('2026-11-30T01:20:30Z') })
    const scheduled = await t.deps.db
      .selectFrom('events')
      .select('actor_name')
      .where('type', '=', 'announcement.scheduled')
      .where('subject', '=', '2026第6期')
      .execute()
    expect(scheduled).toEqual([{ actor_name: '赵核准' }, { actor_name: '赵核准' }])
    t.clock.advance(20 * 60_000)
    expect(await publishDueAnnouncements(t.deps)).toBe(0)
    t.clock.advance(60_000)
    expect(await publishDueAnnouncements(t.deps)).toBe(1)
    const published = await approver.get(path)
    expect(published.text).toContain('data-status="published"')
    expect(published.text).not.toContain(`action="${path}/schedule"`)
    expect((await post(approver, `${path}/schedule`, { at: '2026-12-01T10:00' })).status).toBe(409)
  })
})
