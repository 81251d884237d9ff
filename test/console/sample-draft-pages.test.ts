import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FAILING, importFixtures, PASSED, staff } from '../announcements/helpers.js'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let sampler: FormClient
let reviewer: FormClient

const signedIn = async (login: string) => {
  const f = new FormClient(() => t.baseUrl)
  expect((await f.signIn(login, PASSWORD)).status).toBe(303)
  return f
}
const alertOf = (html: string) => /role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? ''
/** The sample numbers listed in the table, in order. */
const listed = (html: string) => [...html.matchAll(/<td>(GC\d+)<\/td>/g)].map((m) => m[1] ?? '')
const link = (html: string, rel: 'next' | 'prev') => {
  const m = new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html)
  return m?.[1]?.replaceAll('&amp;', '&')
}

beforeAll(async () => {
  t = await startTestApp()
  const s = await staff(t)
  await importFixtures(t, s.sampler)
  // FAILING[0] is held by a draft made through the API.
  const d = await t.call('POST', '/api/v1/announcements', {
    token: s.sampler,
    body: { number: '2026第1期', title: '第一期', period: '2026Q4', sampleNos: [FAILING[0]] },
  })
  expect(d.status).toBe(201)
  await makeUser(t, 'li', PASSWORD, { role: 'sampler' as 'commander', name: '李抽检' })
  await makeUser(t, 'sun', PASSWORD, { role: 'reviewer' as 'commander', name: '孙审核' })
  await makeUser(t, 'zhou', PASSWORD, { role: 'district', district: '510104' })
  sampler = await signedIn('li')
  reviewer = await signedIn('sun')
})
afterAll(() => t.close())

describe('drafting from the samples list', () => {
  it('offers a checkbox only for the samples a draft may take, and the form only to who may draft', async () => {
    const page = await sampler.get('/console/samples')
    expect(page.status).toBe(200)
    expect(page.text).toContain('id="draft-form"')
    for (const no of [...PASSED, ...FAILING.slice(1)])
      expect(page.text).toContain(`form="draft-form" name="sampleNos" value="${no}"`)
    expect(page.text).not.toContain(`value="${FAILING[0]}"`)
    expect(page.text).toContain('2026第1期') // where the held one is
    const other = await reviewer.get('/console/samples')
    expect(other.status).toBe(200)
    expect(other.text).not.toContain('draft-form')
    expect(other.text).not.toContain('type="checkbox"')
  })

  it('names every problem at once, keeping the ticks and the typed fields and the list’s filters', async () => {
    const bad = await sampler.post('/console/samples/draft?verdict=pass', {
      _csrf: await sampler.csrf(),
      number: '2026第2期',
      title: '',
      period: '',
    })
    expect(bad.status).toBe(422)
    const problems = alertOf(bad.text)
    expect(problems).toMatch(/title/)
    expect(problems).toMatch(/period/)
    expect(problems).toMatch(/sampleNos/)
    expect(bad.text).toContain('value="2026第2期"')
    expect(listed(bad.text).sort()).toEqual([...PASSED].sort())
    expect(bad.text).toContain('action="/console/samples/draft?verdict=pass"')
    const body = new URLSearchParams({
      _csrf: await sampler.csrf(),
      number: '2026第2期',
      title: '第二期',
      period: '',
    })
    body.append('sampleNos', PASSED[0]!)
    body.append('sampleNos', PASSED[1]!)
    const kept = await sampler.request('POST', '/console/samples/draft', body)
    expect(kept.status).toBe(422)
    expect(kept.text).toMatch(new RegExp(`value="${PASSED[0]}" id="pick-[^"]+" checked`))
    expect(kept.text).toMatch(new RegExp(`value="${PASSED[1]}" id="pick-[^"]+" checked`))
    expect(kept.text).not.toMatch(new RegExp(`value="${PASSED[2]}" id="pick-[^"]+" checked`))
  })

  it('refuses a sample another announcement holds with the reason (a forged tick), then drafts from the ticked ones', async () => {
    const body = (nos: string[]) => {
      const b = new URLSearchParams({ number: '2026第2期', title: '第二期抽检信息', period: '2026Q4' })
      for (const no of nos) b.append('sampleNos', no)
      return b
    }
    const held = body([PASSED[0]!, FAILING[0]!])
    held.set('_csrf', await sampler.csrf())
    const refused = await sampler.request('POST', '/console/samples/draft', held)
    expect(refused.status).toBe(422)
    expect(alertOf(refused.text)).toContain(`样品 ${FAILING[0]} 已在公告「2026第1期」中`)
    const good = body([PASSED[0]!, PASSED[1]!])
    good.set('_csrf', await sampler.csrf())
    const ok = await sampler.request('POST', '/console/samples/draft', good)
    expect(ok.status, alertOf(ok.text)).toBe(303)
    expect(ok.location).toMatch(/^\/console\/announcements\/[0-9a-f-]{36}$/)
    const page = await sampler.get(ok.location!)
    expect(page.text).toContain(`${PASSED[0]}、${PASSED[1]}`)
    expect(page.text).toContain('李抽检')
    expect(page.text).toContain(`action="${ok.location}/submit"`)
    const drafted = await t.deps.db
      .selectFrom('events')
      .select('actor_name')
      .where('type', '=', 'announcement.drafted')
      .where('subject', '=', '2026第2期')
      .execute()
    expect(drafted).toEqual([{ actor_name: '李抽检' }])
    // Now held, those two lose their checkboxes.
    const after = await sampler.get('/console/samples')
    expect(after.text).not.toContain(`value="${PASSED[0]}"`)
  })

  it('refuses another role (403) and a form without the session token (403)', async () => {
    const b = new URLSearchParams({ _csrf: await reviewer.csrf(), number: 'x', title: 'x', period: 'x' })
    b.append('sampleNos', PASSED[2]!)
    expect((await reviewer.request('POST', '/console/samples/draft', b)).status).toBe(403)
    const officer = await signedIn('zhou')
    expect((await officer.get('/console/samples')).status).toBe(403)
    b.set('_csrf', 'forged')
    expect((await sampler.request('POST', '/console/samples/draft', b)).status).toBe(403)
    b.delete('_csrf')
    expect((await sampler.request('POST', '/console/samples/draft', b)).status).toBe(403)
  })
})

