import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, PUBLIC } from './helpers.js'

let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
  admin = await t.token('admin')
})
afterAll(() => t.close())

const count = async () =>
  Number(
    (
      await t.deps.db
        .selectFrom('complaints')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('public intake', () => {
  it('files a complaint: tracking number and code, stored exactly, routed to the district of the address', async () => {
    const r = await t.call('POST', PUBLIC, { body: complaintBody() })
    expect(r.status).toBe(201)
    expect(r.body.tracking).toMatch(/^12315-2026-\d{7}$/)
    expect(r.body.code).toMatch(/^[A-Z2-9]{8}$/)
    const row = await t.deps.db
      .selectFrom('complaints')
      .select(['district_code', 'code_hashes', 'contact_phone', 'kind', 'channel'])
      .select((eb) => eb.cast<string>('amount', 'text').as('amount'))
      .where('tracking', '=', r.body.tracking)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      district_code: '510104',
      amount: '12.50',
      contact_phone: '13812345678',
      channel: 'web',
    })
    // The code is stored hashed, never as given.
    expect(row.code_hashes.join()).not.toContain(r.body.code)

    const status = await t.call('GET', `${PUBLIC}/${r.body.tracking}?code=${r.body.code}`)
    expect(status.status).toBe(200)
    expect(status.body).toMatchObject({
      tracking: r.body.tracking,
      kind: 'complaint',
      status: 'open',
      district: '锦江区',
    })
    expect(status.body.deadlines.decideBy).toMatch(/T23:59:59\+08:00$/)
    expect(status.body.timeline.map((e: { type: string }) => e.type)).toEqual(['complaint.received'])
    // No personal data on the public status.
    expect(status.text).not.toContain('13812345678')
    expect(status.text).not.toContain('张三')
  })

  it('a wrong code or an unknown number is the same 404', async () => {
    const r = await t.call('POST', PUBLIC, { body: complaintBody({ description: '另一件' }) })
    const wrong = await t.call('GET', `${PUBLIC}/${r.body.tracking}?code=AAAAAAAA`)
    expect(wrong.status).toBe(404)
    const unknown = await t.call('GET', `${PUBLIC}/12315-2026-9999999?code=${r.body.code}`)
    expect(unknown.status).toBe(404)
    expect(wrong.body.detail).toBe(unknown.body.detail)
  })

  it('an identical submission within minutes answers the same tracking number (each code works)', async () => {
    const body = complaintBody({ description: '重复提交测试' })
    const a = await t.call('POST', PUBLIC, { body })
    const b = await t.call('POST', PUBLIC, { body })
    expect(b.status).toBe(201)
    expect(b.body.tracking).toBe(a.body.tracking)
    for (const code of [a.body.code, b.body.code])
      expect((await t.call('GET', `${PUBLIC}/${a.body.tracking}?code=${code}`)).status).toBe(200)
    t.clock.advance(11 * 60_000)
    const c = await t.call('POST', PUBLIC, { body })
    expect(c.body.tracking).not.toBe(a.body.tracking)
  })

  it('a report may be anonymous and stays so; phones in mobile and landline forms are accepted', async () => {
    const anon = await t.call('POST', PUBLIC, {
      body: complaintBody({ kind: 'report', contact: null, amount: undefined }),
    })
    expect(anon.status).toBe(201)
    for (const phone of [
      '+86 138 1234 5678',
      '138-1234-5678',
      '028-86123456',
      '(028)86123456',
      '02886123456-123',
    ]) {
      const r = await t.call('POST', PUBLIC, {
        body: complaintBody({ description: `电话 ${phone}`, contact: { name: '李四', phone } }),
      })
      expect(r.status, phone).toBe(201)
    }
    const stored = await t.deps.db
      .selectFrom('complaints')
      .select(['contact_phone', 'anonymous'])
      .where('tracking', '=', anon.body.tracking)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ contact_phone: null, anonymous: true })
  })

  it('markup and emoji are stored as typed', async () => {
    const description = '<script>alert(1)</script> 太难吃了😡 &amp;'
    const r = await t.call('POST', PUBLIC, { body: complaintBody({ description }) })
    expect(r.status).toBe(201)
    const row = await t.deps.db
      .selectFrom('complaints')
      .select('description')
      .where('tracking', '=', r.body.tracking)
      .executeTakeFirstOrThrow()
    expect(row.description).toBe(description)
  })

  it('an address it cannot place goes to the city queue', async () => {
    const r = await t.call('POST', PUBLIC, {
      body: complaintBody({ business: { name: '流动摊贩', address: '春熙路口' }, description: '城市队列' }),
    })
    expect(r.status).toBe(201)
    const row = await t.deps.db
      .selectFrom('complaints')
      .select('district_code')
      .where('tracking', '=', r.body.tracking)
      .executeTakeFirstOrThrow()
    expect(row.district_code).toBeNull()
  })
})

