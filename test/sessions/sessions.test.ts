import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { actorIdOf, districtScopeOf } from '../../src/domain/context.js'
import { CONTENT_SECURITY_POLICY } from '../../src/http/security-headers.js'
import { keyScope } from '../../src/incidents/activation-key.js'
import { csrfOf, FormClient, makeUser } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { testEngine } from '../helpers/test-database.js'

// Each sign-in costs a deliberate scrypt (tens of ms alone, far more on a loaded shared machine).
vi.setConfig({ testTimeout: 120_000 })

const PASSWORD = 'correct horse battery'
let t: TestApp
const browser = () => new FormClient(() => t.baseUrl)

beforeAll(async () => {
  t = await startTestApp({ config: { SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '12' } })
})
afterAll(() => t.close())

const cookieNamed = (setCookies: string[], name: string) => setCookies.find((c) => c.startsWith(`${name}=`))

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie, redirects to /console, which names the person', async () => {
    await makeUser(t, 'Liu.Yang', PASSWORD, { role: 'district', district: '510104', name: '刘洋' })
    const b = browser()
    const form = await b.get('/login')
    expect(form.status).toBe(200)
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(form.text).toMatch(/<form method="post" action="\/login">/)
    const r = await b.post('/login', { _csrf: csrfOf(form.text), login: 'liu.yang', password: PASSWORD })
    expect(r.status).toBe(303)
    // A district officer lands on the task list (issue 15); the home page still names the person.
    expect(r.location).toBe('/console/tasks')
    const cookie = cookieNamed(r.setCookies, 'rs_session')
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict$/)
    expect(cookie).not.toMatch(/Secure/)
    const home = await b.get('/console')
    expect(home.status).toBe(200)
    expect(home.text).toContain('刘洋')
    expect(home.text).toContain('锦江区（510104）')
    expect(home.text).toContain('区县值守 District officer')
  })

  it('marks the cookie Secure over TLS as the trusted proxy reports it, and only then', async () => {
    await makeUser(t, 'tls-user', PASSWORD)
    const b = browser()
    const page = await b.get('/login')
    const plain = await b.post(
      '/login',
      { _csrf: csrfOf(page.text), login: 'tls-user', password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    )
    expect(cookieNamed(plain.setCookies, 'rs_session')).not.toMatch(/Secure/) // TRUST_PROXY is off here
    const trusting = await startTestApp({ config: { TRUST_PROXY: 'true' } })
    try {
      await makeUser(trusting, 'tls-user', PASSWORD)
      const tb = new FormClient(() => trusting.baseUrl)
      const p = await tb.get('/login')
      const r = await tb.post(
        '/login',
        { _csrf: csrfOf(p.text), login: 'tls-user', password: PASSWORD },
        { 'x-forwarded-proto': 'https' },
      )
      expect(cookieNamed(r.setCookies, 'rs_session')).toMatch(/; Secure/)
    } finally {
      await trusting.close()
    }
  })

  it('follows a same-site `next` path and ignores any other', async () => {
    await makeUser(t, 'nexter', PASSWORD)
    const b = browser()
    expect((await b.get('/console/tasks')).location).toBe('/login?next=%2Fconsole%2Ftasks')
    const ok = await b.signIn('nexter', PASSWORD, { next: '/console/tasks' })
    expect(ok.location).toBe('/console/tasks')
    for (const next of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      // Dot segments that normalise into a host, and their encoded and backslash variants.
      '/.//evil.example',
      '/./\\evil.example',
      '/..//evil.example',
      '/x/..//evil.example/',
      '/%2e//evil.example',
      '/%2E%2E//evil.example',
      '/.///evil.example',
      '///evil.example',
      '/\t/evil.example',
    ]) {
      const r = await browser().signIn('nexter', PASSWORD, { next })
      expect(r.location, next).toBe('/console')
    }
    // Signed in already, /login?next= redirects at once: the same rule.
    const signedIn = browser()
    await signedIn.signIn('nexter', PASSWORD)
    for (const next of ['/.//evil.example', '/..//evil.example', '//evil.example'])
      expect((await signedIn.get(`/login?next=${encodeURIComponent(next)}`)).location, next).toBe('/console')
    expect((await signedIn.get('/login?next=%2Fconsole%2Ftasks')).location).toBe('/console/tasks')
  })

  it('answers a wrong password, or an unknown login, the same way, keeping what was typed', async () => {
    await makeUser(t, 'known', PASSWORD)
    const wrong = await browser().signIn('known', 'not the password')
    const unknown = await browser().signIn('nobody-here', 'not the password')
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401)
      expect(r.text).toContain('登录名或密码错误 Wrong login name or password')
      expect(cookieNamed(r.setCookies, 'rs_session')).toBeUndefined()
    }
    expect(wrong.text).toContain('value="known"')
    const empty = await browser().signIn('', '')
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('请填写登录名')
    expect(empty.text).toContain('请填写密码')
  })

  it('refuses a disabled account, and ends its sessions at once', async () => {
    const user = await makeUser(t, 'leaver', PASSWORD)
    const b = browser()
    await b.signIn('leaver', PASSWORD)
    expect((await b.get('/console')).status).toBe(200)
    const admin = await t.token('admin')
    await t.call('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { disabled: true } })
    expect((await b.get('/console')).location).toBe('/login')
    const again = await browser().signIn('leaver', PASSWORD)
    expect(again.status).toBe(403)
    expect(again.text).toContain('该账户已停用')
  })
})

