import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FAILING, PASSED, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
const FIXTURES = resolve(import.meta.dirname, '../fixtures/samples')
let t: TestApp
let sampler: FormClient
let reviewer: FormClient
let seq = 0

const signedIn = async (login: string) => {
  const f = new FormClient(() => t.baseUrl)
  expect((await f.signIn(login, PASSWORD)).status).toBe(303)
  return f
}
const alertOf = (html: string) => /role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? ''
/** The sample numbers of an announcement, through the API. */
const nosOf = async (id: string) =>
  (await t.call('GET', `/api/v1/announcements/${id}`, { token: await t.token('admin') })).body
    .sampleNos as string[]
const idOfNo = async (no: string) =>
  (await t.deps.db.selectFrom('samples').select('id').where('no', '=', no).executeTakeFirstOrThrow()).id

async function upload(name: string) {
  const form = new FormData()
  form.set('_csrf', await sampler.csrf('/console/samples/import'))
  form.set('file', new Blob([await readFile(resolve(FIXTURES, name))], { type: 'text/csv' }), name)
  const res = await fetch(`${t.baseUrl}/console/samples/import`, {
    method: 'POST',
    body: form,
    headers: { cookie: [...sampler.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  })
  return { status: res.status, text: await res.text() }
}

async function draftForm(path: string, fields: Record<string, string | string[]>) {
  const b = new URLSearchParams({ _csrf: await sampler.csrf(), title: '抽检信息', period: '2026Q4' })
  b.set('number', `2026第${++seq}期`)
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) b.append(k, x)
  return sampler.request('POST', path, b)
}

beforeAll(async () => {
  t = await startTestApp()
  await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
  await makeUser(t, 'sun', PASSWORD, { role: 'reviewer' as 'commander', name: '孙审核' })
  sampler = await signedIn('li')
  reviewer = await signedIn('sun')
})
afterAll(() => t.close())

describe('drafting takes whole selections', () => {
  it('after an import the page offers to draft from that import; refused without a title, kept; then drafts', async () => {
    const r = await upload('2026q4-failing.csv')
    expect(r.status).toBe(200)
    expect(r.text).toContain('下一步：起草抽检公告')
    const importId = /name="importId" value="([0-9a-f-]{36})"/.exec(r.text)?.[1]
    expect(importId).toBeDefined()
    const bad = await draftForm('/console/samples/draft', { importId: importId!, scope: 'import', title: '' })
    expect(bad.status).toBe(422)
    expect(alertOf(bad.text)).toContain('title')
    expect(bad.text).toContain(`value="${importId}"`) // the next step is still offered
    const ok = await draftForm('/console/samples/draft', { importId: importId!, scope: 'import' })
    expect(ok.status, alertOf(ok.text)).toBe(303)
    expect((await nosOf(ok.location!.split('/').pop()!)).sort()).toEqual([...FAILING].sort())
    // Everything from that import is now held: drafting from it again says so.
    const again = await draftForm('/console/samples/draft', { importId: importId!, scope: 'import' })
    expect(again.status).toBe(422)
    expect(alertOf(again.text)).toContain('都已在其他公告中')
  })

  it('“all N matching the filters” is counted, and the draft is made from the filter server side', async () => {
    expect((await upload('2026q4-passed.csv')).status).toBe(200)
    // One passed sample is held by another draft: the button counts it apart and leaves it out.
    const held = await t.call('POST', '/api/v1/announcements', {
      token: (await staff(t)).sampler,
      body: { number: '另一期', title: 't', period: 'p', sampleNos: [PASSED[0]] },
    })
    expect(held.status).toBe(201)
    const page = await sampler.get('/console/samples?verdict=pass&limit=2')
    expect(page.status).toBe(200)
    expect(page.text).toContain('全部符合筛选条件的样品（3 份，另有 1 份已在其他公告中）')
    // Only two rows show, but the filter takes all three free ones.
    const ok = await draftForm('/console/samples/draft?verdict=pass&limit=2', { scope: 'matching' })
    expect(ok.status, alertOf(ok.text)).toBe(303)
    expect((await nosOf(ok.location!.split('/').pop()!)).sort()).toEqual(PASSED.slice(1).sort())
    const none = await draftForm('/console/samples/draft?verdict=pass', { scope: 'matching' })
    expect(none.status).toBe(422)
    expect(alertOf(none.text)).toContain('都已在其他公告中')
    const bad = await draftForm('/console/samples/draft?district=abc', { scope: 'matching' })
    expect(bad.status).toBe(422)
    expect(alertOf(bad.text)).toContain('district')
  })

  it('“all on this page” drafts the free samples the page shows, not the ticks', async () => {
    // Everything is held by now; a new sample is the only free one.
    const s = await staff(t)
    for (const no of ['GC26PAGE0001', 'GC26PAGE0002', 'GC26PAGE0003'])
      expect(
        (
          await t.call('POST', '/api/v1/samples', {
            token: s.sampler,
            body: {
              no,
              unit: { name: '某超市', address: '成都市青羊区光华大道一段1号' },
              foodName: '豆瓣酱',
              category: '调味品',
              items: [],
            },
          })
        ).status,
      ).toBe(201)
    const page = await sampler.get('/console/samples?no=GC26PAGE0002')
    expect(page.text).toContain('本页全部可选样品（1 份）')
    expect(page.text).toContain('name="pageNos" value="GC26PAGE0002"')
    const ok = await draftForm('/console/samples/draft?no=GC26PAGE0002', {
      scope: 'page',
      pageNos: 'GC26PAGE0002',
      sampleNos: 'GC26PAGE0003',
    })
    expect(ok.status, alertOf(ok.text)).toBe(303)
    expect(await nosOf(ok.location!.split('/').pop()!)).toEqual(['GC26PAGE0002'])
  })
})

describe('a draft is edited on its page until submitted', () => {
  it('removes a row, adds from the sample list (ticked or the whole page); refused once submitted', async () => {
    const made = await draftForm('/console/samples/draft', { sampleNos: ['GC26PAGE0001'] })
    expect(made.status, alertOf(made.text)).toBe(303)
    const at = made.location!
    const id = at.split('/').pop()!
    const page = await sampler.get(at)
    expect(page.text).toContain('id="draft-samples"')
    expect(page.text).toContain(`href="/console/samples?into=${id}"`)
    const one = await idOfNo('GC26PAGE0001')
    expect(page.text).toContain(`form="draft-samples" name="remove" value="${one}"`)
    // The list in "add to this draft" mode: ticks go to the draft.
    const list = await sampler.get(`/console/samples?into=${id}`)
    expect(list.text).toContain('id="add-form"')
    expect(list.text).not.toContain('id="draft-form"')
    const three = await idOfNo('GC26PAGE0003')
    expect(list.text).toContain(`form="add-form" name="add" value="${three}"`)
    const add = new URLSearchParams({ _csrf: await sampler.csrf(), scope: 'picked', add: three })
    const added = await sampler.request('POST', `/console/announcements/${id}/samples`, add)
    expect(added.status, alertOf(added.text)).toBe(303)
    expect(await nosOf(id)).toEqual(['GC26PAGE0001', 'GC26PAGE0003'])
    // A held sample forged into the form is refused with its holder named, on the draft's page.
    const forged = new URLSearchParams({ _csrf: await sampler.csrf(), add: await idOfNo(FAILING[0]!) })
    const refused = await sampler.request('POST', `/console/announcements/${id}/samples`, forged)
    expect(refused.status).toBe(409)
    expect(refused.text).toContain(FAILING[0])
    const rm = new URLSearchParams({ _csrf: await sampler.csrf(), remove: one })
    const removed = await sampler.request('POST', `/console/announcements/${id}/samples`, rm)
    expect(removed.status).toBe(303)
    expect(await nosOf(id)).toEqual(['GC26PAGE0003'])
    // Removing the last one is refused in words.
    const last = new URLSearchParams({ _csrf: await sampler.csrf(), remove: three })
    const empty = await sampler.request('POST', `/console/announcements/${id}/samples`, last)
    expect(empty.status).toBe(422)
    expect(alertOf(empty.text)).toContain('公告至少要有一份样品')
    // A reviewer sees no edit controls and is refused.
    const seen = await reviewer.get(at)
    expect(seen.text).not.toContain('id="draft-samples"')
    const by = new URLSearchParams({ _csrf: await reviewer.csrf(), remove: three })
    expect((await reviewer.request('POST', `/console/announcements/${id}/samples`, by)).status).toBe(403)
    // Submitted: no more edits, no controls.
    const submit = await sampler.request(
      'POST',
      `${at}/submit`,
      new URLSearchParams({ _csrf: await sampler.csrf() }),
    )
    expect(submit.status).toBe(303)
    const after = await sampler.get(at)
    expect(after.text).not.toContain('id="draft-samples"')
    const late = new URLSearchParams({ _csrf: await sampler.csrf(), add: one })
    const refusedLate = await sampler.request('POST', `/console/announcements/${id}/samples`, late)
    expect(refusedLate.status).toBe(409)
    expect(alertOf(refusedLate.text)).toContain('提交审核后不能再改')
    const notDraft = await sampler.get(`/console/samples?into=${id}`)
    expect(notDraft.text).not.toContain('id="add-form"')
  })
})
