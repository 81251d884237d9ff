import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '../..')

/**
 * The Node flags `npm start` gives the service (package.json: `node <flags> --import tsx src/main.ts`), so the
 * benches run it as it runs; `startChildServer` adds the `--import tsx` itself.
 */
const startArgs = (
  JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .slice(1, -1)
export const SERVICE_NODE_FLAGS: string[] = startArgs.filter(
  (arg, i) => arg !== '--import' && startArgs[i - 1] !== '--import',
)

export interface ChildServer {
  url: string
  pid: number
  stop(): Promise<void>
}

/**
 * Runs a TypeScript entry in its own Node process (so the load generator does not share its event loop) and
 * resolves with the URL it prints once listening.
 */
export async function startChildServer(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
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
