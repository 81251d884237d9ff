import type { Kysely } from 'kysely'
import type { Database } from '../db/client.js'
import type { Unlisten } from '../db/listen.js'
import type { DB } from '../db/types.js'
import type { Logger } from '../logger.js'
import {
  after,
  type CursorRow,
  currentCursor,
  type EventCursor,
  type ReadEvent,
  readEventsUpTo,
  readFinishedAfter,
  toReadEvent,
  xidFence,
} from './events.read.js'

export const EVENTS_CHANNEL = 'rs_events'
const BATCH = 500

export interface BusListener {
  /** Events in (txid, id) order, each exactly once per bus; must not throw. */
  events(batch: ReadEvent[]): void
  /** The bus stopped (shutdown): end what depends on it. */
  closed?(): void
}

/** What the `events` trigger notifies (db/migrations/…-event-notify-rows.ts): the statement's events, or its last id. */
interface Notice {
  /** The statement's last event, in (txid, id) order; undefined for a bare id (the trigger before). */
  at: EventCursor | undefined
  /** The rows, when they fitted, and the writer was the oldest transaction running when it wrote them. */
  deliverable: ReadEvent[] | undefined
}

function parseNotice(payload: string): Notice {
  if (!payload.startsWith('{')) return { at: undefined, deliverable: undefined }
  try {
    const n = JSON.parse(payload) as {
      txid: string
      oldest?: boolean
      max?: number
      events?: Omit<CursorRow, 'txid_text'>[]
    }
    const events = n.events?.map((r) => toReadEvent({ ...r, txid_text: n.txid }))
    const last = events?.at(-1)?.cursor ?? { txid: BigInt(n.txid), id: Number(n.max) }
    return { at: last, deliverable: n.oldest === true ? events : undefined }
  } catch {
    return { at: undefined, deliverable: undefined }
  }
}

/**
 * Committed events, pushed to in-process listeners. A trigger on `events` notifies `rs_events` at commit
 * (PostgreSQL: a dedicated LISTEN connection; PGlite: in-process); the bus then reads the table from its
 * cursor (see `readEventsAfter` for why the cursor is (txid, id)). Notifications only wake it: a lost one,
 * or a reconnect after a database restart, is covered by reading from the cursor again, and a slow poll
 * covers the rest. Events written by any instance reach every listener of every instance.
 *
 * The fast path: a notification that carries its events, written by the oldest transaction then running,
 * is handed on without reading the table when nothing else is outstanding. That is safe because PostgreSQL
 * delivers notifications in commit order and no transaction with a lower xid can start after a write:
 * by the writer's commit every transaction that could place an event before these has ended, so each such
 * event was notified earlier, and "nothing outstanding" means it was delivered. Two things could break the
 * chain, and both turn the fast path off until a read whose horizon passes a `fence` taken afterwards has
 * caught up: events committed while no LISTEN was active (at start, or a reconnect); and a notification that
 * does not say where it stands (a bare id, from the trigger before that migration).
 */
export class EventBus {
  private cursor: EventCursor | null = null
  private readonly listeners = new Set<BusListener>()
  private unlisten: Unlisten | null = null
  private poll: NodeJS.Timeout | null = null
  private retry: NodeJS.Timeout | null = null
  private reading: Promise<void> | null = null
  private again = false
  /** Notified positions past the cursor: events committed and announced but not delivered yet. */
  private outstanding: EventCursor[] = []
  /** The xid below which every transaction had ended once LISTEN was on; null until taken (or after a reconnect). */
  private fence: bigint | null = null
  /** A read's horizon has passed the fence: every event committed before LISTEN was on has been delivered. */
  private fenced = false
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
      notify: (payload) => this.notified(parseNotice(payload)),
      reconnected: () => {
        this.logger.info('event bus: LISTEN connection back, catching up')
        this.unfence()
        this.wake()
      },
    })
    this.poll = setInterval(() => this.wake(), this.opts.pollMs)
    this.poll.unref()
    this.wake()
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

  private notified(notice: Notice): void {
    const cursor = this.cursor
    if (this.stopped || cursor === null) return
    if (notice.at === undefined) this.unfence()
    else if (after(notice.at, cursor)) this.outstanding.push(notice.at)
    else return // delivered already, by a read that came first
    const events = notice.deliverable
    if (
      events &&
      this.fenced &&
      !this.reading &&
      !this.retry &&
      this.outstanding.length === 1 &&
      events[0] &&
      after(events[0].cursor, cursor)
    ) {
      this.deliver(events)
      return
    }
    this.wake()
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
        } else if ((this.outstanding.length > 0 || !this.fenced) && !this.retry && !this.stopped) {
          // A notified event is held back behind an older open transaction, or events may have committed
          // unannounced (a reconnect) behind one: look again soon, less often the longer it lasts (an
          // idle-in-transaction session elsewhere must not make this spin).
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

  /** Events may have committed unannounced: no fast path until a read has passed a new fence. */
  private unfence(): void {
    this.fence = null
    this.fenced = false
  }

  private deliver(batch: ReadEvent[]): void {
    const last = batch.at(-1)
    if (!last) return
    this.cursor = last.cursor
    const cursor = last.cursor
    this.outstanding = this.outstanding.filter((at) => after(at, cursor))
    for (const l of this.listeners) {
      try {
        l.events(batch)
      } catch (err) {
        this.logger.error({ err }, 'event bus listener failed')
      }
    }
  }

  private async drain(): Promise<void> {
    // Taken once LISTEN is on, before the read below: see the class comment.
    if (this.fence === null) this.fence = await xidFence(this.db)
    const fence = this.fence
    for (;;) {
      const from = this.cursor
      if (from === null || this.stopped) return
      // The one-statement read first; when it stops short of an event a notification announced (a
      // transaction open in another database holds its horizon back), the exact horizon (see events.read.ts).
      let read = await readFinishedAfter(this.db, from, BATCH)
      const end = read.events.at(-1)?.cursor ?? from
      // Also while not fenced yet: this read's horizon is server-wide, and may stay below the fence for long.
      if (
        read.events.length < BATCH &&
        (this.outstanding.some((at) => after(at, end)) || (!this.fenced && read.horizon < fence))
      )
        read = await readEventsUpTo(this.db, from, BATCH)
      this.deliver(read.events)
      if (read.events.length < BATCH) {
        if (read.horizon >= fence && this.fence === fence) this.fenced = true
        return
      }
    }
  }
}
