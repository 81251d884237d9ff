import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { DB } from '../db/types.js'
import type { Logger } from '../logger.js'
import { createMetrics, registerDatabaseGauges } from '../metrics/metrics.js'
import { EventBus } from './event-bus.js'

/** The app's live parts: metrics (with gauges read on scrape) and a started event bus. */
export async function startLive(opts: {
  database: Pick<Database, 'listen'>
  db: Kysely<DB>
  logger: Logger
  config: Pick<Config, 'EVENT_POLL_MS'>
}) {
  const metrics = createMetrics()
  registerDatabaseGauges(metrics, opts.db)
  const events = new EventBus(opts.db, opts.database, opts.logger, { pollMs: opts.config.EVENT_POLL_MS })
  await events.start()
  return { metrics, events }
}
