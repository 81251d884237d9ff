import { Hono } from 'hono'
import { LEVEL_CAP } from '../alerts/alert-content.js'
import type { AppDeps } from '../deps.js'
import type { AppEnv } from '../http/app-env.js'
import { isUuid } from '../http/ids.js'
import { notFound } from '../http/problem.js'
import { atomFeed } from './atom.js'
import { capXml } from './cap.js'
import type { PublicReads } from './public-reads.js'
import { sendCached } from './read-cache.js'

const CAP_TYPE = 'application/cap+xml; charset=utf-8'
const ATOM_TYPE = 'application/atom+xml; charset=utf-8'

/** `/feeds/alerts.atom` and `/cap/{versionId}.xml`, both from the in-memory snapshot. */
export function feedRoutes(deps: Pick<AppDeps, 'config'>, reads: PublicReads) {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '')
  return new Hono<AppEnv>()
    .get('/feeds/alerts.atom', async (c) =>
      sendCached(c, await reads.get(c.req.url, ATOM_TYPE, (s) => atomFeed(s.alerts, base))),
    )
    .get('/cap/:file', async (c) => {
      const file = c.req.param('file')
      const id = file.endsWith('.xml') ? file.slice(0, -4) : ''
      const snapshot = await reads.current()
      const found = isUuid(id) ? snapshot.alerts.versions.get(id) : undefined
      if (!found) throw notFound({ zh: '没有这条 CAP 消息', en: 'No such CAP message' })
      const entry = await reads.get(c.req.url, CAP_TYPE, () =>
        capXml(
          found.version,
          found.alert,
          deps.config.CAP_SENDER,
          base,
          LEVEL_CAP[found.version.content.level].colour,
        ),
      )
      return sendCached(c, entry)
    })
}
