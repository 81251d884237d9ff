import { z } from '@hono/zod-openapi'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { ROLES } from '../domain/enums.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { rolesDescription } from '../domain/roles-glossary.js'
import { requestContextOf } from '../http/app-env.js'
import { PageQuery } from '../http/pagination.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, json, pageSchema, problem } from '../http/schemas.js'
import type { ActorCache } from './actor-cache.js'
import { listTokens } from './tokens.repo.js'
import { CreateTokenSchema } from './tokens.schema.js'
import { createToken, revokeToken } from './tokens.service.js'

const TokenSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(ROLES).openapi({ description: `One of ${rolesDescription()}` }),
    district: z.string().nullable(),
    retailer: z.string().nullable(),
    user: z.uuid().nullable().openapi({ description: 'The person the token belongs to (null: none)' }),
    prefix: z.string().openapi({ description: 'First characters of the secret, to tell tokens apart' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token')

type Row = Awaited<ReturnType<typeof listTokens>>[number]
const toDto = (r: Row) => ({
  id: r.id,
  name: r.name,
  role: r.role,
  district: r.district_code,
  retailer: r.retailer_id,
  user: r.user_id,
  prefix: r.token_prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
})

const create = securedRoute(ACCESS.manageTokens, {
  method: 'post',
  path: '/tokens',
  operationId: 'createToken',
  tags: ['tokens'],
  summary: 'Create an API token (the secret is returned once)',
  request: { body: { content: { 'application/json': { schema: CreateTokenSchema } }, required: true } },
  responses: {
    201: {
      description: 'Created; `token` is shown only in this response',
      content: json(z.strictObject({ ...TokenSchema.shape, token: z.string() }).openapi('CreatedToken')),
    },
  },
})

const list = securedRoute(ACCESS.manageTokens, {
  method: 'get',
  path: '/tokens',
  operationId: 'listTokens',
  tags: ['tokens'],
  summary: 'List API tokens, oldest first (never their secrets)',
  request: {
    query: z.strictObject({
      revoked: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'Include revoked tokens (default false)' }),
      ...PageQuery,
    }),
  },
  responses: {
    200: { description: 'A page of tokens', content: json(pageSchema(TokenSchema)) },
  },
})

const revoke = securedRoute(ACCESS.manageTokens, {
  method: 'delete',
  path: '/tokens/{id}',
  operationId: 'revokeToken',
  tags: ['tokens'],
  summary: 'Revoke an API token',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'Revoked (revoking again changes nothing)',
      content: { 'application/json': { schema: TokenSchema } },
    },
    404: problem('No such token'),
    409: problem('The last active admin token cannot be revoked'),
  },
})

export function tokenRoutes({ db, clock }: AppDeps, actors: ActorCache) {
  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json')
      const ctx = requestContextOf(c)
      const created = await createToken(db, clock, ctx, {
        name: body.name,
        role: body.role,
        districtCode: body.district,
        retailerId: body.retailer,
        userId: body.user,
      })
      return c.json({ ...toDto(created), token: created.token }, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const rows = await listTokens(db, {
        includeRevoked: q.revoked === 'true',
        limit: q.limit,
        after: q.cursor === undefined ? undefined : decodeCursor(q.cursor, 2),
      })
      return c.json(
        pageOf(rows, q.limit, (r) => [r.created_at.toISOString(), r.id], toDto),
        200,
      )
    })
    .openapi(revoke, async (c) => {
      const { id } = c.req.valid('param')
      if (!isUuid(id)) throw notFound({ zh: '令牌不存在', en: 'No such token' })
      const revoked = await revokeToken(db, clock, requestContextOf(c), id)
      actors.forget(id)
      return c.json(toDto(revoked), 200)
    })
}
