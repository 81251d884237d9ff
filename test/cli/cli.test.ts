import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTs } from '../helpers/processes.js'

// `token create --role king` and `token revoke not-a-uuid` printed raw database messages. A caller's
// mistake now gets one line saying what is wrong and exit 2, as a 4xx would over HTTP.
let dataDir: string
const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: '' })
const cli = (...args: string[]) => runTs('src/cli/main.ts', args, env())

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'redshield-cli-'))
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))

const oneLine = (s: string) => s.trim().split('\n')

describe('the CLI refuses a caller’s mistake in one line, exit 2', () => {
  it.each<[string[], RegExp]>([
    [['token', 'create', '--role', 'king'], /--role king: unknown role; one of admin, commander/],
    [['token', 'revoke', 'not-a-uuid'], /"not-a-uuid" is not a token id/],
    [['drill', 'sudan-red', '--level', 'V'], /--level V: not a level; one of I, II, III, IV/],
    // The API's CreateTokenSchema, before the store opens.
    [['token', 'create', '--role', 'sampler', '--name', '名'.repeat(101)], /^token create: --name: /],
  ])('%j', { timeout: 240_000 }, async (args, message) => {
    const r = await cli(...args)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe('')
    expect(oneLine(r.stderr)).toHaveLength(1)
    expect(r.stderr).toMatch(message)
  })

  it('prints the usage for an unknown command or option', { timeout: 240_000 }, async () => {
    for (const args of [
      ['token', 'frobnicate'],
      ['token', 'create', '--colour', 'red'],
    ]) {
      const r = await cli(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain('usage: npm run cli')
    }
  })

  // Generous: each run boots PGlite, and the first migrates a fresh store (slow on shared cores under load).
  it('turns a refusal by the service into one line, never a database message', {
    timeout: 480_000,
  }, async () => {
    const missing = await cli('token', 'revoke', randomUUID())
    expect(missing.code, missing.stderr).toBe(2)
    expect(oneLine(missing.stderr)).toEqual(['No such token'])

    const unbound = await cli('token', 'create', '--role', 'district')
    expect(unbound.code, unbound.stderr).toBe(2)
    expect(oneLine(unbound.stderr)).toHaveLength(1)
    expect(unbound.stderr).toMatch(/district: a district token needs a district code/)
    expect(unbound.stdout).toBe('')

    // The API's ActivateSchema: a title with nothing visible is refused as the API refuses it.
    const blank = await cli('drill', 'sudan-red', '--title', ' \u200B ')
    expect(blank.code, blank.stderr).toBe(2)
    expect(oneLine(blank.stderr)).toHaveLength(1)
    expect(blank.stderr).toMatch(/^drill: --title: /)
  })
})
