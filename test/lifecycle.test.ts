import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTs, type Server, startServer } from './helpers/processes.js'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
const json = async (r: Promise<Response>): Promise<any> => (await r).json()

/**
 * A POST whose headers reach the server first (`Expect: 100-continue`: the server answers 100 once it has
 * parsed them, so the request is in flight) and whose body follows only when `finish()` is called.
 */
function inFlightRequest(url: string, token: string, body: string) {
  const req = request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
    },
  })
  const started = new Promise<void>((ok) => req.once('continue', () => ok()))
  const response = new Promise<{ status: number } | { error: string }>((ok) => {
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => ok({ status: res.statusCode ?? 0 }))
    })
    req.on('error', (err) => ok({ error: err.message }))
  })
  req.flushHeaders()
  return { started, response, finish: () => req.end(body) }
}

// Each child process boots tsx, PGlite and the migrations: on two shared cores under load that can take
// well over a minute, so these waits are generous (they bound a hang, they do not measure speed).
const SLOW = 240_000

// A newcomer's first contact: `npm start` on a fresh embedded store, a CLI token, a restart.
describe('embedded first contact', () => {
  let dataDir: string
  let server: Server | undefined
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '' })

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'redshield-life-'))
  })
  afterAll(async () => {
    await server?.stop('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  })

  it('starts, seeds, prints an admin token once, keeps everything across a restart', {
    timeout: 600_000,
  }, async () => {
    server = await startServer(env(), SLOW)
    const printed = /admin token \(shown once\):\s*\n\s*(rs_\S+)/.exec(server.output())
    expect(printed, server.output()).not.toBeNull()
    const admin = printed?.[1] ?? ''

    const districts = await json(fetch(`${server.url}/api/v1/districts`))
    expect(districts.items).toHaveLength(20)
    const auth = { authorization: `Bearer ${admin}` }
    const incidents = await json(fetch(`${server.url}/api/v1/incidents`, { headers: auth }))
    // The Sudan Red drill, and the disposal incident of the demo's published sampling announcement.
    expect(incidents.items.map((i: { playbook: string }) => i.playbook).sort()).toEqual([
      'sudan-red',
      'unqualified-product-disposal',
    ])
    const demoDrill = incidents.items.find((i: { playbook: string }) => i.playbook === 'sudan-red')
    expect(demoDrill).toMatchObject({ level: 'III', exercise: true })

    // SIGTERM while a request is in flight: the server stops accepting, finishes that request, then exits
    // cleanly, and the embedded store is free for the CLI.
    const activation = JSON.stringify({
      playbook: 'avian-influenza',
      level: 'IV',
      title: '停机时的请求',
      districts: ['510104'],
    })
    const inFlight = inFlightRequest(`${server.url}/api/v1/incidents`, admin, activation)
    await inFlight.started
    const exited = server.stop('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    inFlight.finish()
    expect(await inFlight.response).toEqual({ status: 201 })
    expect(await exited).toBe(0)
    server = undefined

    const cli = await runTs(
      'src/cli/main.ts',
      ['token', 'create', '--role', 'district', '--district', '510104', '--name', '锦江区值班'],
      env(),
    )
    expect(cli.code, cli.stderr).toBe(0)
    const districtToken = cli.stdout.trim().split('\n').at(-1) ?? ''
    expect(districtToken).toMatch(/^rs_[A-Za-z0-9_-]{43}$/)

    server = await startServer(env(), SLOW)
    expect(server.output()).not.toContain('shown once')
    const again = await json(fetch(`${server.url}/api/v1/incidents`, { headers: auth }))
    // The demo was not seeded twice: the demo and the incident made during shutdown, nothing more.
    expect(again.items.map((i: { title: string }) => i.title).sort()).toEqual(
      [...incidents.items.map((i: { title: string }) => i.title), '停机时的请求'].sort(),
    )
    const tasks = await fetch(`${server.url}/api/v1/tasks`, {
      headers: { authorization: `Bearer ${districtToken}` },
    })
    expect(tasks.status).toBe(200)
    const body = (await tasks.json()) as { items: { district: string }[] }
    expect(body.items.length).toBeGreaterThan(0)
    expect(body.items.every((t: { district: string }) => t.district === '510104')).toBe(true)
    expect(await server.stop('SIGTERM')).toBe(0)
    server = undefined

    const drill = await runTs('src/cli/main.ts', ['drill', 'swine-streptococcus', '--level', 'III'], env())
    expect(drill.code, drill.stderr).toBe(0)
    // Numbers 1–3: the demo drill, the demo announcement's disposal incident, the one made during shutdown.
    expect(drill.stdout).toMatch(/^FS-\d{4}-0004 \S+ exercise at level III in 20 district\(s\)/)
  })

  it('refuses to start with a bad setting, naming the variable', async () => {
    const r = await runTs('src/main.ts', [], { ...env(), PORT: 'eighty', TZ: 'Mars/Base' })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('PORT')
    expect(r.stderr).toContain('TZ')
  })

  it('refuses to start with an invalid playbook, naming file and field', { timeout: 240_000 }, async () => {
    const { writeFile, mkdir } = await import('node:fs/promises')
    const dir = join(dataDir, 'bad-playbooks')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'broken.yaml'), 'id: broken\nname: { zh: 坏, en: Broken }\n')
    const r = await runTs('src/main.ts', [], {
      ...env(),
      PLAYBOOKS_DIR: dir,
      DATA_DIR: join(dataDir, 'other'),
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/broken\.yaml: \S+: /)
    const cli = await runTs('src/cli/main.ts', ['playbooks', 'validate', join(dir, 'broken.yaml')], env())
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('broken.yaml')
  })
})

// Two processes on one embedded store each wrote their own WAL and lost each other's writes.
describe('the embedded store is held by one process', () => {
  let dataDir: string
  let server: Server | undefined
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '', SEED_DEMO: 'false' })

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'redshield-held-'))
  })
  afterAll(async () => {
    await server?.stop('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  })

  it('refuses a second server and a CLI command, naming the holder; a killed holder does not block', {
    timeout: 480_000,
  }, async () => {
    server = await startServer(env(), SLOW)
    // The holder is the node process serving (tsx runs it as a child of the process we spawned).
    const pid = JSON.parse(await readFile(join(dataDir, 'redshield.pid'), 'utf8')).pid as number
    expect(() => process.kill(pid, 0)).not.toThrow()

    const second = await runTs('src/main.ts', [], { ...env(), PORT: '0', HOST: '127.0.0.1' })
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`held by process ${pid}`)
    expect(second.stderr).toMatch(/Stop that process/)
    expect(second.stderr).not.toContain('shown once')

    const cli = await runTs('src/cli/main.ts', ['token', 'create', '--role', 'admin'], env())
    expect(cli.code).not.toBe(0)
    expect(cli.stdout).toBe('') // no token printed that would never work
    expect(cli.stderr).toContain(`held by process ${pid}`)
    expect(cli.stderr).toContain('POST /api/v1/tokens')

    // kill -9 leaves the holder record behind; the next start takes over at once.
    process.kill(pid, 'SIGKILL')
    await server.stop('SIGKILL')
    expect(JSON.parse(await readFile(join(dataDir, 'redshield.pid'), 'utf8')).pid).toBe(pid)
    server = await startServer(env(), SLOW)
    expect(server.output()).not.toContain('shown once') // the first start's token is still there
    expect(await server.stop('SIGTERM')).toBe(0)
    server = undefined
  })

  it('leaves no admin token behind when start-up fails (port in use)', { timeout: 360_000 }, async () => {
    const fresh = join(dataDir, 'fresh')
    const busy = createServer()
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok))
    const port = (busy.address() as AddressInfo).port
    try {
      const failed = await runTs('src/main.ts', [], {
        ...env(),
        DATA_DIR: fresh,
        PORT: String(port),
        HOST: '127.0.0.1',
      })
      expect(failed.code).toBe(1)
      expect(failed.stderr).toMatch(/port already in use/)
      expect(failed.stdout).not.toContain('shown once')
    } finally {
      busy.close()
    }
    // No token was made: the next successful start still makes (and prints) the first admin token.
    server = await startServer({ ...env(), DATA_DIR: fresh }, SLOW)
    expect(server.output()).toMatch(/admin token \(shown once\):\s*\n\s*rs_\S+/)
    expect(await server.stop('SIGTERM')).toBe(0)
    server = undefined
  })
})
