import { type LoadResult, runLoad, statusLine } from './lib/load.js'
import { type Summary, summarise } from './lib/stats.js'

const CONNECTIONS = 50

export interface ReadFigure {
  label: string
  url: string
  perSecond: number
  latency: Summary
  statuses: string
  errors: number
}

export interface ReadResult {
  bare: ReadFigure
  districts: ReadFigure
  /** Diagnostic: the app's own middleware and router without a database query. */
  health: ReadFigure
}

async function measure(label: string, url: string, durationS: number): Promise<ReadFigure> {
  await runLoad({ url, connections: CONNECTIONS, duration: 1 }) // warm-up: JIT, keep-alive sockets, pool
  const r: LoadResult = await runLoad({ url, connections: CONNECTIONS, duration: durationS })
  if (r.ok === 0 || r.ok !== r.responses) throw new Error(`${label}: ${statusLine(r.statuses)}`)
  return {
    label,
    url,
    perSecond: r.perSecond,
    latency: summarise(r.latencies),
    statuses: statusLine(r.statuses),
    errors: r.errors,
  }
}

/** Public read throughput of the app against a bare Hono JSON route served the same way. */
export async function benchReads(opts: {
  bareUrl: string
  appUrl: string
  durationS: number
}): Promise<ReadResult> {
  const bare = await measure('bare Hono `GET /x`', `${opts.bareUrl}/x`, opts.durationS)
  const districts = await measure(
    '`GET /api/v1/districts`',
    `${opts.appUrl}/api/v1/districts`,
    opts.durationS,
  )
  const health = await measure('`GET /health` (no database)', `${opts.appUrl}/health`, opts.durationS)
  return { bare, districts, health }
}
