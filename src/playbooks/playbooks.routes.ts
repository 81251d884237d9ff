import { z } from '@hono/zod-openapi'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { levelName } from '../domain/enums.js'
import { notFound } from '../domain/errors.js'
import { PageQuery } from '../http/pagination.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { codeParam, json, pageSchema, problem } from '../http/schemas.js'
import { PlaybookSummarySchema, PlaybookVersionSchema, playbookDto } from './playbook-response.schema.js'

const PlaybookIdParam = codeParam('id', /^[a-z0-9]+(?:-[a-z0-9]+)*$/, 100, 'sudan-red')
const HashParam = codeParam(
  'hash',
  /^[0-9a-f]{64}$/,
  64,
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
)
const missing = (id: string) => notFound({ zh: `预案「${id}」不存在`, en: `No playbook "${id}"` })

const list = securedRoute(ACCESS.readPlaybooks, {
  method: 'get',
  path: '/playbooks',
  operationId: 'listPlaybooks',
  tags: ['playbooks'],
  summary: 'Loaded playbooks (current versions), by id',
  request: { query: z.strictObject(PageQuery) },
  responses: {
    200: { description: 'A page of playbooks', content: json(pageSchema(PlaybookSummarySchema)) },
  },
})

const current = securedRoute(ACCESS.readPlaybooks, {
  method: 'get',
  path: '/playbooks/{id}',
  operationId: 'getPlaybook',
  tags: ['playbooks'],
  summary: 'A playbook’s current version',
  request: { params: z.strictObject({ id: PlaybookIdParam }) },
  responses: {
    200: { description: 'Playbook', content: json(PlaybookVersionSchema) },
    404: problem('No such playbook'),
  },
})

const version = securedRoute(ACCESS.readPlaybooks, {
  method: 'get',
  path: '/playbooks/{id}/versions/{hash}',
  operationId: 'getPlaybookVersion',
  tags: ['playbooks'],
  summary: 'A stored version by content hash (what an incident was activated with)',
  request: { params: z.strictObject({ id: PlaybookIdParam, hash: HashParam }) },
  responses: {
    200: { description: 'Playbook version', content: json(PlaybookVersionSchema) },
    404: problem('No such version'),
  },
})

export function playbookRoutes({ db, playbooks }: AppDeps) {
  return newRouter()
    .openapi(list, (c) => {
      const q = c.req.valid('query')
      const after = q.cursor === undefined ? undefined : String(decodeCursor(q.cursor, 1)[0])
      // Few, and held in memory: the list is cut here rather than in SQL.
      const rows = playbooks
        .list()
        .filter((l) => after === undefined || l.playbook.id > after)
        .sort((a, b) => (a.playbook.id < b.playbook.id ? -1 : 1))
        .slice(0, q.limit + 1)
      const page = pageOf(
        rows,
        q.limit,
        (l) => [l.playbook.id],
        (l) => ({
          id: l.playbook.id,
          hash: l.hash,
          name: l.playbook.name,
          hazard: l.playbook.hazard,
          levels: l.playbook.levels.map(levelName),
          steps: l.playbook.steps.length,
        }),
      )
      return c.json(page, 200)
    })
    .openapi(current, (c) => {
      const { id } = c.req.valid('param')
      const loaded = playbooks.get(id)
      if (!loaded) throw missing(id)
      return c.json({ hash: loaded.hash, playbook: playbookDto(loaded.playbook) }, 200)
    })
    .openapi(version, async (c) => {
      const { id, hash } = c.req.valid('param')
      const playbook = /^[0-9a-f]{64}$/.test(hash) ? await playbooks.version(db, hash) : undefined
      if (!playbook || playbook.id !== id) throw missing(`${id}@${hash.slice(0, 12)}`)
      return c.json({ hash, playbook: playbookDto(playbook) }, 200)
    })
}
