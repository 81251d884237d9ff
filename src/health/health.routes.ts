import { z } from '@hono/zod-openapi'
import { pendingMigrations } from '../db/migrate.js'
import type { AppDeps } from '../deps.js'
import { AppError } from '../domain/errors.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { problem } from '../http/schemas.js'

const health = publicRoute(
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    tags: ['health'],
    summary: 'Process is alive',
    responses: {
      200: {
        description: 'Alive',
        content: { 'application/json': { schema: z.strictObject({ status: z.literal('ok') }) } },
      },
    },
  },
  { api: false },
)

const ready = publicRoute(
  {
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    tags: ['health'],
    summary: 'Database reachable and migrations current',
    responses: {
      200: {
        description: 'Ready',
        content: {
          'application/json': {
            schema: z.strictObject({ status: z.literal('ready'), database: z.enum(['postgres', 'pglite']) }),
          },
        },
      },
      503: problem('Not ready'),
    },
  },
  { api: false },
)

export function healthRoutes({ db, database }: AppDeps) {
  return newRouter()
    .openapi(health, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(ready, async (c) => {
      await database.ping()
      const pending = await pendingMigrations(db)
      if (pending.length > 0)
        throw new AppError(
          'service_unavailable',
          { zh: `有 ${pending.length} 个数据库迁移未执行`, en: `${pending.length} migration(s) pending` },
          { pending, headers: { 'retry-after': '5' } },
        )
      return c.json({ status: 'ready' as const, database: database.kind }, 200)
    })
}
