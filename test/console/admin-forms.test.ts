import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
let admin: FormClient
let chief: FormClient
let adminId: string

/** The last event of a type, with who caused it. */
const lastEvent = (type: string) =>
  t.deps.db
    .selectFrom('events')
    .select(['subject', 'actor_id', 'actor_name', 'payload', 'request_id'])
    .where('type', '=', type)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()

const secretOf = (html: string) => /<code id="secret">([^<]+)<\/code>/.exec(html)?.[1]

beforeAll(async () => {
  t = await startTestApp()
  adminId = (await makeUser(t, 'li', PASSWORD, { role: 'admin', name: '李管理' })).id
  await makeUser(t, 'wang', PASSWORD, { role: 'commander', name: '王指挥' })
  await makeUser(t, 'zhao', PASSWORD, { role: 'commander', name: '赵指挥' })
  admin = new FormClient(() => t.baseUrl)
  chief = new FormClient(() => t.baseUrl)
  expect((await admin.signIn('li', PASSWORD)).status).toBe(303)
  expect((await chief.signIn('wang', PASSWORD)).status).toBe(303)
})
afterAll(() => t.close())

describe('users in the console', () => {
  it('creates a user, shows the one-time password once, and it signs in (forced change)', async () => {
    const r = await admin.post('/console/admin/users', {
      _csrf: await admin.csrf('/console/admin/users'),
      login: 'qinglong',
      name: '青羊值班',
      role: 'district',
      district: '510105',
      retailer: '',
      phone: '028 1234 5678',
    })
    expect(r.status).toBe(200)
    const secret = secretOf(r.text)
    expect(secret).toBeTruthy()
    expect(r.text).toContain('青羊值班')
    const e = await lastEvent('user.created')
    expect(e.actor_id).toBe(adminId)
    expect(e.actor_name).toBe('李管理')
    // Shown once: the list afterwards does not carry it.
    expect((await admin.get('/console/admin/users')).text).not.toContain(secret)
    const person = new FormClient(() => t.baseUrl)
    const signIn = await person.signIn('qinglong', secret!)
    expect(signIn.location).toBe('/console/password')
  })

  it('lists every problem at once and keeps what was typed', async () => {
    const r = await admin.post('/console/admin/users', {
      _csrf: await admin.csrf('/console/admin/users'),
      login: '-bad login-',
      name: '',
      role: 'district',
      district: '',
      phone: 'not a phone',
    })
    expect(r.status).toBe(422)
    for (const label of ['登录名', '姓名', '电话']) expect(r.text).toMatch(new RegExp(`<li>${label}：`))
    // The service's binding rule is named in the same answer: a district account needs its district.
    expect(r.text).toContain('区县：区县账户须指定区县代码')
    expect(r.text).toContain('value="-bad login-"')
    expect(r.text).toContain('value="not a phone"')
    // The service's own binding rule: a district account needs its district.
    const r2 = await admin.post('/console/admin/users', {
      _csrf: await admin.csrf('/console/admin/users'),
      login: 'nodistrict',
      name: '无区县',
      role: 'district',
      district: '',
    })
    expect(r2.status).toBe(422)
    expect(r2.text).toContain('区县账户须指定区县代码')
    expect(r2.text).toContain('value="nodistrict"')
  })

  it('refuses a taken login with the reason (409)', async () => {
    const r = await admin.post('/console/admin/users', {
      _csrf: await admin.csrf('/console/admin/users'),
      login: 'WANG',
      name: '重名',
      role: 'commander',
    })
    expect(r.status).toBe(409)
    expect(r.text).toContain('登录名「WANG」已被使用')
  })

  it('changes role and district, disables and enables a user; an admin cannot disable themselves', async () => {
    const list = await admin.get('/console/admin/users')
    const id = /href="\/console\/admin\/users\/([0-9a-f-]{36})">qinglong</.exec(list.text)?.[1]
    expect(id).toBeTruthy()
    const path = `/console/admin/users/${id}`
    const base = { name: '青羊值班', phone: '', retailer: '' }
    let r = await admin.post(path, {
      _csrf: await admin.csrf(path),
      ...base,
      role: 'district',
      district: '510104',
      disabled: '1',
    })
    expect(r.status).toBe(303)
    expect(r.location).toBe(`${path}?saved=1`)
    expect((await lastEvent('user.disabled')).actor_id).toBe(adminId)
    expect((await lastEvent('user.updated')).payload).toMatchObject({ changes: { district: '510104' } })
    const page = await admin.get(`${path}?saved=1`)
    expect(page.text).toContain('已保存')
    expect(page.text).toMatch(/name="disabled" value="1" checked/)
    r = await admin.post(path, { _csrf: await admin.csrf(path), ...base, role: 'commander', district: '' })
    expect(r.status).toBe(303)
    expect((await lastEvent('user.enabled')).subject).toBe(id)
    const self = `/console/admin/users/${adminId}`
    r = await admin.post(self, {
      _csrf: await admin.csrf(self),
      name: '李管理',
      role: 'admin',
      district: '',
      disabled: '1',
    })
    expect(r.status).toBe(422)
    expect(r.text).toContain('管理员不能停用自己的账户')
  })

  it('resets a password: a new one-time password shown once', async () => {
    const list = await admin.get('/console/admin/users')
    const id = /href="\/console\/admin\/users\/([0-9a-f-]{36})">zhao</.exec(list.text)?.[1]
    const zhao = new FormClient(() => t.baseUrl)
    expect((await zhao.signIn('zhao', PASSWORD)).status).toBe(303)
    const r = await admin.post(`/console/admin/users/${id}/reset`, { _csrf: await admin.csrf() })
    expect(r.status).toBe(200)
    expect(secretOf(r.text)).toBeTruthy()
    expect((await lastEvent('user.password_reset')).subject).toBe(id)
    // The reset ended the person's sessions; the new password signs in, to be replaced at once.
    expect((await zhao.get('/console')).status).toBe(303)
    expect((await zhao.signIn('zhao', PASSWORD)).status).toBe(401)
    expect((await zhao.signIn('zhao', secretOf(r.text)!)).location).toBe('/console/password')
  })
})

