import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { validationFailed } from '../domain/errors.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import {
  after,
  currentCursor,
  cursorOf,
  type EventCursor,
  type ReadEvent,
  readEventsAfter,
  type StoredEvent,
} from './events.read.js'
import { IncidentScopes, scopeFor } from './stream-scope.js'

const TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/

const stream = securedRoute(ACCESS.readStream, {
  method: 'get',
  path: '/stream',
  operationId: 'streamEvents',
  tags: ['events'],
  summary: 'Live events (Server-Sent Events), scoped to the caller',
  description:
    'Each message: `id:` the event id, `data:` the event as JSON (the `Event` schema, as on the incident ' +
    'timeline; no `event:` field, so `onmessage` gets all). ' +
    'Reconnect with `Last-Event-ID` to receive exactly the events missed, then live ones. A comment line ' +
    'is sent as a heartbeat when nothing else was sent for `STREAM_HEARTBEAT_MS` (15 s). The stream ends ' +
    'with a comment when the token is revoked (`: token revoked`, on any instance), or when the client has ' +
    'fallen `STREAM_MAX_BEHIND` events behind (`: too far behind`; resume with `Last-Event-ID`). Scope: an event reaches ' +
    'a role that may read its resource through the API (`x-access` of the read operations; alerts are ' +
    'public), and a district only its own district’s events and those of incidents covering it. Payloads ' +
    'carry no personal or secret fields (logins, names, phones, full webhook URLs).',
  request: {
    query: z.object({
      types: z.string().max(2000).optional().openapi({
        description: 'Comma list of event types or prefixes (`task.*`); narrows, never widens',
      }),
    }),
    headers: z.object({
      'last-event-id': z.string().max(40).optional().openapi({ description: 'Resume after this event id' }),
    }),
  },
  responses: {
    200: {
      description: 'An endless text/event-stream',
      content: { 'text/event-stream': { schema: z.string() } },
    },
  },
})

function parseTypes(raw: string | undefined): string[] | null {
  if (raw === undefined || raw.trim() === '') return null
  const items = raw.split(',').map((s) => s.trim())
  const bad = items.filter((s) => !TYPE_PATTERN.test(s))
  if (bad.length > 0)
    throw validationFailed(
      bad.map((b) => ({
        path: 'query.types',
        message: `"${b.slice(0, 60)}" is not an event type or prefix (e.g. task.acknowledged, task.*)`,
        code: 'invalid_type',
      })),
    )
  return items
}

function parseLastEventId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  if (!/^\d{1,15}$/.test(raw.trim()))
    throw validationFailed([
      {
        path: 'header.last-event-id',
        message: 'must be an event id (digits)',
        code: 'invalid_last_event_id',
      },
    ])
  return Number(raw.trim())
}

const encoder = new TextEncoder()
/**
 * The SSE message of an event, made once and shared by every stream that shows it: an event is immutable,
 * and the bus hands the same object to all its listeners, so a fan-out to a thousand streams serialises and
 * encodes it once, not a thousand times. (Events read for a catch-up are new objects: made once per stream.)
 */
const frames = new WeakMap<StoredEvent, Uint8Array>()
function frameOf(e: StoredEvent): Uint8Array {
  let frame = frames.get(e)
  if (!frame) {
    // JSON has no raw line breaks, so the data is one line.
    frame = encoder.encode(`data: ${JSON.stringify(e)}\nid: ${e.id}\n\n`)
    frames.set(e, frame)
  }
  return frame
}

