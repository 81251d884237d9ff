import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { DB } from '../db/types.js'
import type { LoadedPlaybook } from './playbook.loader.js'
import type { Playbook } from './playbook.schema.js'

/** The playbooks loaded at start (current versions) and every stored version by hash. */
export class PlaybookRegistry {
  private readonly current = new Map<string, LoadedPlaybook>()
  private readonly versions = new Map<string, Playbook>()

  constructor(loaded: LoadedPlaybook[]) {
    for (const l of loaded) {
      this.current.set(l.playbook.id, l)
      this.versions.set(l.hash, l.playbook)
    }
  }

  list(): LoadedPlaybook[] {
    return [...this.current.values()]
  }

  get(id: string): LoadedPlaybook | undefined {
    return this.current.get(id)
  }

  /** The version an incident pinned; it was stored at activation, so its absence is a broken database. */
  async pinned(db: Kysely<DB>, hash: string): Promise<Playbook> {
    const playbook = await this.version(db, hash)
    if (!playbook) throw new Error(`playbook version ${hash} is missing from playbook_versions`)
    return playbook
  }

  /** A pinned version: from memory when loaded now, else from the database (an older file). */
  async version(db: Kysely<DB>, hash: string): Promise<Playbook | undefined> {
    const cached = this.versions.get(hash)
    if (cached) return cached
    const row = await db
      .selectFrom('playbook_versions')
      .select('definition')
      .where('hash', '=', hash)
      .executeTakeFirst()
    if (!row) return undefined
    const playbook = row.definition as Playbook
    this.versions.set(hash, playbook) // versions are immutable: safe to keep
    return playbook
  }
}

/** Stores each loaded version by content hash and points each playbook at its current one. */
export async function syncPlaybooks(db: Kysely<DB>, clock: Clock, loaded: LoadedPlaybook[]): Promise<void> {
  if (loaded.length === 0) return
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('playbook_versions')
      .values(
        loaded.map((l) => ({
          hash: l.hash,
          playbook_id: l.playbook.id,
          definition: JSON.stringify(l.playbook),
          source: l.source,
          loaded_at: now,
        })),
      )
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute()
    await trx
      .insertInto('playbooks')
      .values(loaded.map((l) => ({ id: l.playbook.id, current_hash: l.hash, path: l.path, updated_at: now })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          current_hash: eb.ref('excluded.current_hash'),
          path: eb.ref('excluded.path'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute()
  })
}
