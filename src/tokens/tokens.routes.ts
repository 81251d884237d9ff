import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { requestContextOf } from '../http/app-env.js'
import { isUuid } from '../http/ids.js'
import { notFound } from '../http/problem.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import type { ActorCache } from './actor-cache.js'
import { listTokens } from './tokens.repo.js'
import { createToken, revokeToken } from './tokens.service.js'

const roles = ['admin', 'commander', 'district', 'sampler', 'reviewer', 'approver', 'retailer'] as const

const TokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(roles),
    district: z.string().nullable(),
    retailer: z.string().nullable(),
    prefix: z.string().openapi({ description: 'First characters of the secret, to tell tokens apart' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token')

const CreateTokenSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    role: z.enum(roles),
    district: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    retailer: z.string().min(1).max(64).optional(),
  })
  .openapi('CreateToken')

type Row = Awaited<ReturnType<typeof listTokens>>[number]
const toDto = (r: Row) => ({
  id: r.id,
  name: r.name,
  role: r.role,
  district: r.district_code,
  retailer: r.retailer_id,
  prefix: r.token_prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
})

const create = securedRoute(['admin'], {
  method: 'post',
  path: '/tokens',
  tags: ['tokens'],
  summary: 'Create an API token (the secret is returned once)',
  request: { body: { content: { 'application/json': { schema: CreateTokenSchema } }, required: true } },
  responses: {
    201: {
      description: 'Created; `token` is shown only in this response',
      content: { 'application/json': { schema: TokenSchema.extend({ token: z.string() }) } },
    },
  },
})

const list = securedRoute(['admin'], {
  method: 'get',
  path: '/tokens',
  tags: ['tokens'],
  summary: 'List API tokens (never their secrets)',
  request: { query: z.object({ revoked: z.enum(['true', 'false']).optional() }) },
  responses: {
    200: {
      description: 'Tokens',
      content: { 'application/json': { schema: z.object({ items: z.array(TokenSchema) }) } },
    },
  },
})

const revoke = securedRoute(['admin'], {
  method: 'delete',
  path: '/tokens/{id}',
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
      })
      return c.json({ ...toDto(created), token: created.token }, 201)
    })
    .openapi(list, async (c) => {
      const rows = await listTokens(db, { includeRevoked: c.req.valid('query').revoked === 'true' })
      return c.json({ items: rows.map(toDto) }, 200)
    })
    .openapi(revoke, async (c) => {
      const { id } = c.req.valid('param')
      if (!isUuid(id)) throw notFound({ zh: '令牌不存在', en: 'No such token' })
      const revoked = await revokeToken(db, clock, requestContextOf(c), id)
      actors.forget(id)
      return c.json(toDto(revoked), 200)
    })
}
