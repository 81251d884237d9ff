import pg from 'pg'

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase {
  name: string
  url: string
  serverVersion: string
  drop(): Promise<void>
}

function withDatabase(serverUrl: string, name: string): string {
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  return u.toString()
}

async function admin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'redshield-bench' })
  client.on('error', () => {})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

/** A fresh database per run, so figures never depend on what an earlier run left behind. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `redshield_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`
  const serverVersion = await admin(serverUrl, async (c) => {
    await c.query(`CREATE DATABASE "${name}"`)
    const r = await c.query<{ server_version: string }>('SHOW server_version')
    return r.rows[0]?.server_version ?? 'unknown'
  })
  let dropped = false
  return {
    name,
    url: withDatabase(serverUrl, name),
    serverVersion,
    drop: async () => {
      if (dropped) return
      dropped = true
      await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    },
  }
}
