import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { problem } from '../http/schemas.js'
import type { Playbook } from './playbook.schema.js'
import { levelName } from './playbook.schema.js'

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })
const readers = ['admin', 'commander', 'district'] as const
const missing = (id: string) => notFound({ zh: `预案「${id}」不存在`, en: `No playbook "${id}"` })

const summary = (p: Playbook, hash: string) => ({
  id: p.id,
  hash,
  name: p.name,
  hazard: p.hazard,
  levels: p.levels.map(levelName),
  steps: p.steps.length,
})

const list = securedRoute(readers, {
  method: 'get',
  path: '/playbooks',
  tags: ['playbooks'],
  summary: 'Loaded playbooks (current versions)',
  responses: {
    200: {
      description: 'Playbooks',
      content: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) })),
    },
  },
})

const current = securedRoute(readers, {
  method: 'get',
  path: '/playbooks/{id}',
  tags: ['playbooks'],
  summary: 'A playbook’s current version',
  request: { params: z.object({ id: z.string().max(100) }) },
  responses: {
    200: { description: 'Playbook', content: json(z.record(z.string(), z.unknown())) },
    404: problem('No such playbook'),
  },
})

const version = securedRoute(readers, {
  method: 'get',
  path: '/playbooks/{id}/versions/{hash}',
  tags: ['playbooks'],
  summary: 'A stored version by content hash (what an incident was activated with)',
  request: { params: z.object({ id: z.string().max(100), hash: z.string().max(100) }) },
  responses: {
    200: { description: 'Playbook version', content: json(z.record(z.string(), z.unknown())) },
    404: problem('No such version'),
  },
})

export function playbookRoutes({ db, playbooks }: AppDeps) {
  return newRouter()
    .openapi(list, (c) => c.json({ items: playbooks.list().map((l) => summary(l.playbook, l.hash)) }, 200))
    .openapi(current, (c) => {
      const { id } = c.req.valid('param')
      const loaded = playbooks.get(id)
      if (!loaded) throw missing(id)
      return c.json({ hash: loaded.hash, playbook: loaded.playbook }, 200)
    })
    .openapi(version, async (c) => {
      const { id, hash } = c.req.valid('param')
      const playbook = /^[0-9a-f]{64}$/.test(hash) ? await playbooks.version(db, hash) : undefined
      if (!playbook || playbook.id !== id) throw missing(`${id}@${hash.slice(0, 12)}`)
      return c.json({ hash, playbook }, 200)
    })
}
