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
  // second one writes whatever that first write left behind.
  let ticks = 0
  const timer = setInterval(() => {
    if (ticks === 0) return
    ticks--
    stream.flush()
  }, FLUSH_MS)
  timer.unref()
  return pino(
    {
      ...options,
      hooks: {
        streamWrite: (line) => {
          ticks = 2
          return line
        },
      },
    },
    stream,
  )
}