describe('lockout', () => {
  it('locks a login after five wrong passwords in 15 minutes, refuses even the right one, then lets it in', async () => {
    await makeUser(t, 'target', PASSWORD)
    for (let i = 0; i < 4; i++) {
      expect((await browser().signIn('TARGET', `wrong ${i}`)).status).toBe(401)
      t.clock.advance(60_000)
    }
    const fifth = await browser().signIn('target', 'wrong 5')
    expect(fifth.status).toBe(429)
    expect(fifth.headers.get('retry-after')).toBe('900')
    expect(fifth.text).toContain('已锁定')
    t.clock.advance(14 * 60_000)
    const right = await browser().signIn('target', PASSWORD)
    expect(right.status).toBe(429)
    expect(right.headers.get('retry-after')).toBe('60')
    expect(cookieNamed(right.setCookies, 'rs_session')).toBeUndefined()
    t.clock.advance(60_000)
    const after = await browser().signIn('target', PASSWORD)
    expect(after.status).toBe(303)
    expect(after.location).toBe('/console')
  })

  it('does not lock for failures spread over more than 15 minutes, and locks unknown logins too', async () => {
    await makeUser(t, 'slow', PASSWORD)
    for (let i = 0; i < 6; i++) {
      expect((await browser().signIn('slow', 'wrong')).status).toBe(401)
      t.clock.advance(4 * 60_000)
    }
    for (let i = 0; i < 4; i++) expect((await browser().signIn('ghost', 'wrong')).status).toBe(401)
    expect((await browser().signIn('ghost', 'wrong')).status).toBe(429)
    const locked = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'user.locked_out')
      .execute()
    // No account: no subject (the text typed as a login may be a password).
    expect(locked.map((e) => e.subject)).toContain(null)
    expect(JSON.stringify(locked)).not.toContain('ghost')
  })
})

describe('forced password change', () => {
  it('sends a one-time password holder to change it, lists every problem at once, then lets them in', async () => {
    const admin = await t.token('admin')
    const created = await t.call('POST', '/api/v1/users', {
      token: admin,
      body: { login: 'newbie', name: '新人', role: 'commander' },
    })
    const otp = created.body.oneTimePassword as string
    const b = browser()
    const r = await b.signIn('newbie', otp)
    expect(r.location).toBe('/console/password')
    expect((await b.get('/console')).location).toBe('/console/password')
    const csrf = await b.csrf('/console/password')
    const bad = await b.post('/console/password', {
      _csrf: csrf,
      current: 'nope',
      password: 'newbie',
      confirm: 'x',
    })
    expect(bad.status).toBe(422)
    for (const problem of [
      'the current password is not right',
      'must be at least 10 characters',
      'must not contain the login name',
      'the two new passwords differ',
    ])
      expect(bad.text).toContain(problem)
    const good = await b.post('/console/password', {
      _csrf: csrf,
      current: otp,
      password: 'a much better secret',
      confirm: 'a much better secret',
    })
    expect(good.location).toBe('/console')
    expect((await b.get('/console')).status).toBe(200)
    expect((await browser().signIn('newbie', otp)).status).toBe(401)
    expect((await browser().signIn('newbie', 'a much better secret')).location).toBe('/console')
  })

  it('lands a district officer on their tasks once the one-time password is replaced', async () => {
    const admin = await t.token('admin')
    const created = await t.call('POST', '/api/v1/users', {
      token: admin,
      body: { login: 'new.officer', name: '新值守', role: 'district', district: '510104' },
    })
    const otp = created.body.oneTimePassword as string
    const b = browser()
    expect((await b.signIn('new.officer', otp)).location).toBe('/console/password')
    const changed = await b.post('/console/password', {
      _csrf: await b.csrf('/console/password'),
      current: otp,
      password: 'an officer passphrase',
      confirm: 'an officer passphrase',
    })
    expect(changed.location).toBe('/console/tasks')
  })
})

