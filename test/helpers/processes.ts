import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
// The service as `npm start` and the Dockerfile run it: node with tsx as a hook, no wrapper process. The tsx
// CLI relays a signal only if its child answers within 30 ms, and SIGKILLs it otherwise (exit 143 on a busy
// machine, an in-flight request cut off).
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))))
    })
  })
}

/** Runs a TypeScript entry point to completion; resolves with its exit code and output. */
export function runTs(entry: string, args: string[], env: Record<string, string>, input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
    const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), entry, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    })
    child.stdin.end(input)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('close', (code) => ok({ code, stdout, stderr }))
  })
}

export interface Server {
  child: ChildProcess
  url: string
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `src/main.ts` and waits until /health answers. */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<Server> {
  const port = await freePort()
  const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      SCHEDULER: 'false',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
  })
  let out = ''
  child.stdout?.on('data', (d) => {
    out += d
  })
  child.stderr?.on('data', (d) => {
    out += d
  })
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${out}`)
    try {
      if ((await fetch(`${url}/health`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not become healthy:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    child,
    url,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal)
      return exited
    },
  }
}
