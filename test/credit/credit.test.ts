import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classify } from '../../src/credit/credit-classify.js'
import { loadCreditRules } from '../../src/credit/credit-rules.loader.js'
import { RulesValidationError } from '../../src/rules/yaml-file.js'
import { API, approved, type Staff, staff } from '../announcements/helpers.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const PLAYBOOKS = resolve(import.meta.dirname, '../../playbooks')
let t: TestApp
let s: Staff
let commander: string

beforeAll(async () => {
  t = await startTestApp()
  s = await staff(t)
  commander = await t.token('commander')
})
afterAll(() => t.close())

async function rulesDirWith(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'credit-rules-'))
  await mkdir(join(dir, 'rules'))
  await writeFile(join(dir, 'rules', 'credit.yaml'), text)
  return dir
}

describe('the credit rules file', () => {
  it('the shipped file loads; an unknown input and overlapping thresholds are refused with their paths', async () => {
    const shipped = await loadCreditRules(PLAYBOOKS)
    expect(shipped.rules.classes.D.min).toBeGreaterThan(shipped.rules.classes.C.min)
    const text = await readFile(join(PLAYBOOKS, 'rules', 'credit.yaml'), 'utf8')
    const bad = text
      .replace(
        'passed_resamples: { points: -10 }',
        'passed_resamples: { points: -10 }\n  lucky_numbers: { points: 7 }',
      )
      .replace('C: { min: 30,', 'C: { min: 5,')
    const error = await loadCreditRules(await rulesDirWith(bad)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RulesValidationError)
    const issues = (error as RulesValidationError).issues.map((i) => [
      i.path,
      i.message,
      i.line !== undefined,
    ])
    expect(issues).toContainEqual(['inputs.lucky_numbers', 'unknown key', true])
    expect(issues).toContainEqual(['classes.C.min', expect.stringContaining('overlaps class B'), true])
  })

  it('weighs an illegal additive above a limit exceeded and a labelling fault, and explains each line', async () => {
    const { rules } = await loadCreditRules(PLAYBOOKS)
    const fact = (items: string[], on = '2026-10-01') =>
      ({
        sampleNo: 'x',
        foodName: '辣椒酱',
        on,
        verdict: 'fail',
        role: 'seller',
        failedItems: items,
      }) as const
    const dye = classify(rules, [fact(['苏丹红Ⅰ号', '过氧化值'])])
    const label = classify(rules, [fact(['标签'])])
    const limit = classify(rules, [fact(['过氧化值(以脂肪计)'])])
    expect(dye.score).toBeGreaterThan(limit.score)
    expect(limit.score).toBeGreaterThan(label.score)
    expect(dye.lines[0]?.zh).toContain('非法添加')
    expect(dye.lines.at(-1)?.zh).toMatch(/^合计 \d+ 分：[ABCD] 类/)
    const clean = classify(rules, [])
    expect(clean).toMatchObject({ class: 'A', score: 0 })
    expect(clean.lines[0]?.en).toContain('No published failing sample')
  })
})

describe('a business’s class follows its published record', () => {
  const record = (no: string, verdict: 'pass' | 'fail', item: string, sampledOn: string) =>
    t.call('POST', `${API}/samples`, {
      token: s.sampler,
      body: {
        no,
        unit: { name: '信用测试超市', address: '成都市锦江区信用路1号' },
        foodName: '香辣辣椒酱',
        category: '调味品',
        sampledOn,
        items: [
          { name: item, result: verdict === 'fail' ? '1.2mg/kg' : '未检出', limit: '不得检出', verdict },
        ],
      },
    })
  const publish = async (number: string, sampleNos: string[], exercise = false) => {
    const id = await approved(t, s, { number, sampleNos, exercise })
    const r = await t.call('POST', `${API}/announcements/${id}/publish`, { token: s.approver, body: {} })
    expect(r.status, r.text).toBe(200)
    return id
  }
  const business = async () => {
    const list = await t.call('GET', `${API}/businesses?q=信用测试超市`, { token: commander })
    const id = list.body.items[0].id
    return (await t.call('GET', `${API}/businesses/${id}`, { token: commander })).body
  }

  it('an exercise never moves it; a published Sudan Red failure does, and says why; a passed re-sample earns back', async () => {
    expect((await record('CR-1', 'fail', '苏丹红Ⅰ号', '2026-10-01')).status).toBe(201)
    expect((await business()).creditClass).toBeNull()
    await publish('信用演练〔2026〕第1号', ['CR-1'], true)
    const drill = await business()
    expect(drill.creditClass).toBe('A')
    expect(drill.creditExplanation[0].zh).toContain('无已公布的不合格抽检记录')

    expect((await record('CR-2', 'fail', '苏丹红Ⅰ号', '2026-10-05')).status).toBe(201)
    await publish('成市监抽检〔2026〕第91号', ['CR-2'])
    const failed = await business()
    expect(failed.creditClass).toBe('C')
    expect(failed.creditScore).toBe(40)
    expect(failed.creditExplanation.map((l: { zh: string }) => l.zh).join('\n')).toContain(
      '苏丹红Ⅰ号，非法添加）+40 分',
    )
    expect(failed.creditHistory[0]).toMatchObject({ class: 'C', from: 'A' })

    expect((await record('CR-3', 'pass', '苏丹红Ⅰ号', '2026-11-10')).status).toBe(201)
    await publish('成市监抽检〔2026〕第92号', ['CR-3'])
    const resampled = await business()
    expect(resampled.creditScore).toBe(30)
    expect(resampled.creditExplanation.map((l: { en: string }) => l.en).join('\n')).toContain('re-sampled')
    expect(resampled.creditRules).toMatch(/^[0-9a-f]{64}$/)
  })

  it('the public page and JSON disclose the class, why, and the published failures (never a drill)', async () => {
    const { id } = await business()
    const pub = await t.call('GET', `${API}/public/businesses/${id}`)
    expect(pub.status).toBe(200)
    expect(pub.body.creditClass).toBe('C')
    expect(pub.body.failing.map((f: { sampleNo: string }) => f.sampleNo)).toEqual(['CR-2'])
    expect(pub.body).not.toHaveProperty('samples')
    const page = await t.call('GET', `/businesses/${id}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.text).toContain('C 类 · 较高风险')
    expect(page.text).toContain('苏丹红Ⅰ号')
    expect(page.text).not.toContain('信用演练')
    const en = await t.call('GET', `/businesses/${id}?lang=en`)
    expect(en.text).toContain('Class C · higher risk')
    const missing = await t.call('GET', '/businesses/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toContain('text/html')
    expect((await t.call('GET', '/businesses/nope')).status).toBe(422)
  })
})
