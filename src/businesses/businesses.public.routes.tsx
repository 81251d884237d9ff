import type { AppDeps } from '../deps.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, problem } from '../http/schemas.js'
import { pageLang } from '../web/i18n.js'
import { pageErrors } from '../web/page-errors.js'
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
  const router = newRouter()
  // A missing business or a malformed id is a page in the reader's language, as on every public page.
  router.onError(pageErrors)
  return router.openapi(page, async (c) => {
    const lang = pageLang(c)
    pageHeaders(c)
    const { id } = c.req.valid('param')
    const b = await getPublicBusiness(deps, id)
    return c.html(
      `<!doctype html>${String(<BusinessPage lang={lang} self={`/businesses/${id}`} b={b} />)}`,
      200,
    ) as never
  })
}
