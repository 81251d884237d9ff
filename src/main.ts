import type { AddressInfo, Server } from 'node:net'
import { createApp } from './app.js'
import { prepare } from './boot.js'
import { systemClock } from './clock.js'
import { ConfigError, loadConfig } from './config.js'
import { StoreLockedError } from './db/store-lock.js'
import { seedDemo } from './demo/demo.seed.js'
import { startLive } from './events/live.js'
import { startScheduler } from './jobs/scheduler.js'
import { createLogger } from './logger.js'
import { PlaybookValidationError } from './playbooks/playbook.loader.js'
import { serveApp } from './public/fast-reads.js'
import { bootstrapAdminToken } from './tokens/bootstrap.js'

class ListenError extends Error {}

/** Resolves once the server accepts connections; rejects (port in use, no permission) otherwise. */
function listening(server: Server): Promise<void> {
  return new Promise((ok, fail) => {
    const onError = (err: NodeJS.ErrnoException) => {
      fail(
        new ListenError(
          err.code === 'EADDRINUSE'
            ? `端口已被占用 / port already in use (${err.message}): set PORT to a free port.`
            : `cannot listen: ${err.message}`,
        ),
      )
    }
    server.once('error', onError)
    server.once('listening', () => {
      server.off('error', onError)
      ok()
    })
  })
}

async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL)
  const clock = systemClock
  const { database, playbooks, districts } = await prepare(config, logger, clock)
  const live = await startLive({ database, db: database.db, logger, config })
  const deps = { config, logger, clock, database, db: database.db, playbooks, districts, ...live }

  if (config.SEED_DEMO) await seedDemo(deps)

  const app = createApp(deps)
  const server = serveApp(app, { port: config.PORT, hostname: config.HOST })
  try {
    await listening(server)
  } catch (err) {
    await live.events.stop()
    await database.close()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  logger.info({ port, database: database.kind }, 'redshield listening')
  // The first admin token is made only once the service is serving: a start that fails (port in use)
  // must not leave behind a token whose secret nobody saw.
  const adminToken = await bootstrapAdminToken(database.db, clock)
  const url = `http://localhost:${port}`
  process.stdout.write(
    `\n  红盾 Redshield  ${url}\n  API reference  ${url}/docs\n  Public health  ${url}/health\n` +
      (adminToken ? `\n  管理员令牌（只显示这一次）/ admin token (shown once):\n  ${adminToken}\n\n` : '\n'),
  )
  // Every job, the board consumer (boards recomputed within moments of a publication or alert) included.
  const scheduler = config.SCHEDULER ? startScheduler(deps) : null

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones')
    scheduler?.stop()
    // Ends every open stream, which would otherwise hold server.close() open.
    const busStopped = live.events
      .stop()
      .catch((err: unknown) => logger.warn({ err }, 'event bus did not stop cleanly'))
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    server.close(async () => {
      await scheduler?.idle()
      await busStopped
      await database.close()
      logger.info('stopped')
      logger.flush(() => process.exit(0))
    })
    // Idle keep-alive sockets would hold close() open.
    ;(server as { closeIdleConnections?: () => void }).closeIdleConnections?.()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err: unknown) => {
  if (
    err instanceof ConfigError ||
    err instanceof PlaybookValidationError ||
    err instanceof StoreLockedError ||
    err instanceof ListenError
  ) {
    process.stderr.write(`${err.message}\n`)
  } else {
    process.stderr.write(
      `start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
  }
  process.exit(1)
})
