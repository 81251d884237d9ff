import type { AppDeps } from '../deps.js'
import { AppError } from '../domain/errors.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { NotFoundPage } from '../public/alert-pages.js'
import { pageLang } from '../web/i18n.js'
import { htmlResponse, pageResponses } from '../web/page-route.js'
import { pageHeaders } from '../web/security.js'
import { BusinessPage } from './business-page.js'
import { getPublicBusiness } from './businesses.read.js'
import { BusinessIdParam, PublicBusinessSchema } from './businesses.schema.js'

const publicJson = publicRoute({
  method: 'get',
  path: '/public/businesses/{id}',
  operationId: 'getPublicBusiness',
  tags: ['businesses'],
  summary: 'A business as the public sees it: credit-risk class, its explanation, published failing samples',
  request: { params: BusinessIdParam },
  responses: {
    200: { description: 'The business', content: json(PublicBusinessSchema) },
    404: problem('No such business'),
  },
})
const page = publicRoute(
  {
    method: 'get',
    path: '/businesses/{id}',
    operationId: 'businessPage',
    tags: ['pages'],
    summary: 'A business’s public page (金信工程 disclosure)',
    request: { params: BusinessIdParam },
    responses: { ...pageResponses, 404: htmlResponse('No such business') },
  },
  { api: false },
)

export function publicBusinessRoutes(deps: AppDeps) {
  return newRouter().openapi(publicJson, async (c) =>
    c.json(await getPublicBusiness(deps, c.req.valid('param').id), 200),
  )
}

export function businessPageRoutes(deps: AppDeps) {
  return newRouter().openapi(page, async (c) => {
    const lang = pageLang(c)
    pageHeaders(c)
    const { id } = c.req.valid('param')
    const b = await getPublicBusiness(deps, id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return null
      throw err
    })
    if (!b)
      return c.html(
        `<!doctype html>${String(<NotFoundPage lang={lang} self={`/businesses/${id}`} />)}`,
        404,
      ) as never
    return c.html(
      `<!doctype html>${String(<BusinessPage lang={lang} self={`/businesses/${id}`} b={b} />)}`,
      200,
    ) as never
  })
}
