import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { TestApp } from '../helpers/test-app.js'

export const API = '/api/v1'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')

export interface Staff {
  sampler: string
  reviewer: string
  approver: string
  admin: string
}

export async function staff(t: TestApp): Promise<Staff> {
  return {
    sampler: await t.token('sampler', { name: '质监处 起草人' }),
    reviewer: await t.token('reviewer', { name: '质监处 审核人' }),
    approver: await t.token('approver', { name: '分管局长 核准人' }),
    admin: await t.token('admin'),
  }
}

/** Imports the example files: 4 failing samples (锦江, 武侯, 成华, 简阳) and 4 passed ones. */
export async function importFixtures(t: TestApp, token: string) {
  for (const name of ['2026q4-failing.csv', '2026q4-passed.csv']) {
    const text = await readFile(resolve(FIXTURES, name), 'utf8')
    const r = await t.call('POST', `${API}/samples/import`, {
      token,
      raw: text,
      headers: { 'content-type': 'text/csv' },
    })
    if (r.status !== 201) throw new Error(`import ${name}: ${r.status} ${r.text}`)
  }
}

export const FAILING = ['GC26510104101', 'GC26510107102', 'GC26510108103', 'GC26510185104']
export const PASSED = ['GC26510104201', 'GC26510105202', 'GC26510121203', 'GC26510116204']

/** Drafts, submits, reviews and approves; returns the id, ready to publish. */
export async function approved(
  t: TestApp,
  s: Staff,
  body: { number: string; sampleNos: string[]; period?: string; exercise?: boolean },
): Promise<string> {
  const step = async (method: string, path: string, token: string, b?: unknown, status = 200) => {
    const r = await t.call(method, `${API}${path}`, { token, body: b })
    if (r.status !== status) throw new Error(`${path}: ${r.status} ${r.text}`)
    return r
  }
  const d = await step(
    'POST',
    '/announcements',
    s.sampler,
    { title: '食品安全监督抽检信息', period: '2026Q4', ...body },
    201,
  )
  const id = d.body.id as string
  await step('POST', `/announcements/${id}/submit`, s.sampler)
  await step('POST', `/announcements/${id}/review`, s.reviewer, { decision: 'pass', comment: '数据核对无误' })
  await step('POST', `/announcements/${id}/approve`, s.approver, { decision: 'pass', comment: '同意发布' })
  return id
}

/** One more passed sample in 青羊区, for side announcements. */
export async function extraSample(
  t: TestApp,
  token: string,
  no: string,
  address = '成都市青羊区光华大道一段1号',
) {
  const r = await t.call('POST', `${API}/samples`, {
    token,
    body: { no, unit: { name: '某超市', address }, foodName: '豆瓣酱', category: '调味品', items: [] },
  })
  if (r.status !== 201) throw new Error(`sample ${no}: ${r.status} ${r.text}`)
  return r.body.id as string
}
