import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../src/db/types.js'
import { systemContext } from '../../src/domain/context.js'
import { nameText, visibleText } from '../../src/domain/text.js'
import { activateIncident } from '../../src/incidents/incidents.service.js'
import { createToken } from '../../src/tokens/tokens.service.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

describe('text helpers', () => {
  it('visibleText trims and refuses text with nothing visible', () => {
    const title = visibleText(10)
    expect(title.parse('  标题  ')).toBe('标题')
    for (const s of ['', '   ', '\u200B', '\u200B\u200D \u3000', '\u2800', '\u202E'])
      expect(title.safeParse(s).success, JSON.stringify(s)).toBe(false)
    expect(title.safeParse('x'.repeat(11)).success).toBe(false)
    // One issue for an empty string, not two.
    expect(title.safeParse('  ').error?.issues).toHaveLength(1)
  })

  it('nameText refuses bidi override and isolate characters', () => {
    const name = nameText(50)
    for (const c of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ])
      expect(name.safeParse(`abc${c}def`).success, c.codePointAt(0)!.toString(16)).toBe(false)
    expect(name.parse(' 锦江区值班 ')).toBe('锦江区值班')
  })
})

describe('text fields over HTTP', () => {
  let t: TestApp
  let admin: string
  beforeAll(async () => {
    t = await startTestApp()
    admin = await t.token('admin')
  })
  afterAll(() => t.close())

  it('titles and names: trimmed when stored, refused when blank or carrying bidi overrides', async () => {
    const ok = await t.call('POST', '/api/v1/incidents', {
      token: admin,
      body: {
        playbook: 'sudan-red',
        level: 'IV',
        title: '  修剪  ',
        districts: ['510104'],
        products: [{ name: ' 辣酱 ' }],
      },
    })
    expect(ok.status).toBe(201)
    expect(ok.body.title).toBe('修剪')
    expect(ok.body.products[0].name).toBe('辣酱')

    const bad = await t.call('POST', '/api/v1/incidents', {
      token: admin,
      body: {
        playbook: 'sudan-red',
        level: 'IV',
        title: '\u200B \u3000',
        districts: ['510104'],
        products: [{ name: 'evil\u202Etxt.exe' }],
      },
    })
    expect(bad.status).toBe(422)
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.products[0].name',
      'body.title',
    ])

    const token = await t.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { name: 'admin\u2066x', role: 'admin' },
    })
    expect(token.status).toBe(422)
    expect(token.body.issues[0].path).toBe('body.name')
    const blank = await t.call('POST', '/api/v1/tasks/00000000-0000-4000-8000-000000000000/decline', {
      token: admin,
      body: { reason: '   ' },
    })
    expect(blank.status).toBe(422)
  })

  it('the services apply the same rules to input that does not come through HTTP (the CLI, jobs)', async () => {
    const ctx = systemContext('cli')
    const drill = activateIncident(t.deps, ctx, {
      playbook: 'sudan-red',
      level: 4,
      title: ' \u200B ',
      districts: ['510104'],
      products: [{ name: 'a\u202Eb' }],
    })
    await expect(drill).rejects.toMatchObject({
      code: 'validation_failed',
      extra: { issues: [{ path: 'body.title' }, { path: 'body.products[0].name' }] },
    })
    const token = createToken(t.deps.db, t.clock, ctx, { name: 'x', role: 'king' as Role })
    await expect(token).rejects.toMatchObject({
      code: 'validation_failed',
      extra: { issues: [{ path: 'role' }] },
    })
  })
})
