import type { AddressInfo } from 'node:net'
import { connect, createServer, type Socket } from 'node:net'

/**
 * A TCP proxy in front of the test PostgreSQL, to take the database away from the app without touching the
 * server everyone shares: `cut()` destroys every connection and refuses new ones, `restore()` lets them in.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>()
  let refusing = false
  const server = createServer((client) => {
    if (refusing) {
      client.destroy()
      return
    }
    const upstream = connect(target.port, target.host)
    sockets.add(client)
    sockets.add(upstream)
    const done = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    for (const s of [client, upstream]) {
      s.on('error', done)
      s.on('close', done)
    }
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  return {
    /** The same database URL, through the proxy. */
    via(url: string): string {
      const u = new URL(url)
      u.hostname = '127.0.0.1'
      u.port = String(port)
      return u.toString()
    },
    get connections() {
      return sockets.size / 2
    },
    cut() {
      refusing = true
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
    restore() {
      refusing = false
    },
    close: () =>
      new Promise<void>((ok) => {
        refusing = true
        for (const s of sockets) s.destroy()
        server.close(() => ok())
      }),
  }
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>
