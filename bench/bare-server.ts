import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// The reference point for public reads: the smallest Hono JSON route, served exactly as src/main.ts serves
// the app (same adapter, own process). Prints its port on stdout the way the app does.
const app = new Hono()
app.get('/x', (c) => c.json({ ok: true }))
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`bare hono listening http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
