import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'

/**
 * Tells the public read cache when what it serves may have changed. `version()` returns a value that
 * changes whenever a public-facing event was committed. Today it polls; the event bus (issue 7) can
 * implement the same interface with LISTEN/NOTIFY and answer from memory.
 */
export interface ChangeSignal {
  version(): Promise<number>
}

/** Event types whose commit changes a public page. Matches the partial index `events_public_idx`. */
export const PUBLIC_EVENT_FILTER = sql<boolean>`(type like 'alert.%' or type like 'announcement.%')`

/**
 * Looks at the newest public-facing event at most once per `intervalMs`, shared by every request of this
 * instance (concurrent callers wait on the same query), so a second instance sees a change within about
 * `intervalMs` and a busy instance pays one indexed query per interval, not one per request.
 */
export class PolledChangeSignal implements ChangeSignal {
  private current = -1
  private checkedAt = Number.NEGATIVE_INFINITY
  private inFlight: Promise<number> | null = null

  constructor(
    private readonly db: Kysely<DB>,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  version(): Promise<number> {
    if (this.now() - this.checkedAt < this.intervalMs) return Promise.resolve(this.current)
    this.inFlight ??= this.check().finally(() => {
      this.inFlight = null
    })
    return this.inFlight
  }

  private async check(): Promise<number> {
    const started = this.now()
    const row = await sql<{ max: number | string | null }>`
      select max(id) as max from events where ${PUBLIC_EVENT_FILTER}`.execute(this.db)
    this.current = Number(row.rows[0]?.max ?? 0)
    this.checkedAt = started
    return this.current
  }
}
