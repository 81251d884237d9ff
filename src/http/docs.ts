import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Hono } from 'hono'
import type { AppEnv } from './app-env.js'

// Swagger UI is served from the installed package, not a CDN: the reference must work offline.
const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

const page = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>红盾 Redshield API 参考</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>`

// A file rather than an inline script, so the Content-Security-Policy can forbid inline scripts.
const init = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true })\n"

export function mountDocs(app: Hono<AppEnv>): void {
  app.get('/docs', (c) => c.html(page))
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file')
    if (file === 'init.js')
      return c.body(init, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
      })
    const type = assets[file]
    if (!type) return c.notFound()
    const body = await readFile(join(assetsDir, file))
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' })
  })
}
