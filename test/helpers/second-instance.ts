import type { AddressInfo } from 'node:net'
import { createApp } from '../../src/app.js'
import { openPostgres } from '../../src/db/client.js'
import type { AppDeps } from '../../src/deps.js'
import { startLive } from '../../src/events/live.js'
import { serveApp } from '../../src/public/fast-reads.js'
import type { TestApp } from './test-app.js'

export interface Instance {
  baseUrl: string
  deps: AppDeps
  close(): Promise<void>
}

/** Another app (own pool, own event bus, own server) over the same PostgreSQL database as `t`. */
export async function secondInstance(t: TestApp): Promise<Instance> {
  if (!t.testDb.url) throw new Error('a second instance needs PostgreSQL')
  const database = openPostgres({ url: t.testDb.url, poolSize: 5 })
  const live = await startLive({ database, db: database.db, logger: t.deps.logger, config: t.deps.config })
  const deps: AppDeps = { ...t.deps, database, db: database.db, ...live }
  const app = createApp(deps)
  let server: ReturnType<typeof serveApp> | undefined
  const baseUrl = await new Promise<string>((ok) => {
    server = serveApp(app, { port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      ok(`http://127.0.0.1:${info.port}`),
    )
  })
  return {
    baseUrl,
    deps,
    close: async () => {
      await live.events.stop()
      await new Promise<void>((r) => {
        ;(server as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.()
        server?.close(() => r())
      })
      await database.close()
    },
  }
}
