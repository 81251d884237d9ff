import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FormClient } from '../helpers/form-client.js'
import { runTs, type Server, startServer } from '../helpers/processes.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

/**
 * `user create` in a child process against a real store, then the server on that store: the people it made
 * sign in, and no password ever reaches the server's output (access log, error paths).
 */
let env: Record<string, string>
let testDb: TestDatabase | undefined
let dataDir: string | undefined

beforeAll(async () => {
  const db = await createTestDatabase({ poolSize: 1 })
  if (db.url) {
    testDb = db
    env = { DATABASE_URL: db.url, SEED_DEMO: 'false' }
  } else {
    // PGlite is one process's: the CLI and the server take turns on a directory of their own.
    await db.drop()
    dataDir = await mkdtemp(join(tmpdir(), 'rs-cli-user-'))
    env = { DATA_DIR: dataDir, SEED_DEMO: 'false' }
  }
}, 120_000)
afterAll(async () => {
  await testDb?.drop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const cli = (args: string[], input?: string) =>
  runTs('src/cli/main.ts', ['user', 'create', ...args], { ...env, LOG_LEVEL: 'info' }, input)

const PROVISIONED = 'provisioned secret 42'
const CHANGED = 'the officer chose this'

describe('npm run cli -- user create', () => {
  let oneTime = ''
  let server: Server | undefined
  afterAll(async () => {
    await server?.stop()
  })

  it('prints a one-time password once, as the last line of standard output', async () => {
    const r = await cli(['--login', 'Ops.Chief', '--name', '值班长', '--role', 'commander'])
    expect(r.code, r.stderr).toBe(0)
    oneTime = r.stdout.trim().split('\n').at(-1) ?? ''
    expect(oneTime).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/)
    expect(r.stderr).toContain('shown once')
  }, 120_000)

  it('sets the password read from standard input, with no forced change', async () => {
    const r = await cli(
      [
        '--login',
        'officer',
        '--name',
        '区县值守',
        '--role',
        'district',
        '--district',
        '510104',
        '--password-stdin',
      ],
      `${PROVISIONED}\n`,
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('created district 510104')
    expect(r.stdout + r.stderr).not.toContain(PROVISIONED)
  }, 120_000)

  it('fails in one line with exit 2: a taken login, a bad binding, a short password, missing options', async () => {
    const taken = await cli(['--login', 'OPS.CHIEF', '--name', 'x', '--role', 'commander'])
    expect(taken.code).toBe(2)
    expect(taken.stderr.trim()).toBe('user create: Login name "OPS.CHIEF" is already taken')
    const several = await cli(
      ['--login', 'bob', '--name', 'x', '--role', 'district', '--password-stdin'],
      'short',
    )
    expect(several.code).toBe(2)
    expect(several.stderr.trim()).toBe(
      'user create: password: must be at least 10 characters; district: a district account needs a district code',
    )
    const missing = await cli(['--login', 'bob'])
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim()).toBe('user create: missing --name, --role')
    const unknown = await cli(['--login', 'bob', '--nmae', 'x'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
  }, 180_000)

  it('lets both sign in through the server, and no password appears in its logs', async () => {
    server = await startServer({ ...env, LOG_LEVEL: 'info' })
    const url = server.url
    const officer = new FormClient(() => url)
    // A district officer lands on the task list (issue 15).
    expect((await officer.signIn('officer', PROVISIONED)).location).toBe('/console/tasks')
    expect((await officer.get('/console')).text).toContain('区县值守')

    const chief = new FormClient(() => url)
    expect((await chief.signIn('ops.chief', 'a wrong password')).status).toBe(401)
    expect((await chief.signIn('ops.chief', oneTime)).location).toBe('/console/password')
    const csrf = await chief.csrf('/console/password')
    const changed = await chief.post('/console/password', {
      _csrf: csrf,
      current: oneTime,
      password: CHANGED,
      confirm: CHANGED,
    })
    expect(changed.location).toBe('/console')
    // A body the server cannot parse as a form takes the error path.
    await chief.request('POST', '/console/password', undefined, { 'content-type': 'multipart/form-data' })

    const output = server.output()
    expect(output).toContain('"path":"/login"') // the access log is on
    for (const secret of [PROVISIONED, oneTime, CHANGED, 'a wrong password'])
      expect(output).not.toContain(secret)
  }, 180_000)
})