describe('tokens in the console', () => {
  it('creates a token shown once that the API accepts, and revokes it', async () => {
    const r = await admin.post('/console/admin/tokens', {
      _csrf: await admin.csrf('/console/admin/tokens'),
      name: '锦江区接口',
      role: 'district',
      district: '510104',
    })
    expect(r.status).toBe(200)
    const secret = secretOf(r.text)!
    expect(secret).toMatch(/^rs_/)
    expect((await t.call('GET', '/api/v1/tasks', { token: secret })).status).toBe(200)
    const created = await lastEvent('token.created')
    expect(created.actor_id).toBe(adminId)
    const revoke = await admin.post(`/console/admin/tokens/${created.subject}/revoke`, {
      _csrf: await admin.csrf('/console/admin/tokens'),
    })
    expect(revoke.status).toBe(303)
    expect((await lastEvent('token.revoked')).actor_name).toBe('李管理')
    // Forgotten by this instance at once, as when revoked through the API.
    expect((await t.call('GET', '/api/v1/tasks', { token: secret })).status).toBe(401)
  })

  it('names every problem of a bad token form at once and keeps it', async () => {
    const r = await admin.post('/console/admin/tokens', {
      _csrf: await admin.csrf('/console/admin/tokens'),
      name: '',
      role: 'nobody',
      district: 'x',
    })
    expect(r.status).toBe(422)
    for (const label of ['名称', '角色', '区县']) expect(r.text).toMatch(new RegExp(`<li>${label}：`))
    const both = await admin.post('/console/admin/tokens', {
      _csrf: await admin.csrf('/console/admin/tokens'),
      name: '',
      role: 'district',
      district: '',
    })
    expect(both.status).toBe(422)
    expect(both.text).toMatch(/<li>名称：/)
    expect(both.text).toContain('区县：区县令牌须指定区县代码')
  })

  it('shows the refusal to revoke the last active admin token with its reason (409)', async () => {
    await t.token('admin', { name: 'only admin' })
    const admins = await t.deps.db
      .selectFrom('api_tokens')
      .select('id')
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .execute()
    for (const extra of admins.slice(1))
      await admin.post(`/console/admin/tokens/${extra.id}/revoke`, { _csrf: await admin.csrf() })
    const last = admins[0]!.id
    const r = await admin.post(`/console/admin/tokens/${last}/revoke`, { _csrf: await admin.csrf() })
    expect(r.status).toBe(409)
    expect(r.text).toContain('不能吊销最后一个有效的管理员令牌')
    const still = await t.deps.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', last)
      .executeTakeFirst()
    expect(still?.revoked_at).toBeNull()
  })
})

