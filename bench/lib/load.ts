import autocannon from 'autocannon'

export interface LoadOptions {
  url: string
  connections: number
  /** Seconds; ignored when `amount` is given. */
  duration?: number
  /** Exact number of requests: the run ends when every one has its response (nothing left in flight). */
  amount?: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** Called once per request to pick its path and remember what it is about (e.g. a task id). */
  next?: () => { path: string; key: string }
  /** Called for every response with the key `next` gave its request. */
  onResponse?: (status: number, key: string) => void
}

export interface LoadResult {
  statuses: Map<number, number>
  ok: number
  responses: number
  errors: number
  timeouts: number
  /** Every response's latency in ms, as measured by autocannon's client. */
  latencies: number[]
  /** From the first request to the last response, in ms (autocannon's own duration rounds to its 1 s tick). */
  elapsedMs: number
  perSecond: number
}

/** autocannon with our own accounting: exact elapsed time, every latency, status counts. */
export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const statuses = new Map<number, number>()
  const latencies: number[] = []
  let lastResponse = 0
  const next = o.next
  const onResponse = o.onResponse
  const request: autocannon.Request = {
    method: o.method ?? 'GET',
    ...(next
      ? {
          setupRequest: (req: autocannon.Request, context: object) => {
            const { path, key } = next()
            ;(context as { key?: string }).key = key
            return { ...req, path }
          },
        }
      : {}),
    ...(onResponse
      ? {
          onResponse: (status: number, _body: string, context: object) =>
            onResponse(status, (context as { key?: string }).key ?? ''),
        }
      : {}),
  }
  const started = performance.now()
  return new Promise((ok, fail) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.duration ?? 5 }),
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
          errors: result.errors,
          timeouts: result.timeouts,
          latencies,
          elapsedMs,
          perSecond: (ok2xx / elapsedMs) * 1000,
        })
      },
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
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
