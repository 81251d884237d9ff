import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')
let t: TestApp
let sampler: FormClient

beforeAll(async () => {
  t = await startTestApp()
  await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
  await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104' })
  sampler = new FormClient(() => t.baseUrl)
  expect((await sampler.signIn('li', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

async function upload(name: string, csrf?: string) {
  const form = new FormData()
  form.set('_csrf', csrf ?? (await sampler.csrf('/console/samples/import')))
  form.set('file', new Blob([await readFile(resolve(FIXTURES, name))], { type: 'text/csv' }), name)
  const res = await fetch(`${t.baseUrl}/console/samples/import`, {
    method: 'POST',
    body: form,
    headers: { cookie: [...sampler.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  })
  return { status: res.status, text: await res.text() }
}

describe('the sampling office pages', () => {
  it('a bad file lists every bad line and adds nothing', async () => {
    const r = await upload('malformed.csv')
    expect(r.status).toBe(422)
    expect(r.text.match(/<li>/g)?.length).toBeGreaterThan(1)
    const n = await t.deps.db.selectFrom('samples').select('id').execute()
    expect(n).toHaveLength(0)
  })

  it('imports a good file, attributed to the person, then lists and filters the samples', async () => {
    const r = await upload('2026q4-failing.csv')
    expect(r.status).toBe(200)
    expect(r.text).toMatch(/已导入 \d+ 份样品/)
    // The page says what comes next (issue 15).
    expect(r.text).toContain('下一步：起草抽检公告')
    expect(r.text).toMatch(/name="importId" value="[0-9a-f-]{36}"/)
    expect(r.text).toContain('href="/console/samples?verdict=fail"')
    const by = await t.deps.db
      .selectFrom('events')
      .select('actor_name')
      .where('actor_name', '=', '李抽检')
      .execute()
    expect(by.length).toBeGreaterThan(0)
    const all = await sampler.get('/console/samples')
    expect(all.status).toBe(200)
    const rows = all.text.match(/<tr>/g)?.length ?? 0
    expect(rows).toBeGreaterThan(1)
    // The district is chosen by name; the filters fold away until one is set (issue 15).
    expect(all.text).toContain('<option value="510104">锦江区</option>')
    expect(all.text).toContain('<details class="filters-fold">')
    const jinjiang = await sampler.get('/console/samples?district=510104')
    expect(jinjiang.text).toContain('<option value="510104" selected="">锦江区</option>')
    expect(jinjiang.text).toContain('<details class="filters-fold" open="">')
    const failing = await sampler.get('/console/samples?verdict=fail')
    expect(failing.text).not.toContain('class="st-completed"')
    expect(failing.text).toContain('class="st-overdue"')
    const bad = await sampler.get('/console/samples?district=abc')
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('district')
  })

  it('a form without the session token is refused; other roles are refused the pages', async () => {
    expect((await upload('2026q4-passed.csv', 'forged')).status).toBe(403)
    const officer = new FormClient(() => t.baseUrl)
    await officer.signIn('zhou', PASSWORD)
    expect((await officer.get('/console/samples')).status).toBe(403)
    expect((await officer.get('/console/samples/import')).status).toBe(403)
  })
})
