import type { Kysely } from 'kysely'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import type { DB } from './db/types.js'
import type { DistrictDirectory } from './districts/district-directory.js'
import type { EventBus } from './events/event-bus.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics/metrics.js'
import type { PlaybookRegistry } from './playbooks/playbook.registry.js'

/** Everything a route or a job needs, passed in: tests swap the clock and the database. */
export interface AppDeps {
  config: Config
  database: Database
  db: Kysely<DB>
  logger: Logger
  clock: Clock
  playbooks: PlaybookRegistry
  districts: DistrictDirectory
  /** Committed events, pushed (stream, webhooks, later caches and boards). */
  events: EventBus
  /** Prometheus instruments: modules update them (`deps.metrics.escalationsFired.inc()`). */
  metrics: Metrics
}
