import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'

// The reference point for public reads: the smallest Hono JSON route, served exactly as src/main.ts serves
// the app (same adapter, own process). Prints its port on stdout the way the app does.
// BARE_BODY_LIMIT=1 adds hono's bodyLimit in front, as src/app.ts mounts it on /api/v1/*: a diagnostic of
// what that middleware alone costs on a GET.
const app = new Hono()
if (process.env.BARE_BODY_LIMIT === '1') app.use('*', bodyLimit({ maxSize: 1024 * 1024 }))
app.get('/x', (c) => c.json({ ok: true }))
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`bare hono listening http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
