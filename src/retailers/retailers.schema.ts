import { z } from '@hono/zod-openapi'
import { nameText, trimmedText } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{2,29}$/, 'digits, spaces and dashes, optionally starting with +')

const fields = {
  name: nameText(200).openapi({ description: 'Name as the lab reports print it (被抽样单位名称)' }),
  nameEn: nameText(200).nullable().optional(),
  district: z.string().regex(/^\d{6}$/, 'a six-digit division code'),
  address: nameText(300).openapi({ description: 'Address as the lab reports print it' }),
  categories: z.array(nameText(50)).max(50).optional(),
  contact: z
    .strictObject({ name: nameText(100), phone })
    .nullable()
    .optional(),
}

export const RetailerIdParam = z.strictObject({
  id: z
    .string()
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'not a retailer id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'wanda-jinjiang' }),
})

export const RetailerInputSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'lower-case letters, digits and dashes, 2–64 characters')
      .optional()
      .openapi({ description: 'Chosen id (the board address); generated when left out' }),
    ...fields,
  })
  .openapi('RetailerInput')

export const RetailerPatchSchema = z
  .strictObject({
    name: fields.name.optional(),
    nameEn: fields.nameEn,
    district: fields.district.optional(),
    address: fields.address.optional(),
    categories: fields.categories,
    contact: fields.contact,
  })
  .openapi('RetailerPatch')

export const RetailerSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    district: z.string(),
    districtName: z.string(),
    address: z.string().nullable(),
    categories: z.array(z.string()),
    contact: z.strictObject({ name: z.string(), phone: z.string() }).nullable(),
    linkedSamples: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Retailer')

export const RetailerPageSchema = pageSchema(RetailerSchema).openapi('RetailerPage')

export const RetailerQuerySchema = z.strictObject({
  ...PageQuery,
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  q: trimmedText(100).optional().openapi({ description: 'Part of the name' }),
})

export const RetailerSampleSchema = z
  .strictObject({
    id: z.uuid(),
    no: z.string(),
    foodName: z.string(),
    brand: z.string().nullable(),
    sampledOn: z.string().nullable(),
    verdict: z.enum(['pass', 'fail']),
    public: z.boolean(),
  })
  .openapi('RetailerSample')

export const RetailerSamplePageSchema = pageSchema(RetailerSampleSchema).openapi('RetailerSamplePage')
export const RetailerSampleQuery = z.strictObject({ ...PageQuery })
export type RetailerInput = z.output<typeof RetailerInputSchema>
export type RetailerPatch = z.output<typeof RetailerPatchSchema>