describe('paging the console lists', () => {
  it('pages the samples, the next and previous links keeping the filters', async () => {
    const all = listed((await sampler.get('/console/samples?verdict=pass')).text)
    expect(all).toHaveLength(4)
    const first = await sampler.get('/console/samples?verdict=pass&limit=3')
    expect(listed(first.text)).toEqual(all.slice(0, 3))
    expect(link(first.text, 'prev')).toBeUndefined()
    const next = link(first.text, 'next')!
    expect(next).toContain('verdict=pass')
    expect(next).toContain('limit=3')
    const second = await sampler.get(next)
    expect(listed(second.text)).toEqual(all.slice(3))
    expect(link(second.text, 'next')).toBeUndefined()
    const back = link(second.text, 'prev')!
    expect(back).toBe('/console/samples?verdict=pass&limit=3')
    expect(listed((await sampler.get(back)).text)).toEqual(all.slice(0, 3))
  })

  it('walks three pages forward and back again', async () => {
    const pages: string[][] = []
    let path: string | undefined = '/console/samples?limit=3'
    while (path) {
      const r = await sampler.get(path)
      pages.push(listed(r.text))
      path = link(r.text, 'next')
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2])
    let r = await sampler.get('/console/samples?limit=3')
    r = await sampler.get(link(r.text, 'next')!)
    r = await sampler.get(link(r.text, 'next')!)
    r = await sampler.get(link(r.text, 'prev')!)
    expect(listed(r.text)).toEqual(pages[1])
    r = await sampler.get(link(r.text, 'prev')!)
    expect(listed(r.text)).toEqual(pages[0])
  })

  it('refuses a page size over 200 or a cursor it did not hand out, naming the problem', async () => {
    const big = await sampler.get('/console/samples?limit=201')
    expect(big.status).toBe(422)
    expect(alertOf(big.text)).toContain('limit')
    const forged = await sampler.get('/console/samples?cursor=bm9wZQ')
    expect(forged.status).toBe(422)
    expect(alertOf(forged.text)).toContain('不是本列表给出的游标')
    expect((await sampler.get('/console/announcements?limit=0')).status).toBe(422)
    expect((await sampler.get('/console/announcements?status=lost')).status).toBe(422)
  })

  it('pages the announcements by status', async () => {
    const numbers = (html: string) => [...html.matchAll(/<td>(2026第\d期)<\/td>/g)].map((m) => m[1])
    const first = await sampler.get('/console/announcements?status=draft&limit=1')
    expect(first.status).toBe(200)
    const next = link(first.text, 'next')!
    expect(next).toContain('status=draft')
    const second = await sampler.get(next)
    expect(link(second.text, 'next')).toBeUndefined()
    expect(link(second.text, 'prev')).toBe('/console/announcements?status=draft&limit=1')
    expect([...numbers(first.text), ...numbers(second.text)].sort()).toEqual(['2026第1期', '2026第2期'])
    expect(numbers((await sampler.get('/console/announcements?status=published')).text)).toEqual([])
  })
})
