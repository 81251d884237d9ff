import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, ROOT } from './helpers/processes.js'

const run = promisify(execFile)

/**
 * Production runs the esbuild bundle (`npm start`: src/build.mjs, then `node dist/main.js`). The bundle
 * must start without tsx and still find what it reads at run time beside its sources: the stylesheet, the
 * console and kiosk scripts, the district list, swagger-ui's files. Built into a directory of its own, so
 * it does not race a `npm start` in the checkout; the store in a temporary directory.
 */
describe('the compiled service', () => {
  let dir: string
  let child: ChildProcess | undefined
  let url: string
  let output = ''
  let dataDir: string

  beforeAll(async () => {
    // Inside the checkout, so the bundle resolves its packages from node_modules as dist/ does.
    dir = await mkdtemp(join(ROOT, '.test-build-'))
    await run(process.execPath, ['src/build.mjs', `--outdir=${join(dir, 'dist')}`], { cwd: ROOT })
    dataDir = await mkdtemp(join(tmpdir(), 'redshield-build-'))
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    child = spawn(process.execPath, ['--max-semi-space-size=4', join(dir, 'dist', 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        SCHEDULER: 'false',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
      },
    })
    child.stdout?.on('data', (d) => {
      output += d
    })
    child.stderr?.on('data', (d) => {
      output += d
    })
    const deadline = Date.now() + 200_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dist/main.js exited ${child.exitCode}:\n${output}`)
      if (
        await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break
      if (Date.now() > deadline) throw new Error(`dist/main.js did not become healthy:\n${output}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }, 240_000)
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  })

  it('is plain JavaScript: no tsx, no TypeScript loaded', async () => {
    const bundle = await readFile(join(dir, 'dist', 'main.js'), 'utf8')
    expect(bundle).not.toMatch(/from ["']tsx/)
    expect(bundle).not.toMatch(/\.ts["']\)/)
  })

  it('serves pages, their static files, the API reference and the districts it seeded', async () => {
    const home = await fetch(`${url}/`)
    expect(home.status).toBe(200)
    const css = /\/assets\/site-[0-9a-f]+\.css/.exec(await home.text())?.[0]
    expect(css).toBeDefined()
    const sheet = await fetch(`${url}${css}`)
    expect(sheet.status).toBe(200)
    expect(sheet.headers.get('content-type')).toMatch(/text\/css/)
    expect((await sheet.text()).length).toBeGreaterThan(1000)
    const consoleJs = await fetch(`${url}/assets/console.js`)
    expect(consoleJs.status).toBe(200)
    expect((await consoleJs.text()).length).toBeGreaterThan(100)
    expect((await fetch(`${url}/docs`)).status).toBe(200)
    expect((await fetch(`${url}/docs/assets/swagger-ui.css`)).status).toBe(200)
    const districts = await fetch(`${url}/api/v1/districts`)
    expect(districts.status).toBe(200)
    expect(JSON.stringify(await districts.json())).toContain('510104')
  })

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((ok) => child?.once('exit', (code) => ok(code)))
    child?.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
