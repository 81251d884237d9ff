import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/domain/errors.js'
import { passwordProblems } from '../../src/users/password.js'
import { createUser } from '../../src/users/users.service.js'
import { FormClient } from '../helpers/form-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

// `1234567890` was accepted for a staff account: ten characters passed the length rule. Now a password must
// also not be easy to guess (zxcvbn with the common-password lists), and the reason is given in both languages.
let t: TestApp
let admin: string

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.token('admin')
})
afterAll(() => t.close())

describe('password rules', () => {
  it('refuses common passwords, runs and keyboard rows, saying why in zh and en; passphrases pass', async () => {
    for (const weak of [
      '1234567890',
      'qwertyuiop',
      'password123',
      'iloveyou2026',
      'P@ssw0rd2024',
      'abcdefghijk',
    ]) {
      const problems = await passwordProblems(weak, 'someone')
      expect(problems, weak).toHaveLength(1)
      expect(problems[0]?.zh, weak).toContain('太容易被猜到')
      expect(problems[0]?.en, weak).toContain('too easy to guess')
    }
    expect((await passwordProblems('1234567890'))[0]?.en).toContain('common password')
    for (const strong of ['correct horse battery', 'a much better secret', 'abcde-fghjk-mnpqr'])
      expect(await passwordProblems(strong, 'someone'), strong).toEqual([])
    // The basic rules come first and alone: a short password is not also called guessable.
    expect(await passwordProblems('short')).toEqual([
      { zh: '至少需要 10 个字符', en: 'must be at least 10 characters' },
    ])
    // The login, and guesses built from it.
    expect(await passwordProblems('zhang.wei.2026', 'zhang.wei')).toHaveLength(1)
  })

  it('a staff account cannot be given 1234567890: 422 naming the field in both languages', async () => {
    const err = await createUser(
      t.deps.db,
      t.clock,
      { actor: null, requestId: 'test' },
      { login: 'weakling', name: '弱', role: 'commander', password: '1234567890' },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    const app = err as AppError
    expect(app.status).toBe(422)
    const issues = (app.extra as { issues: { path: string; text: { zh: string; en: string } }[] }).issues
    expect(issues[0]?.path).toBe('password')
    expect(issues[0]?.text.zh).toContain('太容易被猜到')
    expect(issues[0]?.text.en).toContain('too easy to guess')
    expect(
      await t.deps.db.selectFrom('users').select('id').where('login', '=', 'weakling').execute(),
    ).toEqual([])
  })

  it('the console password form refuses it with the reason in both languages', async () => {
    const created = await t.call('POST', '/api/v1/users', {
      token: admin,
      body: { login: 'changer', name: '改', role: 'commander' },
    })
    const otp = created.body.oneTimePassword as string
    const b = new FormClient(() => t.baseUrl)
    await b.signIn('changer', otp)
    const csrf = await b.csrf('/console/password')
    const r = await b.post('/console/password', {
      _csrf: csrf,
      current: otp,
      password: '1234567890',
      confirm: '1234567890',
    })
    expect(r.status).toBe(422)
    expect(r.text).toContain('太容易被猜到')
    expect(r.text).toContain('too easy to guess')
    const ok = await b.post('/console/password', {
      _csrf: csrf,
      current: otp,
      password: 'three unrelated words',
      confirm: 'three unrelated words',
    })
    expect(ok.location).toBe('/console')
  })
})
