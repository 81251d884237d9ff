import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

// The embedded store (PGlite) is a single-user PostgreSQL: two processes opening the same DATA_DIR
// each write their own WAL and silently lose each other's writes. So one process holds the directory.
//
// The holder is recorded in DATA_DIR/redshield.pid with its pid. A process killed with -9 leaves that
// file behind; it is stale as soon as its pid is no longer alive, so the next start takes over at once
// (a time-based lock such as proper-lockfile's alone would block restarts for its stale period).
// Checking and writing the pid file is made atomic across processes with a short proper-lockfile mutex,
// so two processes starting together on a stale file cannot both take it.

export const HOLDER_FILE = 'redshield.pid'

export interface StoreHolder {
  pid: number
  host: string
  command: string
  startedAt: string
}

export class StoreLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: StoreHolder,
  ) {
    super(
      `数据目录 ${dataDir} 正被进程 ${holder.pid}（${holder.command}，${holder.startedAt} 启动）占用。\n` +
        `The embedded store ${dataDir} is held by process ${holder.pid} (${holder.command}, started ${holder.startedAt}` +
        ` on ${holder.host}).\n` +
        'Stop that process first (e.g. kill ' +
        `${holder.pid}), or, while it runs, use its API instead of this command ` +
        '(e.g. POST /api/v1/tokens to create a token).\n' +
        `If process ${holder.pid} is not Redshield, delete ${join(dataDir, HOLDER_FILE)} and try again.`,
    )
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(path: string): StoreHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoreHolder>
    return typeof parsed.pid === 'number' ? (parsed as StoreHolder) : null
  } catch {
    return null // missing or half-written: nobody holds it
  }
}

/**
 * Takes the embedded store in `dataDir` for this process, or throws StoreLockedError naming the process
 * that holds it. Returns the release function (also run on process exit).
 */
export async function holdStore(dataDir: string, command: string): Promise<() => void> {
  const dir = resolve(dataDir)
  const path = join(dir, HOLDER_FILE)
  // Loaded only here: proper-lockfile installs process-wide signal handlers (signal-exit), which a server
  // on PostgreSQL has no use for.
  const { default: lockfile } = await import('proper-lockfile')
  const releaseMutex = await lockfile.lock(dir, {
    lockfilePath: join(dir, '.redshield-claim.lock'),
    stale: 5000,
    retries: { retries: 40, minTimeout: 25, maxTimeout: 250 },
  })
  try {
    const holder = readHolder(path)
    if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new StoreLockedError(dir, holder)
    const me: StoreHolder = {
      pid: process.pid,
      host: hostname(),
      command,
      startedAt: new Date().toISOString(),
    }
    writeFileSync(path, `${JSON.stringify(me)}\n`)
  } finally {
    await releaseMutex()
  }
  let released = false
  const release = () => {
    if (released) return
    released = true
    process.off('exit', release)
    // Only remove our own record: never one a later holder wrote.
    if (readHolder(path)?.pid === process.pid) {
      try {
        unlinkSync(path)
      } catch {
        // already gone
      }
    }
  }
  process.on('exit', release)
  return release
}
