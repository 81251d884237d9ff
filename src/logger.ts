import { pino } from 'pino'

export type Logger = pino.Logger

/**
 * Lines are gathered up to this many bytes and written with one system call: one `write` per access-log
 * line was a measurable share of a cached public read's CPU. A quiet server still shows its lines within
 * FLUSH_MS, and pino flushes what is left when the process exits (and `main.ts` on shutdown).
 */
const BATCH_BYTES = 4096
const FLUSH_MS = 250

/** JSON lines to stdout, written asynchronously so a busy access log never blocks a request. */
export function createLogger(
  level: string,
  opts: { sync?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const options = { level, base: { service: 'redshield' }, timestamp: pino.stdTimeFunctions.isoTime }
  if (opts.destination) return pino(options, opts.destination)
  if (opts.sync) return pino(options, pino.destination({ dest: 1, sync: true }))
  const stream = pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES })
  // Flushed on the two ticks after a line: a flush while a write is still in flight does nothing, so the
  // second one writes whatever that first write left behind. Counted at the stream, which also takes the
  // access-log lines written without pino's serialiser (`accessLog`).
  let ticks = 0
  const timer = setInterval(() => {
    if (ticks === 0) return
    ticks--
    stream.flush()
  }, FLUSH_MS)
  timer.unref()
  const write = stream.write.bind(stream)
  stream.write = (line: string) => {
    ticks = 2
    return write(line)
  }
  return pino(options, stream)
}

export type AccessLog = (
  requestId: string,
  method: string,
  path: string,
  status: number,
  durationMs: number,
  actor?: string,
) => void

/**
 * Writes the access-log line (`msg: "request"`) for a request: exactly what `logger.info({requestId, method,
 * path, status, durationMs, actor}, 'request')` writes — the same level, time format, bindings and key order,
 * to the same destination — assembled as one string. It runs on every request, including the ones the fast
 * path answers from memory, where pino's general serialiser was a visible share of the CPU.
 */
export function accessLog(logger: Logger): AccessLog {
  // pino exports these symbols for exactly this: reaching its destination, time function and bindings.
  const internals = logger as unknown as Record<symbol, unknown>
  const stream = internals[pino.symbols.streamSym] as { write(line: string): unknown }
  const time = internals[pino.symbols.timeSym] as () => string
  const head = `{"level":${logger.levels.values.info}`
  return (requestId, method, path, status, durationMs, actor) => {
    if (!logger.isLevelEnabled('info')) return
    stream.write(
      `${head}${time()}${internals[pino.symbols.chindingsSym] as string},"requestId":${JSON.stringify(requestId)},` +
        `"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},"status":${status},` +
        `"durationMs":${durationMs}${actor === undefined ? '' : `,"actor":${JSON.stringify(actor)}`},"msg":"request"}\n`,
    )
  }
}
