import { z } from '@hono/zod-openapi'
import { cityYear, yearOf } from '../complaints/complaint-figures.js'
import { CityYearSchema } from '../complaints/complaints.schema.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { validationHook } from '../http/errors.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import { districtNameOf } from '../samples/samples.service.js'
import { announcementCsv } from './announcement-csv.js'
import { publicStats } from './announcement-stats.js'
import { announcementPage, announcementSamples, readAnnouncement } from './announcements.read.js'
import { type AnnouncementDto, announcementDto } from './announcements.schema.js'

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })
const tags = ['public']

const PublicAnnouncementSchema = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    period: z.string(),
    kind: z.enum(['original', 'correction', 'retraction']),
    refersTo: z.string().nullable(),
    reason: z.string().nullable(),
    shownAs: z.enum(['published', 'corrected', 'retracted']),
    supersededBy: z.string().nullable(),
    publishedAt: z.string(),
    sampleCount: z.number().int(),
    failingCount: z.number().int(),
  })
  .openapi('PublicAnnouncement')

const PublicItem = z.strictObject({
  name: z.string(),
  result: z.string(),
  limit: z.string().nullable(),
  unit: z.string().nullable(),
  verdict: z.enum(['pass', 'fail']),
})
const PublicSampleSchema = z
  .strictObject({
    seq: z.number().int(),
    producer: z.strictObject({ name: z.string().nullable(), address: z.string().nullable() }),
    unit: z.strictObject({ name: z.string(), address: z.string() }),
    district: z.strictObject({ code: z.string(), name: z.string() }),
    foodName: z.string(),
    spec: z.string().nullable(),
    brand: z.string().nullable(),
    batch: z.string().nullable(),
    category: z.string(),
    lab: z.string().nullable(),
    remarks: z.string().nullable(),
    verdict: z.enum(['pass', 'fail']),
    items: z.array(PublicItem),
  })
  .openapi('PublicSample')

const PublicDetailSchema = z
  .strictObject({ ...PublicAnnouncementSchema.shape, samples: z.array(PublicSampleSchema) })
  .openapi('PublicAnnouncementDetail')

const FiguresShape = {
  samples: z.number().int(),
  failed: z.number().int(),
  passRate: z.number().nullable().openapi({ description: 'Percent, two decimals; null with no samples' }),
}
const StatsSchema = z
  .strictObject({
    overall: z.strictObject(FiguresShape),
    byPeriod: z.array(z.strictObject({ period: z.string(), ...FiguresShape })),
    byCategory: z.array(z.strictObject({ category: z.string(), ...FiguresShape })),
    byDistrict: z.array(z.strictObject({ code: z.string(), name: z.string(), ...FiguresShape })),
    // 12315 city totals for this year
    complaints: CityYearSchema,
  })
  .openapi('SamplingStats')

function publicDto(a: AnnouncementDto): z.infer<typeof PublicAnnouncementSchema> {
  return {
    id: a.id,
    number: a.number,
    title: a.title,
    period: a.period,
    kind: a.kind,
    refersTo: a.refersTo,
    reason: a.reason,
    shownAs: a.shownAs === 'corrected' || a.shownAs === 'retracted' ? a.shownAs : 'published',
    supersededBy: a.supersededBy,
    publishedAt: a.publishedAt ?? '',
    sampleCount: a.sampleNos.length,
    failingCount: a.failingCount,
  }
}

const list = publicRoute({
  method: 'get',
  path: '/public/announcements',
  operationId: 'listPublicAnnouncements',
  tags,
  summary: 'Published announcements, newest first (corrected or retracted ones show as such)',
  request: { query: z.object(PageQuery) },
  responses: { 200: { description: 'A page', content: json(pageSchema(PublicAnnouncementSchema)) } },
})
// The query the CSV route accepts: only what every route accepts.
const CsvQuery = z.strictObject({ lang: z.enum(['zh', 'en']).optional() })

const csvRoute = publicRoute({
  method: 'get',
  path: '/public/announcements/{id}.csv',
  operationId: 'getPublicAnnouncementCsv',
  tags,
  summary: 'The announcement’s table as CSV in the published column order (UTF-8 with BOM, formula-safe)',
  request: { params: IdParam },
  responses: {
    200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
    404: problem('No such published announcement'),
  },
})
const detail = publicRoute({
  method: 'get',
  path: '/public/announcements/{id}',
  operationId: 'getPublicAnnouncement',
  tags,
  summary: 'A published announcement with its table',
  request: { params: IdParam },
  responses: {
    200: { description: 'The announcement', content: json(PublicDetailSchema) },
    404: problem('No such published announcement'),
  },
})
const stats = publicRoute({
  method: 'get',
  path: '/public/stats',
  operationId: 'getPublicSamplingStats',
  tags,
  summary: 'Pass rates of published samples: overall and by period, category and district (drills excluded)',
  responses: { 200: { description: 'Figures', content: json(StatsSchema) } },
})

export function publicAnnouncementRoutes(deps: AppDeps) {
  const app = newRouter()
  const name = districtNameOf(deps.districts)
  app.openapi(list, async (c) => {
    const page = await announcementPage(deps, c.req.valid('query'), true)
    return c.json({ items: page.items.map(publicDto), next: page.next }, 200)
  })
  // Registered in the document under `{id}.csv`; routed with a pattern, since a router parameter cannot
  // carry a suffix. Before the `{id}` route, so `….csv` reaches it.
  const { middleware, ...csvDocument } = csvRoute
  app.openAPIRegistry.registerPath(csvDocument)
  app.get('/public/announcements/:file{.+\\.csv}', ...middleware, async (c) => {
    // Outside `app.openapi`, so the strict query check every route has is made here.
    const query = CsvQuery.safeParse(c.req.query())
    await validationHook({ success: query.success, error: query.error, target: 'query' })
    const id = c.req.param('file').replace(/\.csv$/, '')
    if (!isUuid(id)) throw notFound({ zh: '公告不存在', en: 'No such announcement' })
    const a = await readAnnouncement(deps, id, true)
    const { rows, items } = await announcementSamples(deps, a.id)
    return c.body(announcementCsv(rows, items), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="announcement-${a.id}.csv"; filename*=UTF-8''${encodeURIComponent(a.number)}.csv`,
    })
  })
  app.openapi(detail, async (c) => {
    const a = await readAnnouncement(deps, c.req.valid('param').id, true)
    const { rows, items } = await announcementSamples(deps, a.id)
    const counts = { nos: rows.map((r) => r.no), failing: rows.filter((r) => r.verdict === 'fail').length }
    return c.json(
      {
        ...publicDto(announcementDto(a, counts)),
        samples: rows.map((s, i) => ({
          seq: s.seq ?? i + 1,
          producer: { name: s.producer_name, address: s.producer_address },
          unit: { name: s.unit_name, address: s.unit_address },
          district: { code: s.district_code, name: name(s.district_code) },
          foodName: s.food_name,
          spec: s.spec,
          brand: s.brand,
          batch: s.batch,
          category: s.category,
          lab: s.lab,
          remarks: s.remarks,
          verdict: s.verdict,
          items: (items.get(s.id) ?? []).map((it) => ({
            name: it.name,
            result: it.result,
            limit: it.limit_value,
            unit: it.unit,
            verdict: it.verdict,
          })),
        })),
      },
      200,
    )
  })
  app.openapi(stats, async (c) =>
    c.json(
      {
        ...(await publicStats(deps.db, name)),
        complaints: await cityYear(deps.db, yearOf(deps.clock.now())),
      },
      200,
    ),
  )
  return app
}
