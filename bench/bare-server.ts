import { readFileSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// The baselines for public reads, served exactly as src/main.ts serves the app (same adapter, own process,
// no middleware): the smallest Hono JSON route (`/x`), and routes answering with exactly the bytes the app
// sends for the same path (BYTES_FILE: JSON {path: body, or {body, headers}}). Prints its port on stdout the
// way the app does.
const app = new Hono()
app.get('/x', (c) => c.json({ ok: true }))
const file = process.env.BYTES_FILE
type Reply = string | { body: string; headers: Record<string, string> }
const replies = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Reply>) : {}
// Encoded once, as the app's cache holds them: the comparison is of the per-request path, not of encoding.
// A reply with headers sends them too, and a fresh request id each time, as the app does.
for (const [path, reply] of Object.entries(replies)) {
  const body = typeof reply === 'string' ? reply : reply.body
  const bytes = new TextEncoder().encode(body)
  const headers = typeof reply === 'string' ? null : reply.headers
  // Routed by path alone, as the app's routes are (the search's `?q=` is part of the URL it is asked for).
  app.get(path.split('?')[0] ?? path, (c) =>
    headers
      ? c.body(bytes, 200, { ...headers, 'x-request-id': crypto.randomUUID() })
      : c.body(bytes, 200, { 'content-type': 'application/json; charset=utf-8' }),
  )
}
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`bare hono listening http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
