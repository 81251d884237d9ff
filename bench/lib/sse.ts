import { get as httpGet } from 'node:http'

/**
 * Opens one SSE stream of the service and hands on each event's `data` line with the time its chunk arrived.
 * node:http on a socket of its own (no agent), the lightest reader Node has: a `fetch` body through web
 * streams costs the bench process more than the server spends sending, and that would be measured as the
 * server's latency. Resolves once the stream answered 200; the function it resolves to closes it.
 */
export function openSse(
  url: string,
  token: string,
  onData: (data: string, at: number) => void,
): Promise<() => void> {
  return new Promise((ok, fail) => {
    const req = httpGet(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) return fail(new Error(`stream ${res.statusCode}`))
      res.setEncoding('utf8')
      let buf = ''
      res.on('data', (chunk: string) => {
        const at = performance.now()
        buf += chunk
        let cut = buf.indexOf('\n\n')
        while (cut >= 0) {
          const data = buf
            .slice(0, cut)
            .split('\n')
            .find((l) => l.startsWith('data:'))
          buf = buf.slice(cut + 2)
          if (data) onData(data.slice(5), at)
          cut = buf.indexOf('\n\n')
        }
      })
      res.on('error', () => {})
      ok(() => req.destroy())
    })
    req.on('error', fail)
  })
}
