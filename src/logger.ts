import { pino } from 'pino'

export type Logger = pino.Logger

/** JSON lines to stdout, written asynchronously so a busy access log never blocks a request. */
export function createLogger(
  level: string,
  opts: { sync?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    { level, base: { service: 'redshield' }, timestamp: pino.stdTimeFunctions.isoTime },
    opts.destination ?? pino.destination({ dest: 1, sync: opts.sync ?? false }),
  )
}
