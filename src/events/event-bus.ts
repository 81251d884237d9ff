import type { Kysely } from 'kysely'
import type { Database } from '../db/client.js'
import type { Unlisten } from '../db/listen.js'
import type { DB } from '../db/types.js'
import type { Logger } from '../logger.js'
import {
  currentCursor,
  type EventCursor,
  type ReadEvent,
  readEventsAfter,
  readFinishedAfter,
} from './events.read.js'

export const EVENTS_CHANNEL = 'rs_events'
const BATCH = 500

export interface BusListener {
  /** Events in (txid, id) order, each exactly once per bus; must not throw. */
  events(batch: ReadEvent[]): void
  /** The bus stopped (shutdown): end what depends on it. */
  closed?(): void
}

/**
 * Committed events, pushed to in-process listeners. A trigger on `events` notifies `rs_events` at commit
 * (PostgreSQL: a dedicated LISTEN connection; PGlite: in-process); the bus then reads the table from its
 * cursor (see `readEventsAfter` for why the cursor is (txid, id)). Notifications only wake it: a lost one,
 * or a reconnect after a database restart, is covered by reading from the cursor again, and a slow poll
 * covers the rest. Events written by any instance reach every listener of every instance.
 */
export class EventBus {
  private cursor: EventCursor | null = null
  private readonly listeners = new Set<BusListener>()
  private unlisten: Unlisten | null = null
  private poll: NodeJS.Timeout | null = null
  private retry: NodeJS.Timeout | null = null
  private reading: Promise<void> | null = null
  private again = false
  private notifiedMax = 0
  private deliveredMax = 0
  private heldDelay = 25
  private stopped = false

  constructor(
    private readonly db: Kysely<DB>,
    private readonly database: Pick<Database, 'listen'>,
    private readonly logger: Logger,
    private readonly opts: { pollMs: number } = { pollMs: 1000 },
  ) {}

  async start(): Promise<void> {
    this.cursor = await currentCursor(this.db)
    this.unlisten = await this.database.listen(EVENTS_CHANNEL, {
      notify: (payload) => {
        const id = Number.parseInt(payload, 10)
        if (Number.isFinite(id)) this.notifiedMax = Math.max(this.notifiedMax, id)
        this.wake()
      },
      reconnected: () => {
        this.logger.info('event bus: LISTEN connection back, catching up')
        this.wake()
      },
    })
    this.poll = setInterval(() => this.wake(), this.opts.pollMs)
    this.poll.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.poll) clearInterval(this.poll)
    if (this.retry) clearTimeout(this.retry)
    await this.unlisten?.()
    await this.reading
    for (const l of this.listeners) l.closed?.()
    this.listeners.clear()
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  get subscribers(): number {
    return this.listeners.size
  }

  /** Where the bus stands: everything up to here has been handed to the listeners subscribed then. */
  position(): EventCursor | null {
    return this.cursor
  }

  /** Read now (coalesced): after a notification, a poll tick, or a write this process knows of. */
  wake(): void {
    if (this.stopped || this.cursor === null) return
    if (this.reading) {
      this.again = true
      return
    }
    this.reading = this.drain()
      .catch((err: unknown) => this.logger.warn({ err }, 'event bus: read failed, retrying on next wake'))
      .finally(() => {
        this.reading = null
        if (this.again) {
          this.again = false
          this.wake()
        } else if (this.deliveredMax < this.notifiedMax && !this.retry && !this.stopped) {
          // A notified event is held back behind an older open transaction: look again soon, less often
          // the longer it lasts (an idle-in-transaction session elsewhere must not make this spin).
          this.retry = setTimeout(() => {
            this.retry = null
            this.wake()
          }, this.heldDelay)
          this.retry.unref()
          this.heldDelay = Math.min(this.heldDelay * 2, 200, this.opts.pollMs)
        } else {
          this.heldDelay = 25
        }
      })
  }

  private async drain(): Promise<void> {
    for (;;) {
      const from = this.cursor
      if (from === null || this.stopped) return
      // The one-statement read first; when it stops short of an event a notification announced (a
      // transaction open in another database holds its horizon back), the exact horizon (see events.read.ts).
      let batch = await readFinishedAfter(this.db, from, BATCH)
      if (
        batch.length < BATCH &&
        this.notifiedMax > batch.reduce((m, r) => Math.max(m, r.event.id), this.deliveredMax)
      )
        batch = await readEventsAfter(this.db, from, BATCH)
      const last = batch.at(-1)
      if (!last) return
      this.cursor = last.cursor
      for (const r of batch) this.deliveredMax = Math.max(this.deliveredMax, r.event.id)
      for (const l of this.listeners) {
        try {
          l.events(batch)
        } catch (err) {
          this.logger.error({ err }, 'event bus listener failed')
        }
      }
      if (batch.length < BATCH) return
    }
  }
}