describe('CSRF', () => {
  it('refuses a cross-site form post, a post without the token, and a login post without its cookie', async () => {
    await makeUser(t, 'victim', PASSWORD)
    const b = browser()
    await b.signIn('victim', PASSWORD)
    const csrf = await b.csrf()
    const crossSite = await b.post(
      '/logout',
      { _csrf: csrf },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    )
    expect(crossSite.status).toBe(403)
    expect(crossSite.headers.get('content-type')).toMatch(/^text\/html/)
    expect(crossSite.text).toContain('拒绝跨站提交的表单')
    const foreignOrigin = await b.post('/logout', { _csrf: csrf }, { origin: 'https://evil.example' })
    expect(foreignOrigin.status).toBe(403)
    const noToken = await b.post('/logout', {})
    expect(noToken.status).toBe(403)
    expect((await b.get('/console')).status).toBe(200) // still signed in

    const fresh = browser()
    const page = await fresh.get('/login')
    fresh.cookies.clear() // a cross-site post carries no SameSite=Strict cookie
    const login = await fresh.post('/login', {
      _csrf: csrfOf(page.text),
      login: 'victim',
      password: PASSWORD,
    })
    expect(login.status).toBe(403)
    const evil = await browser().post(
      '/login',
      { _csrf: 'x', login: 'victim', password: PASSWORD },
      {
        'sec-fetch-site': 'cross-site',
      },
    )
    expect(evil.status).toBe(403)
  })

  it('never lets the session cookie authorise the JSON API', async () => {
    await makeUser(t, 'boss', PASSWORD, { role: 'admin' })
    const b = browser()
    await b.signIn('boss', PASSWORD)
    const r = await b.request('GET', '/api/v1/users')
    expect(r.status).toBe(401)
    const w = await b.request('POST', '/api/v1/tokens', undefined, { 'content-type': 'application/json' })
    expect(w.status).toBe(401)
  })
})

