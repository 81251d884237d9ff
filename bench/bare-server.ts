import { readFileSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// The baselines for public reads, served exactly as src/main.ts serves the app (same adapter, own process,
// no middleware): the smallest Hono JSON route (`/x`), and routes answering with exactly the bytes the app
// sends for the same path (BYTES_FILE: JSON {path: body}). Prints its port on stdout the way the app does.
const app = new Hono()
app.get('/x', (c) => c.json({ ok: true }))
const file = process.env.BYTES_FILE
const bodies = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {}
// Encoded once, as the app's cache holds them: the comparison is of the per-request path, not of encoding.
for (const [path, body] of Object.entries(bodies)) {
  const bytes = new TextEncoder().encode(body)
  app.get(path, (c) => c.body(bytes, 200, { 'content-type': 'application/json; charset=utf-8' }))
}
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`bare hono listening http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
