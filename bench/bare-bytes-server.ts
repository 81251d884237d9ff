import { readFileSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// The baseline for public reads: a bare Hono route answering with exactly the bytes the app sends for the
// same path (BYTES_FILE: JSON {path: body}). Same adapter, own process, no middleware.
const bodies = JSON.parse(readFileSync(process.env.BYTES_FILE ?? '', 'utf8')) as Record<string, string>
const app = new Hono()
// Encoded once, as the app's cache holds them: the comparison is of the per-request path, not of encoding.
for (const [path, body] of Object.entries(bodies)) {
  const bytes = new TextEncoder().encode(body)
  app.get(path, (c) => c.body(bytes, 200, { 'content-type': 'application/json; charset=utf-8' }))
}
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`bare bytes listening http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
