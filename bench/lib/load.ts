import autocannon from 'autocannon'

/** What one request does; `key` names what it is about (e.g. a task id), '' for filler that is not counted. */
export interface Planned {
  method?: 'GET' | 'POST'
  path: string
  key: string
}

export interface LoadOptions {
  url: string
  connections: number
  durationS: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** Called once per request to decide what it does. */
  next?: () => Planned
  /** Called for every counted response with the key `next` gave its request. */
  onResponse?: (status: number, key: string) => void
}

export interface LoadResult {
  statuses: Map<number, number>
  ok: number
  responses: number
  /** Uncounted filler responses (key ''). */
  filler: number
  errors: number
  timeouts: number
  /** Every counted response's latency in ms, as measured by autocannon's client. */
  latencies: number[]
  /** From the first request to the last counted response, in ms. */
  elapsedMs: number
  perSecond: number
}

/** autocannon with our own accounting: exact elapsed time, every latency, status counts, filler left out. */
export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const statuses = new Map<number, number>()
  const latencies: number[] = []
  let filler = 0
  let lastResponse = 0
  // autocannon calls a request's onResponse and then, synchronously, emits 'response' with its latency: the
  // key seen by the first belongs to the second.
  let respondedKey: string | undefined
  const { next, onResponse } = o
  const request: autocannon.Request = {
    method: o.method ?? 'GET',
    ...(next
      ? {
          setupRequest: (req: autocannon.Request, context: object) => {
            const planned = next()
            ;(context as { key?: string }).key = planned.key
            return { ...req, path: planned.path, method: planned.method ?? req.method }
          },
          onResponse: (status: number, _body: string, context: object) => {
            respondedKey = (context as { key?: string }).key ?? ''
            if (respondedKey !== '') onResponse?.(status, respondedKey)
          },
        }
      : {}),
  }
  const started = performance.now()
  return new Promise((ok, fail) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: o.durationS,
        headers: o.headers ?? {},
        requests: [request],
        timeout: 30,
      },
      (err, result) => {
        if (err) return fail(err)
        const elapsedMs = (lastResponse || performance.now()) - started
        const ok2xx = [...statuses].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0)
        ok({
          statuses,
          ok: ok2xx,
          responses: latencies.length,
          filler,
          errors: result.errors,
          timeouts: result.timeouts,
          latencies,
          elapsedMs,
          perSecond: (ok2xx / elapsedMs) * 1000,
        })
      },
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (next && respondedKey === '') {
        filler++
        return
      }
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1)
      latencies.push(responseTime)
      lastResponse = performance.now()
    })
  })
}

export function statusLine(statuses: Map<number, number>): string {
  return [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(', ')
}