/** Several messages in one write (one chunk through the stream, one write to the socket). */
function joined(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * The body of one stream, fed by this route directly: a write is one synchronous enqueue of bytes (shared
 * frames as they are), with no writer promise and no TransformStream between the route and the server's
 * socket writes. `buffered` is how many events are written but not yet taken for the socket: a client that
 * reads too slowly shows there, and is ended as too far behind like one whose bus queue grows.
 */
class SseBody {
  readonly body: ReadableStream<Uint8Array>
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null
  private readonly counts = new WeakMap<Uint8Array, number>()
  private cancelled: () => void = () => {}

  constructor() {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
        },
        cancel: () => {
          this.controller = null
          this.cancelled()
        },
      },
      { highWaterMark: 0, size: (chunk) => this.counts.get(chunk) ?? 1 },
    )
  }

  /** Called when the client goes away (the server cancels the body). */
  onCancel(fn: () => void): void {
    this.cancelled = fn
  }

  /** `events`: how many messages the bytes hold (a shared single frame counts one). */
  write(bytes: Uint8Array, events: number): void {
    if (!this.controller) return
    if (events !== 1) this.counts.set(bytes, events)
    this.controller.enqueue(bytes)
  }

  comment(text: string): void {
    this.write(encoder.encode(`: ${text}\n\n`), 1)
  }

  buffered(): number {
    return Math.max(0, -(this.controller?.desiredSize ?? 0))
  }

  close(): void {
    try {
      this.controller?.close()
    } catch {
      // already closed or errored by the client going away
    }
    this.controller = null
  }
}

export function streamRoutes({ db, events: bus, metrics, config, logger }: AppDeps) {
  const incidents = new IncidentScopes(db)
  return newRouter().openapi(stream, async (c) => {
    const actor = c.get('actor')
    if (!actor) throw new Error('securedRoute guarantees an actor')
    const types = parseTypes(c.req.valid('query').types)
    const lastId = parseLastEventId(c.req.valid('header')['last-event-id'])
    const visible = scopeFor(actor, types, incidents)

    const out = new SseBody()
    const run = async () => {
      let closed = false
      // Why the server ends the stream, said in a last comment; the client's own close needs no word.
      let ending: 'token revoked' | 'too far behind' | null = null
      let wake: (() => void) | null = null
      const queue: ReadEvent[] = []
      // Subscribe before reading the table, so nothing committed in between can fall through.
      const unsubscribe = bus.subscribe({
        events: (batch) => {
          if (batch.some((r) => r.event.type === 'token.revoked' && r.event.subject === actor.id))
            ending = 'token revoked'
          else if (queue.length + batch.length + out.buffered() > config.STREAM_MAX_BEHIND)
            ending = 'too far behind'
          else queue.push(...batch)
          wake?.()
        },
        closed: () => {
          closed = true
          wake?.()
        },
      })
      metrics.streamSubscribers.inc()
      out.onCancel(() => {
        closed = true
        wake?.()
      })
      try {
        let cursor: EventCursor = bus.position() ?? (await currentCursor(db))
        /** Sends what this caller may see of `events` (in order, each past the cursor) in one write. */
        const send = async (events: ReadEvent[]) => {
          const frames: Uint8Array[] = []
          for (const r of events) {
            // The bus and the catch-up may both hold an event: the cursor lets each through once.
            if (!after(r.cursor, cursor)) continue
            cursor = r.cursor
            const shown = visible(r.event)
            if (shown === true || (shown !== false && (await shown))) frames.push(frameOf(r.event))
          }
          if (frames.length > 0) out.write(joined(frames), frames.length)
        }
        out.comment('connected')
        if (lastId !== undefined) {
          // Catch up from the table: exactly what this client has not seen, in the bus's order.
          cursor = (await cursorOf(db, lastId)) ?? { txid: 0n, id: 0 }
          for (;;) {
            const batch = await readEventsAfter(db, cursor, 500)
            await send(batch)
            if (batch.length < 500 || closed || ending) break
          }
        }
        while (!closed && !ending) {
          if (queue.length === 0) {
            let timer: NodeJS.Timeout | undefined
            await new Promise<void>((resolve) => {
              wake = resolve
              timer = setTimeout(resolve, config.STREAM_HEARTBEAT_MS)
            })
            wake = null
            clearTimeout(timer)
            if (queue.length === 0 && !closed && !ending) out.comment('heartbeat')
            continue
          }
          await send(queue.splice(0))
        }
        if (ending && !closed) out.comment(ending)
      } finally {
        unsubscribe()
        metrics.streamSubscribers.dec()
        out.close()
      }
    }
    run().catch((err: unknown) => logger.debug({ err }, 'stream ended'))
    c.header('Transfer-Encoding', 'chunked')
    c.header('Content-Type', 'text/event-stream')
    c.header('Cache-Control', 'no-cache')
    c.header('Connection', 'keep-alive')
    return c.newResponse(out.body)
  })
}
