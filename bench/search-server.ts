import { serve } from '@hono/node-server'
import { createApp } from '../src/app.js'
import { prepare } from '../src/boot.js'
import { systemClock } from '../src/clock.js'
import { loadConfig } from '../src/config.js'
import { startLive } from '../src/events/live.js'
import { createLogger } from '../src/logger.js'
import { syntheticEntries } from './lib/synthetic-samples.js'

// The app with SEARCH_SAMPLES synthetic published samples as an extra search source: what search costs once
// issue 8's samples are wired in. Prints its URL the way the app does.
const config = loadConfig()
const logger = createLogger(config.LOG_LEVEL)
const { database, playbooks, districts } = await prepare(config, logger, systemClock)
const live = await startLive({ database, db: database.db, logger, config })
const entries = syntheticEntries(Number(process.env.SEARCH_SAMPLES ?? 100_000))
const app = createApp(
  { config, logger, clock: systemClock, database, db: database.db, playbooks, districts, ...live },
  { searchSources: [{ entries: async () => entries }] },
)
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`search server listening http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
