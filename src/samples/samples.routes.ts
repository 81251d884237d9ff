import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { contentTypeOf, unsupportedType } from '../http/middleware.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import { bytesSource } from './csv-decode.js'
import { importSamples } from './sample-import.service.js'
import {
  ImportResultSchema,
  SampleInputSchema,
  SamplePageSchema,
  SampleQuerySchema,
  SampleSchema,
} from './samples.schema.js'
import { createSample, findSamples, getSample } from './samples.service.js'

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })

export const SAMPLE_IMPORT_PATH = '/samples/import'
export const CSV_TYPE = /^text\/csv$/i

const create = securedRoute(ACCESS.recordSample, {
  method: 'post',
  path: '/samples',
  operationId: 'createSample',
  tags: ['samples'],
  summary: 'Record one lab result (the district is told from the sampled unit’s address)',
  request: { body: { content: json(SampleInputSchema), required: true } },
  responses: {
    201: { description: 'Recorded', content: json(SampleSchema) },
    409: problem('Sample number already recorded'),
  },
})

const importRoute = securedRoute(ACCESS.importSamples, {
  method: 'post',
  path: SAMPLE_IMPORT_PATH,
  operationId: 'importSamples',
  tags: ['samples'],
  summary: 'Import a CSV file in the published layout, whole or not at all',
  description:
    'UTF-8 with or without BOM, UTF-16 with BOM, or GB18030 (as Excel saves CSV on a Chinese Windows): a BOM ' +
    'or a `charset` parameter decides, else valid UTF-8 is read as UTF-8 and anything else as GB18030. ' +
    'CRLF or LF. Text cells follow the rules of `SampleInput` (lengths, no control characters). Columns matched by header name in any order. A file with any ' +
    'bad row is refused (422) listing every bad row with its line number, column and reason. The same file ' +
    'imported again adds nothing (`duplicate: true`).',
  request: {
    query: z.object({
      name: z.string().max(200).optional().openapi({ description: 'File name, for the record' }),
    }),
    body: { content: { 'text/csv': { schema: z.string() } }, required: true },
  },
  responses: {
    201: { description: 'Imported in one transaction', content: json(ImportResultSchema) },
    200: {
      description: 'The same file was imported before; nothing added',
      content: json(ImportResultSchema),
    },
    413: problem('File larger than IMPORT_BODY_LIMIT_BYTES'),
    415: problem('Not text/csv'),
  },
})

const list = securedRoute(ACCESS.readSamples, {
  method: 'get',
  path: '/samples',
  operationId: 'listSamples',
  tags: ['samples'],
  summary: 'Samples by number, filtered by number, district, category, verdict, producer or sampled unit',
  request: { query: SampleQuerySchema },
  responses: { 200: { description: 'A page of samples', content: json(SamplePageSchema) } },
})

const detail = securedRoute(ACCESS.readSamples, {
  method: 'get',
  path: '/samples/{id}',
  operationId: 'getSample',
  tags: ['samples'],
  summary: 'One sample with its test items',
  request: { params: IdParam },
  responses: {
    200: { description: 'The sample', content: json(SampleSchema) },
    404: problem('No such sample'),
  },
})

export function sampleRoutes(deps: AppDeps) {
  const app = newRouter()
  app.openapi(create, async (c) => {
    const sample = await createSample(deps, requestContextOf(c), c.req.valid('json'))
    c.header('location', `/api/v1/samples/${sample.id}`)
    return c.json(sample, 201)
  })
  app.openapi(importRoute, async (c) => {
    // Checked here, after the role: the app-wide JSON check leaves this path alone.
    const type = contentTypeOf(c)
    if (!CSV_TYPE.test(type)) throw unsupportedType(type, 'text/csv')
    // The upload's bytes, held once; its text is decoded a piece at a time as it is imported.
    const result = await importSamples(deps, requestContextOf(c), {
      source: bytesSource(new Uint8Array(await c.req.arrayBuffer())),
      contentType: c.req.header('content-type'),
      name: c.req.valid('query').name,
    })
    return c.json(result, result.duplicate ? 200 : 201)
  })
  app.openapi(list, async (c) => c.json(await findSamples(deps, c.req.valid('query')), 200))
  app.openapi(detail, async (c) => c.json(await getSample(deps, c.req.valid('param').id), 200))
  return app
}
