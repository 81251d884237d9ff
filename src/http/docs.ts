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

/** The document's `info`: what the service is, who answers for it, and on what terms. */
export const documentInfo = (baseUrl: string) => ({
  title: '红盾 Redshield API',
  version: '1.0.0',
  description:
    '食品安全应急处置与产品质量预警平台 — food-safety emergency response and product-quality alerts. ' +
    'Errors are RFC 9457 application/problem+json with a stable `code` and the request id.',
  contact: { name: '市场监督管理局应急指挥中心 Market regulator command centre', url: `${baseUrl}/docs` },
  // No open-source licence: the code belongs to the regulator that runs it (an SPDX user-defined reference).
  license: {
    name: 'Proprietary: all rights reserved by the operating market regulator',
    identifier: 'LicenseRef-Proprietary',
  },
})

/** Every tag an operation uses, declared once with what it groups (the access-matrix test checks the list). */
export const DOCUMENT_TAGS = [
  { name: 'health', description: 'Liveness and readiness of the service' },
  { name: 'districts', description: '区县: the districts (GB/T 2260) and their overdue retailers' },
  {
    name: 'tokens',
    description: 'API tokens: created, listed and revoked by an admin; the secret is shown once',
  },
  { name: 'users', description: 'Staff accounts for the console: created, edited and disabled by an admin' },
  { name: 'playbooks', description: '应急预案: the loaded playbooks and every stored version by hash' },
  { name: 'incidents', description: '应急处置: activate a playbook at a level, change the level, close' },
  { name: 'tasks', description: 'District tasks: acknowledge, start, report figures, complete, decline' },
  { name: 'contacts', description: 'Escalation contacts of each district and of the city' },
  { name: 'jobs', description: 'Background jobs and their last runs' },
  { name: 'events', description: 'The live event stream (Server-Sent Events), scoped to the caller' },
  { name: 'webhooks', description: 'Signed deliveries of events to other systems, with retries' },
  { name: 'samples', description: '抽检: sampling results, recorded one by one or imported from a file' },
  {
    name: 'announcements',
    description: '抽检公告: draft, review (审), approve (核), publish, correct, retract',
  },
  { name: 'retailers', description: 'Retailers (large malls and supermarkets) with information boards' },
  { name: 'boards', description: '食品信息公示栏: each retailer’s board and its confirmations' },
  {
    name: 'businesses',
    description: '经营主体: the register of businesses, their credit-risk class (金信工程)',
  },
  {
    name: 'complaints',
    description: '12315: complaints, reports and enquiries on statutory working-day clocks (首办责任制)',
  },
  {
    name: 'calendar',
    description: 'Working days on the Chinese calendar (holidays and 调休), for deadlines',
  },
  { name: 'signals', description: 'Signals: groups of complaints that suggest a playbook and level' },
  { name: 'public', description: 'Public reads: alerts, search, announcements, statistics, Atom and CAP' },
  { name: 'pages', description: 'Public web pages (HTML) and the kiosk page of a board' },
  {
    name: 'rectifications',
    description: '整改: cases opened by failing samples, the meeting, evidence, closing',
  },
  { name: 'inspections', description: '双随机、一公开: inspection plans, the seeded draw, results' },
  { name: 'scorecard', description: 'The district scorecard of a month, with the city’s figures' },
]

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