describe('bad input gets a clear answer, and nothing is written', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'a phone that is neither mobile nor landline',
      { contact: { name: '张三', phone: '12345' } },
      'body.contact.phone',
    ],
    ['a complaint without a phone', { contact: { name: '张三' } }, 'body.contact.phone'],
    ['a negative amount', { amount: '-1.00' }, 'body.amount'],
    ['three decimals', { amount: '12.345' }, 'body.amount'],
    ['an absurd amount', { amount: '100000000000' }, 'body.amount'],
    ['an amount as a number', { amount: 12.5 }, 'body.amount'],
    ['a purchase date in the future', { purchasedOn: '2026-12-25' }, 'body.purchasedOn'],
    ['an impossible date', { purchasedOn: '2026-02-30' }, 'body.purchasedOn'],
    [
      'an address outside the city',
      { business: { name: '某店', address: '北京市朝阳区建国路1号' } },
      'body.business.address',
    ],
    [
      'another city of the province',
      { business: { name: '某店', address: '四川省绵阳市涪城区1号' } },
      'body.business.address',
    ],
    ['a description over 5,000 characters', { description: '长'.repeat(5001) }, 'body.description'],
    ['a control character', { description: 'abc\u0001def' }, 'body.description'],
    ['an unknown field', { extra: 1 }, 'body.extra'],
    ['an unknown kind', { kind: 'praise' }, 'body.kind'],
  ]
  for (const [what, over, path] of cases)
    it(`refuses ${what}`, async () => {
      const before = await count()
      const r = await t.call('POST', PUBLIC, { body: complaintBody(over) })
      expect(r.status, r.text).toBe(422)
      expect(r.headers.get('content-type')).toContain('application/problem+json')
      expect(r.body.issues.map((i: { path: string }) => i.path)).toContain(path)
      expect(await count()).toBe(before)
    })

  it('lists every problem at once', async () => {
    const r = await t.call('POST', PUBLIC, {
      body: complaintBody({
        amount: '-3',
        purchasedOn: 'yesterday',
        description: '',
        contact: { phone: 'x' },
      }),
    })
    expect(r.status).toBe(422)
    const paths = r.body.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining(['body.amount', 'body.purchasedOn', 'body.description', 'body.contact.phone']),
    )
  })

  it('the future date and the outside address are reported together', async () => {
    const r = await t.call('POST', PUBLIC, {
      body: complaintBody({
        purchasedOn: '2027-01-01',
        business: { name: '某店', address: '上海市黄浦区1号' },
      }),
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.business.address',
      'body.purchasedOn',
    ])
  })

  it('names the date and address problems in the same 422 as the schema problems, writing nothing', async () => {
    const before = await count()
    const r = await t.call('POST', PUBLIC, {
      body: complaintBody({
        amount: '1.234',
        description: '',
        purchasedOn: '2027-01-01',
        business: { name: '某店', address: '上海市黄浦区1号' },
      }),
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.amount',
      'body.business.address',
      'body.description',
      'body.purchasedOn',
    ])
    const address = r.body.issues.find((i: { path: string }) => i.path === 'body.business.address')
    expect(address.code).toBe('outside_city')
    expect(await count()).toBe(before)
  })

  it('staff intake: a future time of receipt is named beside the schema problems', async () => {
    const officer = await t.token('district', { district: '510104' })
    const r = await t.call('POST', '/api/v1/complaints', {
      token: officer,
      body: {
        ...complaintBody({ description: '', purchasedOn: '2027-01-01' }),
        channel: 'phone',
        receivedAt: '2027-01-01T00:00:00+08:00',
      },
    })
    expect(r.status).toBe(422)
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.description',
      'body.purchasedOn',
      'body.receivedAt',
    ])
  })
})

describe('rate limit', () => {
  it('refuses a client above COMPLAINT_RATE_PER_MINUTE with 429 and Retry-After; reads are not counted', async () => {
    const limited = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '2' } })
    try {
      const first = await limited.call('POST', PUBLIC, { body: complaintBody({ description: '一' }) })
      expect(first.status).toBe(201)
      for (let i = 0; i < 3; i++)
        await limited.call('GET', `${PUBLIC}/${first.body.tracking}?code=${first.body.code}`)
      expect(
        (await limited.call('POST', PUBLIC, { body: complaintBody({ description: '二' }) })).status,
      ).toBe(201)
      const third = await limited.call('POST', PUBLIC, { body: complaintBody({ description: '三' }) })
      expect(third.status).toBe(429)
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(third.body.detail).toMatch(/提交过于频繁，请 \d+ 秒后再试/)
    } finally {
      await limited.close()
    }
  })

  it('behind a proxy (TRUST_PROXY), each client address the proxy reports has its own limit', async () => {
    const limited = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1', TRUST_PROXY: 'true' } })
    try {
      const from = (address: string, description: string) =>
        limited.call('POST', PUBLIC, {
          body: complaintBody({ description }),
          headers: { 'x-forwarded-for': `198.51.100.7, ${address}` },
        })
      expect((await from('203.0.113.1', '甲一')).status).toBe(201)
      expect((await from('203.0.113.2', '乙一')).status).toBe(201)
      expect((await from('203.0.113.1', '甲二')).status).toBe(429)
      expect((await from('203.0.113.2', '乙二')).status).toBe(429)
      expect((await from('203.0.113.3', '丙一')).status).toBe(201)
    } finally {
      await limited.close()
    }
  })
})

describe('who', () => {
  it('the public endpoint takes no token; an invalid one is refused', async () => {
    const r = await t.call('POST', PUBLIC, {
      body: complaintBody({ description: 'token' }),
      token: 'rs_bogus',
    })
    expect(r.status).toBe(401)
    void admin
  })
})
