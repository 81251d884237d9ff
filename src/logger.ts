import { pino } from 'pino'

export type Logger = pino.Logger

/**
 * Lines are gathered up to this many characters and handed to the destination as one string, written with one
 * system call: one `write` per access-log line was a measurable share of a cached public read's CPU. Gathered
 * here rather than by sonic-boom's `minLength`, which measures its whole pending buffer on every line (a cost
 * that grows with the batch). A quiet server still shows its lines within FLUSH_MS; `flush` and `flushSync`
 * (pino on exit, `main.ts` on shutdown) write what is gathered first. Each write hands the batch to libuv's
 * thread pool; 32 KB (about 150 access-log lines) keeps those hand-offs rare under load.
 */
const BATCH_CHARS = 32_768
const FLUSH_MS = 250

/** JSON lines to stdout, written asynchronously so a busy access log never blocks a request. */
export function createLogger(
  level: string,
  opts: { sync?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const options = { level, base: { service: 'redshield' }, timestamp: pino.stdTimeFunctions.isoTime }
  if (opts.destination) return pino(options, opts.destination)
  if (opts.sync) return pino(options, pino.destination({ dest: 1, sync: true }))
  const stream = pino.destination({ dest: 1, sync: false })
  let gathered: string[] = []
  let chars = 0
  const write = stream.write.bind(stream)
  const release = () => {
    if (gathered.length === 0) return
    const chunk = gathered.join('')
    gathered = []
    chars = 0
    write(chunk)
  }
  // Every line goes through here: pino's and the access log's (`accessLog`), in the order they were made.
  stream.write = (line: string) => {
    gathered.push(line)
    chars += line.length
    if (chars >= BATCH_CHARS) release()
    return true
  }
  const flush = stream.flush.bind(stream)
  stream.flush = (cb?: (err?: Error) => void) => {
    release()
    flush(cb)
  }
  const flushSync = stream.flushSync.bind(stream)
  stream.flushSync = () => {
    release()
    flushSync()
  }
  const timer = setInterval(release, FLUSH_MS)
  timer.unref()
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
