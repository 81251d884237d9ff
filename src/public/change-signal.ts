import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'
import type { EventBus } from '../events/event-bus.js'

/**
 * Tells the public read cache when what it serves may have changed. `version()` returns a value that
 * changes whenever a public-facing event was committed: `BusChangeSignal` (the event bus, with a poll
 * behind it) in the app.
 */
export interface ChangeSignal {
  version(): Promise<number>
  /** The version without waiting, when it is known to be current; undefined when a check is due. */
  versionNow(): number | undefined
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

  versionNow(): number | undefined {
    return this.now() - this.checkedAt < this.intervalMs ? this.current : undefined
  }

  version(): Promise<number> {
    const now = this.versionNow()
    if (now !== undefined) return Promise.resolve(now)
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

const isPublicType = (type: string) => type.startsWith('alert.') || type.startsWith('announcement.')

/**
 * The change signal on the event bus: every committed public-facing event (alert.*, announcement.*) moves
 * the version, on every instance, as the bus delivers it (LISTEN/NOTIFY on PostgreSQL, within
 * milliseconds). The bus reads in commit order past a horizon, so an event that commits after a later id
 * (a late commit) still moves it — which polling `max(id)` would miss. The poll stays behind it, at its
 * own interval, as a fallback and for a caller's own writes before the notification arrives.
 */
export class BusChangeSignal implements ChangeSignal {
  private n = 0
  private polledAt = -1
  private readonly unsubscribe: () => void

  constructor(
    bus: EventBus,
    private readonly polled?: ChangeSignal,
  ) {
    this.unsubscribe = bus.subscribe({
      events: (batch) => {
        if (batch.some((e) => isPublicType(e.event.type))) this.n++
      },
    })
  }

  async version(): Promise<number> {
    if (this.polled) this.polledVersion(await this.polled.version())
    return this.n
  }

  versionNow(): number | undefined {
    if (!this.polled) return this.n
    const v = this.polled.versionNow()
    if (v === undefined) return undefined
    this.polledVersion(v)
    return this.n
  }

  private polledVersion(v: number): void {
    if (v === this.polledAt) return
    this.polledAt = v
    this.n++
  }

  stop(): void {
    this.unsubscribe()
  }
}