describe('pages under the app-wide headers', () => {
  it('carry the one strict policy (no second copy), refuse framing and caching, and accept ?next= and ?lang=', async () => {
    await makeUser(t, 'headers', PASSWORD, { role: 'district', district: '510104' })
    const b = browser()
    const form = await b.get('/login?next=%2Fconsole%2Ftasks&lang=en')
    expect(form.status).toBe(200)
    expect(form.text).toContain('name="next" value="/console/tasks"')
    const home = await b.get('/console')
    expect(home.location).toBe('/login')
    await b.signIn('headers', PASSWORD)
    const signedIn = await b.get('/console?lang=en')
    expect(signedIn.status).toBe(200)
    for (const page of [form, signedIn, await b.get('/console/nothing-here')]) {
      // A duplicate header would read "DENY, DENY": each is set once, by `securityHeaders`.
      expect(page.headers.get('content-security-policy')).toBe(
        `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
      )
      expect(page.headers.get('x-frame-options')).toBe('DENY')
      expect(page.headers.get('referrer-policy')).toBe('no-referrer')
      expect(page.headers.get('x-content-type-options')).toBe('nosniff')
      expect(page.headers.get('cache-control')).toBe('no-store')
    }
  })
})

describe('the session actor', () => {
  it('is the person: events name them, district scoping and idempotency keys are theirs', async () => {
    const user = await makeUser(t, 'scoped', PASSWORD, { role: 'district', district: '510104', name: '王芳' })
    const b = browser()
    await b.signIn('scoped', PASSWORD)
    const event = await t.deps.db
      .selectFrom('events')
      .select(['actor_id', 'actor_name', 'actor_role'])
      .where('type', '=', 'session.signed_in')
      .where('subject', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(event).toEqual({ actor_id: user.id, actor_name: '王芳', actor_role: 'district' })
    const ctx = {
      actor: {
        type: 'user',
        id: user.id,
        name: '王芳',
        role: 'district',
        districtCode: '510104',
        retailerId: null,
      },
      requestId: 'r',
    } as const
    expect(districtScopeOf(ctx)).toBe('510104')
    expect(actorIdOf(ctx)).toBe(user.id)
    expect(keyScope(ctx)).toBe(`incident.activate:user:${user.id}`)
  })
})

describe('expiry and sign-out', () => {
  it('expires a session idle longer than SESSION_IDLE_MINUTES, sliding with use', async () => {
    await makeUser(t, 'idler', PASSWORD)
    const b = browser()
    await b.signIn('idler', PASSWORD)
    t.clock.advance(25 * 60_000)
    expect((await b.get('/console')).status).toBe(200) // used: the 30 minutes start again
    t.clock.advance(25 * 60_000)
    expect((await b.get('/console')).status).toBe(200)
    t.clock.advance(30 * 60_000)
    expect((await b.get('/console')).location).toBe('/login')
  })

  it('ends a session after SESSION_MAX_HOURS however busy it is', async () => {
    await makeUser(t, 'busy', PASSWORD)
    const b = browser()
    await b.signIn('busy', PASSWORD)
    // 24 uses 29 minutes apart keep it alive for 11.6 hours; the next, at 12.1 hours, is past the limit.
    for (let i = 0; i < 24; i++) {
      t.clock.advance(29 * 60_000)
      expect((await b.get('/console')).status).toBe(200)
    }
    t.clock.advance(29 * 60_000)
    expect((await b.get('/console')).location).toBe('/login')
  })

  it('signs out one session, or every session of the person', async () => {
    const user = await makeUser(t, 'many', PASSWORD)
    const [phone, laptop, tablet] = [browser(), browser(), browser()]
    for (const b of [phone, laptop, tablet]) await b.signIn('many', PASSWORD)
    const one = await phone.post('/logout', { _csrf: await phone.csrf() })
    expect(one.location).toBe('/login')
    expect(cookieNamed(one.setCookies, 'rs_session')).toMatch(/Max-Age=0/)
    expect((await phone.get('/console')).location).toBe('/login')
    expect((await laptop.get('/console')).status).toBe(200)
    const all = await laptop.post('/logout', { _csrf: await laptop.csrf(), everywhere: '1' })
    expect(all.location).toBe('/login')
    expect((await tablet.get('/console')).location).toBe('/login')
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'actor_id', 'actor_name', 'payload'])
      .where('subject', '=', user.id)
      .where('type', '=', 'session.signed_out')
      .orderBy('id')
      .execute()
    expect(events).toEqual([
      {
        type: 'session.signed_out',
        actor_id: user.id,
        actor_name: 'many',
        payload: { everywhere: false, sessions: 1 },
      },
      {
        type: 'session.signed_out',
        actor_id: user.id,
        actor_name: 'many',
        payload: { everywhere: true, sessions: 2 },
      },
    ])
  })
})

describe('lockout under concurrency', () => {
  it.skipIf(testEngine() !== 'postgres')(
    'counts simultaneous guesses one by one: the sixth is refused',
    async () => {
      await makeUser(t, 'parallel', PASSWORD)
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => browser().signIn('parallel', `guess ${i}`)),
      )
      const statuses = results.map((r) => r.status).sort((a, b) => a - b)
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(4)
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4)
      expect((await browser().signIn('parallel', PASSWORD)).status).toBe(429)
    },
  )

  it.skipIf(testEngine() !== 'postgres')(
    'the right password sent with 60 wrong ones is refused once the lockout is recorded: success re-checks the lock',
    async () => {
      await makeUser(t, 'raced', PASSWORD)
      const clients = Array.from({ length: 61 }, () => browser())
      const forms = await Promise.all(clients.map((b) => b.get('/login')))
      // Sent in order, the right one last: its password is checked after the wrong ones have locked the login.
      const results = await Promise.all(
        clients.map((b, i) =>
          b.post('/login', {
            _csrf: csrfOf(forms[i]?.text ?? ''),
            login: 'raced',
            password: i === 60 ? PASSWORD : `wrong guess ${i}`,
          }),
        ),
      )
      const right = results[60]
      expect(right?.status, right?.text.slice(0, 200)).toBe(429)
      expect(cookieNamed(right?.setCookies ?? [], 'rs_session')).toBeUndefined()
      const sessions = await t.deps.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.id_hash')
        .where('users.login', '=', 'raced')
        .execute()
      expect(sessions).toEqual([])
    },
  )
})
