import { readFileSync } from 'node:fs'
import type pg from 'pg'

const TICK_MS = 10 // USER_HZ is 100 on Linux

/** CPU time (user + system) a process has used so far, in ms; undefined when /proc cannot tell (not Linux, gone). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : undefined
  } catch {
    return undefined
  }
}

async function backendPids(pool: pg.Pool, database: string): Promise<number[]> {
  const r = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
    database,
  ])
  return r.rows.map((row) => row.pid)
}

/** CPU used by our processes over a stretch of work: the load side, the server side, and PostgreSQL. */
export interface CpuSplit {
  /** The bench process (load generator, or pg client for the raw baselines). */
  benchMs: number
  /** The app server child, when there is one. */
  serverMs: number | undefined
  /** PostgreSQL backends connected to the bench database (server-side processes only; the WAL writer is not ours alone). */
  postgresMs: number | undefined
}

export interface CpuMeter {
  /** Freezes the bench and server figures now (synchronous: callable from inside a load generator). */
  mark(): void
  /** The split since start: bench and server up to mark() (or now), PostgreSQL backends up to now. */
  result(): Promise<CpuSplit>
}

/**
 * Starts CPU accounting. PostgreSQL backends are read on the local /proc, so that figure is only there when the
 * server runs on this machine; backends that appear during the run count from zero.
 */
export async function startCpu(pool: pg.Pool, database: string, serverPid?: number): Promise<CpuMeter> {
  const bench0 = process.cpuUsage()
  const server0 = serverPid === undefined ? undefined : processCpuMs(serverPid)
  const pg0 = new Map((await backendPids(pool, database)).map((pid) => [pid, processCpuMs(pid)]))
  let marked: { benchMs: number; serverMs: number | undefined } | undefined
  const mark = () => {
    if (marked) return
    const bench = process.cpuUsage(bench0)
    const server1 = serverPid === undefined ? undefined : processCpuMs(serverPid)
    marked = {
      benchMs: (bench.user + bench.system) / 1000,
      serverMs: server0 === undefined || server1 === undefined ? undefined : server1 - server0,
    }
  }
  return {
    mark,
    result: async () => {
      mark()
      let postgresMs: number | undefined = 0
      for (const pid of await backendPids(pool, database)) {
        const now = processCpuMs(pid)
        if (now === undefined) {
          postgresMs = undefined
          break
        }
        postgresMs += now - (pg0.get(pid) ?? 0)
      }
      return { benchMs: marked?.benchMs ?? Number.NaN, serverMs: marked?.serverMs, postgresMs }
    },
  }
}

/** CPU per operation, in µs, split by side. */
export interface CpuPerOp {
  benchUs: number
  serverUs: number | undefined
  postgresUs: number | undefined
}

export function perOp(split: CpuSplit, ops: number): CpuPerOp {
  const us = (v: number | undefined) => (v === undefined || ops === 0 ? undefined : (v / ops) * 1000)
  return {
    benchUs: us(split.benchMs) ?? Number.NaN,
    serverUs: us(split.serverMs),
    postgresUs: us(split.postgresMs),
  }
}
