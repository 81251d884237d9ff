import type { MiddlewareHandler } from 'hono'
import { publicAlertRoutes } from './alerts/alerts.routes.js'
import { announcementRoutes } from './announcements/announcements.routes.js'
import { publicAnnouncementRoutes } from './announcements/public-announcements.routes.js'
import { boardPageRoutes } from './boards/board-page.routes.js'
import { boardRoutes } from './boards/boards.routes.js'
import { businessPageRoutes, publicBusinessRoutes } from './businesses/businesses.public.routes.js'
import { businessRoutes } from './businesses/businesses.routes.js'
import { calendarRoutes } from './calendar/calendar.routes.js'
import { complaintPageRoutes } from './complaints/complaint-pages.routes.js'
import { complaintRoutes } from './complaints/complaints.routes.js'
import { consoleRoutes } from './console/console.routes.js'
import { contactRoutes } from './contacts/contacts.routes.js'
import type { AppDeps } from './deps.js'
import { districtOverdueRoutes } from './districts/district-overdue.routes.js'
import { districtRoutes } from './districts/districts.routes.js'
import { AppError } from './domain/errors.js'
import { streamRoutes } from './events/stream.routes.js'
import { healthRoutes } from './health/health.routes.js'
import type { AppEnv } from './http/app-env.js'
import { resolveActor } from './http/auth.js'
import { DOCUMENT_TAGS, documentInfo, mountDocs } from './http/docs.js'
import { handleError } from './http/errors.js'
import { allowedMethods, methodNotAllowed } from './http/method-not-allowed.js'
import {
  contentTypeOf,
  declaresBody,
  limitBody,
  requestContext,
  requireContentType,
} from './http/middleware.js'
import { problemResponse } from './http/problem.js'
import { newRouter } from './http/router.js'
import { securityHeaders } from './http/security-headers.js'
import { incidentRoutes } from './incidents/incidents.routes.js'
import {
  inspectionPageRoutes,
  inspectionRoutes,
  publicInspectionRoutes,
} from './inspections/inspections.routes.js'
import { spotCheckRoutes } from './inspections/spot-checks.routes.js'
import { jobRoutes } from './jobs/jobs.routes.js'
import { accessLog } from './logger.js'
import { measureRequests, mountMetrics, requestMeter } from './metrics/metrics.routes.js'
import { playbookRoutes } from './playbooks/playbooks.routes.js'
import { type AnnouncementPagesSource, announcementPageRoutes } from './public/announcement-pages.js'
import { type FastReads, FixedResponses } from './public/fast-reads.js'
import { feedRoutes } from './public/feeds.routes.js'
import { pageRoutes } from './public/pages.routes.js'
import { createPublicReads } from './public/public-reads.js'
import { announcementPagesSource, publishedSampleSearch } from './public/published-sources.js'
import { rateLimit } from './public/rate-limit.js'
import type { SearchSource } from './public/search.js'
import { searchRoutes } from './public/search.routes.js'
import { rectificationRoutes } from './rectifications/rectifications.routes.js'
import { retailerRoutes } from './retailers/retailers.routes.js'
import { CSV_TYPE, SAMPLE_IMPORT_PATH, sampleRoutes } from './samples/samples.routes.js'
import { scorecardRoutes } from './scorecard/scorecard.routes.js'
import { signalRoutes } from './signals/signals.routes.js'
import { taskRoutes } from './tasks/tasks.routes.js'
import { ActorCache } from './tokens/actor-cache.js'
import { tokenLookup } from './tokens/token-actor.js'
import { tokenRoutes } from './tokens/tokens.routes.js'
import { userRoutes } from './users/users.routes.js'
import { notFoundPage, refusalAsPage } from './web/page-errors.js'
import { webhookRoutes } from './webhooks/webhooks.routes.js'

export const API_PREFIX = '/api/v1'
/** Where a wrong URL is answered with problem+json, not a page. */
const MACHINE_PATHS = /^\/(api|cap|feeds|assets|docs|openapi\.json|metrics|health)(\/|$)/

/**
 * What the public reads take from the announcements module: published samples for search, announcements for
 * the pages. Both default to the real data; tests may pass fixtures.
 */
export interface PublicSources {
  searchSources?: SearchSource[]
  announcementPages?: AnnouncementPagesSource
}

