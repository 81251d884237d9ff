import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { DistrictCodeParam, json, problem } from '../http/schemas.js'
import { CityContactsSchema, DistrictContactsSchema } from './contacts.schema.js'
import {
  getCityContacts,
  getDistrictContacts,
  putCityContacts,
  putDistrictContacts,
} from './contacts.service.js'

const CodeParam = z.strictObject({ code: DistrictCodeParam })

const getDistrict = securedRoute(ACCESS.readContacts, {
  method: 'get',
  path: '/districts/{code}/contacts',
  operationId: 'getDistrictContacts',
  tags: ['contacts'],
  summary: 'Who a district’s escalation targets are: duty officer (值班员) and head (分管领导)',
  request: { params: CodeParam },
  responses: {
    200: {
      description: 'The district’s contacts (null where none is on file)',
      content: json(DistrictContactsSchema),
    },
    404: problem('No such district'),
  },
})
const putDistrict = securedRoute(ACCESS.manageContacts, {
  method: 'put',
  path: '/districts/{code}/contacts',
  operationId: 'putDistrictContacts',
  tags: ['contacts'],
  summary: 'Replace a district’s contacts (null clears one)',
  request: { params: CodeParam, body: { content: json(DistrictContactsSchema), required: true } },
  responses: {
    200: { description: 'The contacts now on file', content: json(DistrictContactsSchema) },
    404: problem('No such district'),
  },
})
const getCity = securedRoute(ACCESS.readContacts, {
  method: 'get',
  path: '/contacts/city',
  operationId: 'getCityContacts',
  tags: ['contacts'],
  summary: 'City-level escalation targets: command centre (指挥中心) and city leadership (市局领导)',
  responses: { 200: { description: 'City contacts', content: json(CityContactsSchema) } },
})
const putCity = securedRoute(ACCESS.manageContacts, {
  method: 'put',
  path: '/contacts/city',
  operationId: 'putCityContacts',
  tags: ['contacts'],
  summary: 'Replace the city-level contacts (null clears one)',
  request: { body: { content: json(CityContactsSchema), required: true } },
  responses: { 200: { description: 'The contacts now on file', content: json(CityContactsSchema) } },
})

export function contactRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(getDistrict, async (c) =>
      c.json(await getDistrictContacts(deps, c.req.valid('param').code), 200),
    )
    .openapi(putDistrict, async (c) =>
      c.json(
        await putDistrictContacts(deps, requestContextOf(c), c.req.valid('param').code, c.req.valid('json')),
        200,
      ),
    )
    .openapi(getCity, async (c) => c.json(await getCityContacts(deps), 200))
    .openapi(putCity, async (c) =>
      c.json(await putCityContacts(deps, requestContextOf(c), c.req.valid('json')), 200),
    )
}
