import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '../..')

const scripts = (
  JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string; cli: string }
  }
).scripts
const isAssignment = (arg: string) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)

/**
 * A package.json script's last command (`… && NAME=value … exec <runner> <flags> <entry>`): the variables it
 * sets (glibc's malloc tunables), the runner's flags, and the entry.
 */
function launch(script: string) {
  const words =
    script
      .split('&&')
      .at(-1)
      ?.trim()
      .split(/\s+/)
      .filter((arg) => arg !== 'exec') ?? []
  const command = words.filter((arg) => !isAssignment(arg))
  return {
    env: Object.fromEntries(
      words.filter(isAssignment).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
    ) as Record<string, string>,
    flags: command.slice(1, -1),
    entry: command.at(-1),
  }
}

/** How `npm start` runs the service, so the benches run it as it runs. */
const start = launch(scripts.start)
export const SERVICE_ENV = start.env
export const SERVICE_NODE_FLAGS: string[] = start.flags
/** How `npm run cli` runs the command line (a file import among others): its variables and Node flags. */
const cli = launch(scripts.cli)
export const CLI_ENV = cli.env
export const CLI_NODE_FLAGS: string[] = cli.flags
/** The service as production runs it: compiled JavaScript (`npm run build`; the benches build it first). */
export const SERVICE_ENTRY = start.entry ?? 'dist/main.js'

/** Builds dist/ when it is missing or stale, as `npm start` does. */
export function buildService(): void {
  execFileSync(process.execPath, [resolve(REPO_ROOT, 'src/build.mjs'), '--if-stale'], {
    stdio: 'inherit',
  })
}

export interface ChildServer {
  url: string
  pid: number
  stop(): Promise<void>
}

/**
 * Runs an entry (TypeScript through tsx, or built JavaScript) in its own Node process (so the load generator does not share its event loop) and
 * resolves with the URL it prints once listening.
 */
export async function startChildServer(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  // TypeScript entries (the bare servers of the benches) through tsx; the service's build as it is.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loader, entry], {
    cwd: REPO_ROOT,
    // The service gets the start script's environment as well as its flags.
    env: { ...process.env, ...(entry === SERVICE_ENTRY ? SERVICE_ENV : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000)
  })
  const url = await new Promise<string>((ok, fail) => {
    let stdout = ''
    const timer = setTimeout(() => fail(new Error(`${entry} did not start in 60 s\n${stderr}`)), 60_000)
    // Only until the URL shows: kept on, it would keep every access-log line and rescan them all on each
    // chunk, and that quadratic work in the bench process would slow the load generator beside it.
    const onData = (b: Buffer) => {
      stdout += b.toString()
      const m = /http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(stdout)
      if (m) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        ok(`http://127.0.0.1:${m[1]}`)
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`${entry} exited with ${code} before listening\n${stderr}`))
    })
  })
  // Keep draining output so a chatty child never blocks on a full pipe.
  child.stdout?.resume()
  const pid = child.pid ?? -1
  return {
    url,
    pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(force)
    },
  }
}