/** Builds the whole HTTP surface from its dependencies; holds no module-level state. */
export function createApp(deps: AppDeps, opts: PublicSources = {}) {
  const app = newRouter()
  const log = accessLog(deps.logger)
  const meter = requestMeter(deps.metrics)
  app.use('*', requestContext(log))
  app.use('*', measureRequests(meter))
  app.use('*', securityHeaders({ trustProxy: deps.config.TRUST_PROXY }))
  // Public reads: one in-memory model, invalidated by the change signal (see src/http/read-cache.ts).
  // Repeats of alert and feed reads are answered from it in front of the router (src/public/fast-reads.ts;
  // search is not: it is rate limited).
  const searchSources = opts.searchSources ?? [publishedSampleSearch(deps)]
  const announcements = opts.announcementPages ?? announcementPagesSource(deps)
  const reads = createPublicReads(deps, searchSources, announcements)
  // A sampling file is far larger than any JSON body: the import has its own limit and content type.
  const importPath = `${API_PREFIX}${SAMPLE_IMPORT_PATH}`
  const jsonLimit = limitBody(deps.config.BODY_LIMIT_BYTES)
  const importLimit = limitBody(deps.config.IMPORT_BODY_LIMIT_BYTES)
  const sizeLimit: MiddlewareHandler<AppEnv> = (c, next) =>
    (c.req.path === importPath && CSV_TYPE.test(contentTypeOf(c)) ? importLimit : jsonLimit)(c, next)
  const typeCheck = requireContentType(new Set([importPath]))
  const actors = new ActorCache()
  const lookup = tokenLookup(deps.db, actors)
  const actor = resolveActor(lookup)
  // One layer for the three API checks (size, then type, then token); a request that declares no body
  // (most GETs) has nothing for the first two to look at and goes straight to the token.
  app.use(`${API_PREFIX}/*`, (c, next) =>
    declaresBody(c)
      ? sizeLimit(c, async () => {
          await typeCheck(c, async () => {
            await actor(c, next)
          })
        })
      : actor(c, next),
  )

  app.route('/', healthRoutes(deps))
  const fixed = new FixedResponses()
  app.route(API_PREFIX, districtRoutes(deps, fixed))
  app.route(API_PREFIX, tokenRoutes(deps, actors))
  app.route(API_PREFIX, playbookRoutes(deps))
  app.route(API_PREFIX, incidentRoutes(deps))
  app.route(API_PREFIX, taskRoutes(deps))
  app.route(API_PREFIX, contactRoutes(deps))
  app.route(API_PREFIX, jobRoutes(deps))
  app.route(API_PREFIX, userRoutes(deps))
  // Pages: session cookies are read here only, never on /api/v1/* (see src/console/session-auth.ts).
  app.route('/', consoleRoutes(deps, actors))
  app.route(API_PREFIX, streamRoutes(deps))
  app.route(API_PREFIX, webhookRoutes(deps))

  const searchLimit = rateLimit(deps.config.SEARCH_RATE_PER_MINUTE, { trustProxy: deps.config.TRUST_PROXY })
  app.use(`${API_PREFIX}/public/search`, searchLimit)
  app.use('/search', refusalAsPage(searchLimit))
  app.route(API_PREFIX, publicAlertRoutes(reads))
  app.route(API_PREFIX, searchRoutes(reads))
  app.route('/', feedRoutes(deps, reads))
  app.route('/', pageRoutes(deps, reads))
  app.route('/', announcementPageRoutes(announcements, reads))
  app.route(API_PREFIX, sampleRoutes(deps))
  app.route(API_PREFIX, announcementRoutes(deps))
  app.route(API_PREFIX, publicAnnouncementRoutes(deps))
  // retailer boards
  app.route(API_PREFIX, retailerRoutes(deps))
  app.route(API_PREFIX, businessRoutes(deps))
  app.route(API_PREFIX, publicBusinessRoutes(deps))
  app.route('/', businessPageRoutes(deps))
  app.route(API_PREFIX, boardRoutes(deps))
  app.route(API_PREFIX, districtOverdueRoutes(deps))
  app.route('/', boardPageRoutes(deps))
  // 12315 complaints, working-day clocks and signals; public submissions are rate limited.
  const complaintLimit = rateLimit(deps.config.COMPLAINT_RATE_PER_MINUTE, {
    trustProxy: deps.config.TRUST_PROXY,
    text: (s) => ({
      zh: `提交过于频繁，请 ${s} 秒后再试；紧急情况请拨打 12315`,
      en: `Too many submissions; retry in ${s} s, or call 12315 if it is urgent`,
    }),
  })
  const postsOnly: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.method === 'POST' ? complaintLimit(c, next) : next()
  app.use(`${API_PREFIX}/public/complaints`, postsOnly)
  app.use('/complaints/new', postsOnly)
  app.route(API_PREFIX, complaintRoutes(deps))
  app.route(API_PREFIX, rectificationRoutes(deps)) // 整改 (issue 18)
  app.route(API_PREFIX, inspectionRoutes(deps)) // 双随机、一公开 (issue 18)
  app.route(API_PREFIX, publicInspectionRoutes(deps))
  app.route('/', inspectionPageRoutes(deps))
  app.route(API_PREFIX, scorecardRoutes(deps)) // district scorecard, monthly self-checks (issue 18)
  app.route(API_PREFIX, spotCheckRoutes(deps)) // quarterly spot checks of districts (issue 18)
  app.route(API_PREFIX, calendarRoutes(deps))
  app.route(API_PREFIX, signalRoutes(deps))
  app.route('/', complaintPageRoutes(deps))

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API token: `Authorization: Bearer rs_…`',
  })
  // Generated once: every route is registered by now.
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: documentInfo(deps.config.PUBLIC_BASE_URL),
    servers: [{ url: deps.config.PUBLIC_BASE_URL }],
    tags: DOCUMENT_TAGS,
  })
  const documentJson = JSON.stringify(document)
  app.get('/openapi.json', (c) =>
    c.body(documentJson, 200, { 'content-type': 'application/json; charset=utf-8' }),
  )
  mountDocs(app)
  mountMetrics(app, deps, lookup)

  const allowed = allowedMethods(app)
  app.notFound((c) => {
    const allow = allowed(c.req.path)
    // A path known under other methods only: 405. A known method that found nothing (an unknown file
    // under a pattern) stays 404.
    if (allow.length > 0 && !allow.includes(c.req.method))
      return problemResponse(c, methodNotAllowed(c.req.method, c.req.path, allow))
    // Outside the machine-read paths (API, CAP, feeds, assets) a person is reading: a page in their language.
    if (!MACHINE_PATHS.test(c.req.path) && (c.req.method === 'GET' || c.req.method === 'HEAD'))
      return notFoundPage(c)
    return problemResponse(
      c,
      new AppError('not_found', {
        zh: `没有 ${c.req.method} ${c.req.path}`,
        en: `No route ${c.req.method} ${c.req.path}`,
      }),
    )
  })
  app.onError((err, c) => handleError(err, c, deps.logger))
  const fastReads: FastReads = { sources: [reads, fixed], log, meter, trustProxy: deps.config.TRUST_PROXY }
  return Object.assign(app, { fastReads })
}
