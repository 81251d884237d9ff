import { z } from '@hono/zod-openapi'
import { LEVEL_CAP } from '../alerts/alert-content.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { sendCached } from '../http/read-cache.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { problem } from '../http/schemas.js'
import { archiveCount, atomFeed } from './atom.js'
import { capXml } from './cap.js'
import type { PublicReads } from './public-reads.js'

const CAP_TYPE = 'application/cap+xml; charset=utf-8'
const ATOM_TYPE = 'application/atom+xml; charset=utf-8'
const notModified = { description: 'Not modified (If-None-Match matched the ETag)' }

const atom = publicRoute(
  {
    method: 'get',
    path: '/feeds/alerts.atom',
    operationId: 'alertsAtomFeed',
    tags: ['public'],
    summary: 'Atom 1.0 feed of consumer alerts, each entry linking to its CAP message',
    description:
      'RFC 5005 feed history: the subscription document links `prev-archive` to the newest archive page ' +
      '(`?archive=N`, 100 alerts each in order of issue); archive pages link `prev-archive`/`next-archive`.',
    request: {
      query: z.object({
        archive: z.coerce.number().int().min(1).optional().openapi({ description: 'Archive page, from 1' }),
      }),
    },
    responses: {
      200: { description: 'The feed', content: { 'application/atom+xml': { schema: z.string() } } },
      304: notModified,
      404: problem('No such archive page'),
    },
  },
  { api: false },
)

const cap = publicRoute(
  {
    method: 'get',
    path: '/cap/{file}',
    operationId: 'capMessage',
    tags: ['public'],
    summary: 'One CAP 1.2 message: `/cap/{versionId}.xml`',
    request: {
      params: z.object({
        file: z.string().max(40).openapi({
          description: 'Alert version id followed by `.xml`',
          pattern: '^[0-9a-f-]{36}\\.xml$',
          example: '01939a4e-7d1c-7b2a-9f3e-5c6d7e8f9a0b.xml',
        }),
      }),
    },
    responses: {
      200: { description: 'The CAP message', content: { 'application/cap+xml': { schema: z.string() } } },
      304: notModified,
      404: problem('No such CAP message'),
    },
  },
  { api: false },
)

/** `/feeds/alerts.atom` and `/cap/{versionId}.xml`, both from the in-memory snapshot. */
export function feedRoutes(deps: Pick<AppDeps, 'config' | 'clock'>, reads: PublicReads) {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '')
  return newRouter()
    .openapi(atom, async (c) => {
      const { archive } = c.req.valid('query')
      const snapshot = await reads.current()
      if (archive !== undefined && archive > archiveCount(snapshot.alerts))
        throw notFound({ zh: `没有第 ${archive} 页存档`, en: `No archive page ${archive}` })
      const entry = await reads.forUrl(
        c,
        ATOM_TYPE,
        (s) => atomFeed(s.alerts, base, deps.clock.now(), archive) ?? '',
      )
      return sendCached(c, entry) as never
    })
    .openapi(cap, async (c) => {
      const { file } = c.req.valid('param')
      const id = file.endsWith('.xml') ? file.slice(0, -4) : ''
      const snapshot = await reads.current()
      const found = isUuid(id) ? snapshot.alerts.versions.get(id) : undefined
      if (!found) throw notFound({ zh: '没有这条 CAP 消息', en: 'No such CAP message' })
      const entry = await reads.forUrl(c, CAP_TYPE, () =>
        capXml(
          found.version,
          found.alert,
          deps.config.CAP_SENDER,
          base,
          LEVEL_CAP[found.version.content.level].colour,
        ),
      )
      return sendCached(c, entry) as never
    })
}
