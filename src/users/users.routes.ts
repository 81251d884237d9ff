import { z } from '@hono/zod-openapi'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { ROLES } from '../domain/enums.js'
import { notFound } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { rolesDescription } from '../domain/roles-glossary.js'
import { requestContextOf } from '../http/app-env.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, json, problem, timestamp } from '../http/schemas.js'
import { findUser, listUsers, type UserRow } from './users.repo.js'
import { CreateUserSchema, UpdateUserSchema } from './users.schema.js'
import { createUser, updateUser, userTag } from './users.service.js'

const UserSchema = z
  .strictObject({
    id: z.uuid(),
    login: z.string(),
    name: z.string(),
    role: z.enum(ROLES).openapi({ description: `One of ${rolesDescription()}` }),
    district: z.string().nullable(),
    retailer: z.string().nullable(),
    phone: z.string().nullable(),
    mustChangePassword: z.boolean(),
    disabled: z.boolean(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  })
  .openapi('User')

const WithPassword = z
  .strictObject({
    ...UserSchema.shape,
    oneTimePassword: z
      .string()
      .optional()
      .openapi({ description: 'Shown only in this response; the first sign-in must replace it' }),
  })
  .openapi('UserWithPassword')

const toDto = (r: UserRow) => ({
  id: r.id,
  login: r.login,
  name: r.display_name,
  role: r.role,
  district: r.district_code,
  retailer: r.retailer_id,
  phone: r.phone,
  mustChangePassword: r.must_change_password,
  disabled: r.disabled_at !== null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})

const withPassword = (r: { user: UserRow; oneTimePassword: string | null }) => ({
  ...toDto(r.user),
  ...(r.oneTimePassword ? { oneTimePassword: r.oneTimePassword } : {}),
})

const ETAG_HEADER = z.object({
  ETag: z.string().openapi({ description: 'The account’s version: send it as `If-Match` to update it' }),
})

const create = securedRoute(ACCESS.manageUsers, {
  method: 'post',
  path: '/users',
  operationId: 'createUser',
  tags: ['users'],
  summary: 'Create a staff account (its one-time password is returned once)',
  request: { body: { content: json(CreateUserSchema), required: true } },
  responses: {
    201: { description: 'Created', content: json(WithPassword) },
    409: problem('Login name taken'),
  },
})

const list = securedRoute(ACCESS.manageUsers, {
  method: 'get',
  path: '/users',
  operationId: 'listUsers',
  tags: ['users'],
  summary: 'List staff accounts by login name',
  request: {
    query: z.object({
      ...PageQuery,
      role: z.enum(ROLES).optional(),
      disabled: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: { 200: { description: 'A page of accounts', content: json(pageSchema(UserSchema)) } },
})

const get = securedRoute(ACCESS.manageUsers, {
  method: 'get',
  path: '/users/{id}',
  operationId: 'getUser',
  tags: ['users'],
  summary: 'One staff account',
  request: { params: IdParam },
  responses: {
    200: { description: 'The account', content: json(UserSchema), headers: ETAG_HEADER },
    404: problem('No such user'),
  },
})

const update = securedRoute(ACCESS.manageUsers, {
  method: 'patch',
  path: '/users/{id}',
  operationId: 'updateUser',
  tags: ['users'],
  summary: 'Change, disable, unlock or reset the password of a staff account',
  description:
    'Send `If-Match` with the `ETag` of the account as read (`GET /users/{id}` or an earlier write) to ' +
    'refuse the write with 412 when someone changed it since; without `If-Match` the write is applied.',
  request: {
    params: IdParam,
    headers: z.object({
      'if-match': z
        .string()
        .max(1000)
        .optional()
        .openapi({ description: 'The `ETag` the change is based on; 412 when the account changed since' }),
    }),
    body: { content: json(UpdateUserSchema), required: true },
  },
  responses: {
    200: {
      description: 'Updated; `oneTimePassword` only on a reset',
      content: json(WithPassword),
      headers: ETAG_HEADER,
    },
    404: problem('No such user'),
    412: problem('`If-Match` names a version the account no longer has: read it again'),
  },
})

const noUser = () => notFound({ zh: '用户不存在', en: 'No such user' })

export function userRoutes({ db, clock }: AppDeps) {
  return newRouter()
    .openapi(create, async (c) => {
      const b = c.req.valid('json')
      const created = await createUser(db, clock, requestContextOf(c), {
        login: b.login,
        name: b.name,
        role: b.role,
        districtCode: b.district,
        retailerId: b.retailer,
        phone: b.phone,
      })
      return c.json(withPassword(created), 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const rows = await listUsers(db, {
        limit: q.limit,
        after: q.cursor ? decodeCursor(q.cursor, 1) : undefined,
        role: q.role,
        disabled: q.disabled === undefined ? undefined : q.disabled === 'true',
      })
      return c.json(
        pageOf(rows, q.limit, (r) => [r.login_key], toDto),
        200,
      )
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param')
      const row = isUuid(id) ? await findUser(db, id) : undefined
      if (!row) throw noUser()
      c.header('ETag', userTag(row))
      return c.json(toDto(row), 200)
    })
    .openapi(update, async (c) => {
      const { id } = c.req.valid('param')
      if (!isUuid(id)) throw noUser()
      const b = c.req.valid('json')
      const updated = await updateUser(db, clock, requestContextOf(c), id, {
        name: b.name,
        phone: b.phone,
        role: b.role,
        districtCode: b.district,
        retailerId: b.retailer,
        disabled: b.disabled,
        resetPassword: b.resetPassword,
        unlock: b.unlock,
        ifMatch: c.req.valid('header')['if-match'],
      })
      c.header('ETag', userTag(updated.user))
      return c.json(withPassword(updated), 200)
    })
}