describe('retailers in the console', () => {
  it('registers a retailer and edits it, attributed to the admin', async () => {
    const bad = await admin.post('/console/admin/retailers', {
      _csrf: await admin.csrf('/console/admin/retailers'),
      id: 'Bad Id',
      name: '',
      district: '',
      address: '',
      contactName: '张三',
      contactPhone: 'abc',
    })
    expect(bad.status).toBe(422)
    for (const label of ['编号', '名称', '区县', '地址', '联系电话'])
      expect(bad.text).toMatch(new RegExp(`<li>${label}[^<]*：`))
    expect(bad.text).toContain('value="张三"')
    const r = await admin.post('/console/admin/retailers', {
      _csrf: await admin.csrf('/console/admin/retailers'),
      id: 'hongqi-jinjiang',
      name: '红旗连锁（锦江店）',
      nameEn: '',
      district: '510104',
      address: '锦江区春熙路 1 号',
      categories: '调味品、肉制品',
      contactName: '',
      contactPhone: '',
    })
    expect(r.status).toBe(303)
    expect(r.location).toBe('/console/admin/retailers/hongqi-jinjiang?saved=1')
    expect((await lastEvent('retailer.registered')).actor_id).toBe(adminId)
    const again = await admin.post('/console/admin/retailers', {
      _csrf: await admin.csrf('/console/admin/retailers'),
      id: 'hongqi-jinjiang',
      name: '重复',
      district: '510104',
      address: '某地',
    })
    expect(again.status).toBe(409)
    expect(again.text).toContain('经营者编号 hongqi-jinjiang 已存在')
    const path = '/console/admin/retailers/hongqi-jinjiang'
    const edited = await admin.post(path, {
      _csrf: await admin.csrf(path),
      name: '红旗连锁（春熙店）',
      nameEn: 'Hongqi Chunxi',
      district: '510104',
      address: '锦江区春熙路 1 号',
      categories: '调味品',
      contactName: '张三',
      contactPhone: '028-8888 0000',
    })
    expect(edited.status).toBe(303)
    const page = await admin.get(path)
    expect(page.text).toContain('value="红旗连锁（春熙店）"')
    expect(page.text).toContain('value="028-8888 0000"')
    expect((await lastEvent('retailer.updated')).payload).toMatchObject({ retailerId: 'hongqi-jinjiang' })
    expect((await admin.get('/console/admin/retailers/no-such-one')).status).toBe(404)
  })
})

describe('who is refused', () => {
  it('the commander gets the 403 page on every admin page and form; the signed-out are sent to sign in', async () => {
    const csrf = await chief.csrf()
    for (const path of [
      '/console/admin/users',
      '/console/admin/tokens',
      '/console/admin/retailers',
      '/console/admin/contacts',
    ]) {
      const g = await chief.get(path)
      expect(g.status).toBe(403)
      expect(g.text).toContain('拒绝访问')
      expect((await chief.post(path, { _csrf: csrf, name: 'x', login: 'xx', role: 'admin' })).status).toBe(
        403,
      )
    }
    expect((await chief.post('/console/admin/contacts/510104', { _csrf: csrf })).status).toBe(403)
    const anon = await new FormClient(() => t.baseUrl).get('/console/admin/users')
    expect(anon.status).toBe(303)
  })

  it('every admin form needs the CSRF token and a same-origin request', async () => {
    const before = await t.deps.db.selectFrom('users').select('id').execute()
    const fields = { login: 'csrfless', name: '无令牌', role: 'commander' }
    expect((await admin.post('/console/admin/users', fields)).status).toBe(403)
    const cross = await admin.post(
      '/console/admin/users',
      { _csrf: await admin.csrf(), ...fields },
      { 'sec-fetch-site': 'cross-site' },
    )
    expect(cross.status).toBe(403)
    expect((await admin.post('/console/admin/tokens', { name: 'x', role: 'admin' })).status).toBe(403)
    expect((await admin.post('/console/admin/retailers', { name: 'x' })).status).toBe(403)
    expect((await admin.post('/console/admin/contacts/510104', { dutyName: 'x' })).status).toBe(403)
    expect(await t.deps.db.selectFrom('users').select('id').execute()).toHaveLength(before.length)
  })
})
