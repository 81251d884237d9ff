import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import { migrations } from '../../db/migrations/index.js'
import type { DB } from './types.js'

const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
}

export function createMigrator(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider })
}

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await createMigrator(db).migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Names of migrations this build knows but the database has not applied. */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const all = await createMigrator(db).getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
