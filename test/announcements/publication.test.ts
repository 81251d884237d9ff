import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishDueAnnouncements } from '../../src/announcements/announcement-publish.job.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'
import { API, approved, extraSample, FAILING, importFixtures, PASSED, type Staff, staff } from './helpers.js'

let t: TestApp
let s: Staff

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  await importFixtures(t, s.sampler)
})
afterAll(() => t.close())

const post = (path: string, token: string, body?: unknown) => t.call('POST', `${API}${path}`, { token, body })

async function disposalOf(incidentId: string) {
  const tasks = await t.deps.db
    .selectFrom('tasks')
    .select(['id', 'district_code', 'step_key', 'status'])
    .where('incident_id', '=', incidentId)
    .execute()
  const links = await t.deps.db
    .selectFrom('disposal_task_samples as d')
    .innerJoin('samples as s', 's.id', 'd.sample_id')
    .select(['d.task_id', 's.no'])
    .where(
      'd.task_id',
      'in',
      tasks.length ? tasks.map((x) => x.id) : ['00000000-0000-4000-8000-000000000000'],
    )
    .execute()
  return { tasks, links }
}

describe('publication side-effects', () => {
  let id: string
  let incidentId: string

  it('publishing opens one level-IV disposal incident with tasks only where failing samples were taken', async () => {
    id = await approved(t, s, { number: '成市监抽检〔2026〕第12号', sampleNos: [...FAILING, ...PASSED] })
    const r = await post(`/announcements/${id}/publish`, s.approver, {})
    expect(r.status).toBe(200)
    incidentId = r.body.incidentId
    const incident = await t.deps.db
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', incidentId)
      .executeTakeFirstOrThrow()
    expect(incident).toMatchObject({
      playbook_id: 'unqualified-product-disposal',
      level: 4,
      status: 'active',
    })
    expect(incident.districts).toEqual(['510104', '510107', '510108', '510185'])
    expect(incident.note).toContain(id)
    expect(incident.products.map((p) => p.name)).toEqual([
      '香辣辣椒酱',
      '牛油火锅底料',
      '腊肉（散装）',
      '郫县豆瓣',
    ])
    expect(incident.products[0]).toMatchObject({
      brand: '蜀味坊',
      batch: '2026-09-12',
      maker: '成都蜀味调味品有限公司',
    })

    const { tasks, links } = await disposalOf(incidentId)
    const playbook = t.deps.playbooks.get('unqualified-product-disposal')!.playbook
    const steps = playbook.steps.filter((x) => x.level >= 4).length
    expect(tasks).toHaveLength(steps * 4)
    expect(new Set(tasks.map((x) => x.district_code))).toEqual(
      new Set(['510104', '510107', '510108', '510185']),
    )
    // Each task lists its own district's failing samples, and only those.
    for (const task of tasks) {
      const nos = links.filter((l) => l.task_id === task.id).map((l) => l.no)
      expect(nos).toEqual([FAILING.find((no) => no.slice(4, 10) === task.district_code)])
    }
    const samples = await t.deps.db
      .selectFrom('samples')
      .select(['no', 'public'])
      .where('public', '=', true)
      .execute()
    expect(samples).toHaveLength(8)

    const event = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'announcement.published')
      .executeTakeFirstOrThrow()
    expect(event.payload).toMatchObject({
      announcementId: id,
      number: '成市监抽检〔2026〕第12号',
      kind: 'original',
      refersTo: null,
      incidentId,
    })
    expect((event.payload.sampleIds as string[]).length).toBe(8)
    expect((event.payload.failingSampleIds as string[]).length).toBe(4)
    expect(
      await t.deps.db
        .selectFrom('events')
        .select('id')
        .where('type', '=', 'task.created')
        .where('incident_id', '=', incidentId)
        .execute(),
    ).toHaveLength(tasks.length)
  })

  it('the public sees it: list, detail, CSV in the published order with a BOM, formula-safe', async () => {
    const list = await t.call('GET', `${API}/public/announcements`)
    expect(list.status).toBe(200)
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0]).toMatchObject({ id, shownAs: 'published', sampleCount: 8, failingCount: 4 })
    const detail = await t.call('GET', `${API}/public/announcements/${id}`)
    expect(detail.body.samples).toHaveLength(8)
    expect(detail.body.samples[2].items).toHaveLength(3)
    expect(JSON.stringify(detail.body)).not.toContain('GC2651') // no sample numbers in public

    const csv = await t.call('GET', `${API}/public/announcements/${id}.csv`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const bytes = new Uint8Array(
      await (await fetch(`${t.baseUrl}${API}/public/announcements/${id}.csv`)).arrayBuffer(),
    )
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split(/\r?\n/)
    expect(lines[0]).toBe(
      '序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注',
    )
    expect(lines.slice(1, 4)).toEqual([
      '1,成都蜀味调味品有限公司,四川省成都市郫都区安德镇川菜产业园,成都红旗连锁股份有限公司春熙路店,成都市锦江区春熙路南段8号,香辣辣椒酱,260g/瓶,蜀味坊,2026-09-12,苏丹红Ⅰ号║1.8mg/kg║不得检出,调味品,四川省食品检验研究院,',
      '1,,,,,,,,,过氧化值(以脂肪计)║0.42g/100g║≤0.25g/100g,,,',
      '2,重庆巴渝火锅食品有限公司,重庆市九龙坡区西彭镇工业园,武侯区浆洗街菜市场 李记干杂店,成都市武侯区浆洗街12号,牛油火锅底料,500g/袋,巴渝红,(购进日期)2026/10/3,过氧化值(以脂肪计)║0.61g/100g║≤0.25g/100g,方便食品,成都市食品药品检验研究院,被抽样单位称购自荷花池市场',
    ])
    expect(lines).toHaveLength(1 + 8 + 3) // header, 8 samples, 3 continuation rows
    expect(csv.text).not.toContain('GC2651')
  })

  it('the CSV neutralises cells a spreadsheet would run', async () => {
    await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: {
        no: 'F-1',
        unit: { name: '=HYPERLINK("http://x")', address: '成都市青羊区1号' },
        foodName: '+1',
        category: '@x',
        remarks: '-2',
        items: [],
      },
    })
    const a = await approved(t, s, { number: 'F-ann', sampleNos: ['F-1'] })
    await post(`/announcements/${a}/publish`, s.approver, {})
    const csv = await t.call('GET', `${API}/public/announcements/${a}.csv`)
    const row = csv.text.trimEnd().split(/\r?\n/)[1]
    expect(row).toBe(`1,,,"'=HYPERLINK(""http://x"")",成都市青羊区1号,'+1,,,,,'@x,,'-2`)
  })

  it('stats count published samples only, exact, overall and by period, category and district; drills excluded', async () => {
    await extraSample(t, s.sampler, 'DRILL-1')
    const drill = await approved(t, s, { number: '演练-1', sampleNos: ['DRILL-1'], exercise: true })
    await post(`/announcements/${drill}/publish`, s.approver, {})
    await extraSample(t, s.sampler, 'UNPUB-1') // recorded, never published
    const r = await t.call('GET', `${API}/public/stats`)
    expect(r.status).toBe(200)
    expect(r.body.overall).toEqual({ samples: 9, failed: 4, passRate: 55.56 })
    expect(r.body.byPeriod).toEqual([{ period: '2026Q4', samples: 9, failed: 4, passRate: 55.56 }])
    expect(r.body.byCategory).toEqual([
      { category: '@x', samples: 1, failed: 0, passRate: 100 },
      { category: '方便食品', samples: 2, failed: 1, passRate: 50 },
      { category: '肉制品', samples: 2, failed: 1, passRate: 50 },
      { category: '调味品', samples: 4, failed: 2, passRate: 50 },
    ])
    expect(r.body.byDistrict.find((d: { code: string }) => d.code === '510104')).toEqual({
      code: '510104',
      name: '锦江区',
      samples: 2,
      failed: 1,
      passRate: 50,
    })
  })

  it('a retraction goes through review and approval, then cancels the open disposal tasks and shows the original as retracted', async () => {
    const { tasks } = await disposalOf(incidentId)
    const done = tasks.find((x) => x.district_code === '510104')!
    const district = await t.token('district', { district: '510104' })
    expect((await post(`/tasks/${done.id}/ack`, district)).status).toBe(200)

    const r = await post(`/announcements/${id}/retract`, s.sampler, {
      number: '成市监抽检〔2026〕第12号（撤回）',
      title: '关于撤回第12号公告的公告',
      reason: '检验机构复核发现样品编号错位',
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      kind: 'retraction',
      refersTo: id,
      status: 'draft',
      sampleNos: [...FAILING, ...PASSED],
    })
    const rid = r.body.id
    expect(
      (await post(`/announcements/${id}/retract`, s.sampler, { number: 'again', title: 't', reason: 'r' }))
        .status,
    ).toBe(409)
    // Nothing changes until it is published.
    expect((await disposalOf(incidentId)).tasks.every((x) => x.status !== 'cancelled')).toBe(true)
    await post(`/announcements/${rid}/submit`, s.sampler)
    await post(`/announcements/${rid}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    await post(`/announcements/${rid}/approve`, s.approver, { decision: 'pass', comment: 'ok' })
    expect((await post(`/announcements/${rid}/publish`, s.approver, {})).status).toBe(200)

    const after = await disposalOf(incidentId)
    expect(after.tasks.every((x) => x.status === 'cancelled')).toBe(true)
    const original = await t.call('GET', `${API}/public/announcements/${id}`)
    expect(original.body).toMatchObject({ shownAs: 'retracted', supersededBy: rid })
    const stats = await t.call('GET', `${API}/public/stats`)
    expect(stats.body.overall).toEqual({ samples: 1, failed: 0, passRate: 100 }) // only F-1 still stands
    const ev = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'announcement.published')
      .where('subject', '=', '成市监抽检〔2026〕第12号（撤回）')
      .executeTakeFirstOrThrow()
    expect((ev.payload.cancelledTaskIds as string[]).length).toBe(after.tasks.length)
    expect((await post(`/announcements/${id}/correct`, s.sampler, { number: 'c', title: 't' })).status).toBe(
      409,
    )
  })

  it('a correction keeps the tasks its failures still justify, cancels the rest and disposes of new failures', async () => {
    await extraSample(t, s.sampler, 'K-1', '成都市金牛区一环路北一段1号')
    await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: {
        no: 'K-2',
        unit: { name: '温江某店', address: '成都市温江区柳城大道1号' },
        foodName: '火锅底料',
        category: '方便食品',
        items: [{ name: '过氧化值', result: '0.5g/100g', limit: '≤0.25g/100g', verdict: 'fail' }],
      },
    })
    await t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: {
        no: 'K-3',
        unit: { name: '龙泉某店', address: '成都市龙泉驿区1号' },
        foodName: '腊肉',
        category: '肉制品',
        items: [{ name: '菌落总数', result: '3×10⁶CFU/g', limit: '≤10⁵CFU/g', verdict: 'fail' }],
      },
    })
    const first = await approved(t, s, { number: 'K-ann', sampleNos: ['K-1', 'K-2'] })
    const pub = await post(`/announcements/${first}/publish`, s.approver, {})
    const firstTasks = (await disposalOf(pub.body.incidentId)).tasks
    expect(new Set(firstTasks.map((x) => x.district_code))).toEqual(new Set(['510115']))

    // The correction: K-2 was wrongly listed; K-3 belongs in it.
    const c = await post(`/announcements/${first}/correct`, s.sampler, {
      number: 'K-ann-更正',
      title: '更正',
      sampleNos: ['K-1', 'K-3'],
    })
    expect(c.status).toBe(201)
    await post(`/announcements/${c.body.id}/submit`, s.sampler)
    await post(`/announcements/${c.body.id}/review`, s.reviewer, { decision: 'pass', comment: 'ok' })
    await post(`/announcements/${c.body.id}/approve`, s.approver, { decision: 'pass', comment: 'ok' })
    const cp = await post(`/announcements/${c.body.id}/publish`, s.approver, {})
    expect((await disposalOf(pub.body.incidentId)).tasks.every((x) => x.status === 'cancelled')).toBe(true)
    const newTasks = (await disposalOf(cp.body.incidentId)).tasks
    expect(new Set(newTasks.map((x) => x.district_code))).toEqual(new Set(['510112']))
    expect((await t.call('GET', `${API}/public/announcements/${first}`)).body.shownAs).toBe('corrected')
  })
})

describe('scheduled publication', () => {
  it('waits for its time, then the job publishes it once — even with two instances at it', async () => {
    await extraSample(t, s.sampler, 'SCH-1')
    const a = await approved(t, s, { number: 'SCH-ann', sampleNos: ['SCH-1'] })
    const at = new Date(t.clock.now().getTime() + 5_000).toISOString()
    const r = await post(`/announcements/${a}/publish`, s.approver, { at })
    expect(r.body).toMatchObject({ status: 'approved', shownAs: 'scheduled', publishAt: at })
    expect((await t.call('GET', `${API}/public/announcements/${a}`)).status).toBe(404)
    expect(await publishDueAnnouncements(t.deps)).toBe(0)
    t.clock.advance(5_000)
    const runs =
      testEngine() === 'postgres'
        ? await Promise.all([publishDueAnnouncements(t.deps), publishDueAnnouncements(t.deps)])
        : [await publishDueAnnouncements(t.deps)]
    expect(runs.reduce((x, y) => x + y, 0)).toBe(1)
    const pub = await t.call('GET', `${API}/public/announcements/${a}`)
    expect(pub.status).toBe(200)
    expect(pub.body.publishedAt).toBe(at)
    const ev = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'announcement.published')
      .where('subject', '=', 'SCH-ann')
      .execute()
    expect(ev).toHaveLength(1)
    // The job publishes as itself; the approver who scheduled it stays on record.
    expect(ev[0]).toMatchObject({ actor_name: 'publish-announcements', actor_role: 'system', actor_id: null })
    const row = await t.deps.db
      .selectFrom('announcements')
      .select(['published_by', 'approved_by'])
      .where('id', '=', a)
      .executeTakeFirstOrThrow()
    expect(row.published_by).toBe(row.approved_by)
    expect(row.published_by).not.toBeNull()
    expect(await publishDueAnnouncements(t.deps)).toBe(0)
  })

  it('public reads refuse what is not published', async () => {
    await extraSample(t, s.sampler, 'D-1')
    const d = await post('/announcements', s.sampler, {
      number: 'D-ann',
      title: 't',
      period: 'p',
      sampleNos: ['D-1'],
    })
    expect((await t.call('GET', `${API}/public/announcements/${d.body.id}`)).status).toBe(404)
    expect((await t.call('GET', `${API}/public/announcements/${d.body.id}.csv`)).status).toBe(404)
    expect((await t.call('GET', `${API}/public/announcements/nope.csv`)).status).toBe(404)
    const unknown = await t.call('GET', `${API}/public/announcements/${d.body.id}.csv?x=1&lang=en`)
    expect(unknown.status).toBe(422)
    expect(unknown.body.issues).toEqual([
      { path: 'query.x', message: 'unknown field', code: 'unrecognized_key' },
    ])
    expect((await t.call('GET', `${API}/public/announcements?limit=0`)).status).toBe(422)
  })
})
