import { resolve } from 'node:path'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import { prepareCreditRules } from './credit/credit.service.js'
import { type Database, openDatabase } from './db/client.js'
import { migrateToLatest } from './db/migrate.js'
import { DistrictDirectory } from './districts/district-directory.js'
import { seedDistricts } from './districts/districts.seed.js'
import type { Logger } from './logger.js'
import { loadPlaybookDir } from './playbooks/playbook.loader.js'
import { PlaybookRegistry, syncPlaybooks } from './playbooks/playbook.registry.js'

export const DISTRICTS_CSV = resolve(import.meta.dirname, '../db/seed/districts.csv')

/** Opens the database and brings it to the state the code expects: schema, reference data, playbooks. */
export async function prepare(config: Config, logger: Logger, clock: Clock) {
  // An invalid playbook stops start-up before anything else: PlaybookValidationError names file, field, reason.
  const loaded = await loadPlaybookDir(resolve(config.PLAYBOOKS_DIR))
  const database: Database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    sharedBuffers: config.PGLITE_SHARED_BUFFERS,
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMillis: config.DB_STATEMENT_TIMEOUT_MS,
    acquireTimeoutMillis: config.DB_ACQUIRE_TIMEOUT_MS,
    // A lost connection is survived (503 meanwhile, reconnect after); the operator still sees it happen.
    onError: (err, where) => logger.warn({ err: err.message, where }, 'database connection lost'),
  })
  try {
    const applied = await migrateToLatest(database.db)
    if (applied.length > 0) logger.info({ applied }, 'migrations applied')
    const districts = await seedDistricts(database.db, DISTRICTS_CSV)
    await syncPlaybooks(database.db, clock, loaded)
    const credit = await prepareCreditRules(database.db, resolve(config.PLAYBOOKS_DIR), clock.now())
    logger.info(
      {
        database: database.kind,
        districts,
        playbooks: loaded.map((l) => `${l.playbook.id}@${l.hash.slice(0, 12)}`),
        creditRules: `${credit.version}@${credit.hash.slice(0, 12)}`,
        ...(credit.changed && { reclassified: credit.reclassified }),
      },
      'database ready',
    )
    return {
      database,
      playbooks: new PlaybookRegistry(loaded),
      districts: await DistrictDirectory.load(database.db),
    }
  } catch (err) {
    await database.close()
    throw err
  }
}
