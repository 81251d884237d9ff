import { z } from '@hono/zod-openapi'
import { type TextRule, textField } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import type { ItemRow, SampleRow } from './samples.repo.js'

/**
 * The field rules of a sample: the one set the API's schema below is built from and the file import checks
 * every cell against (`sample-rows.ts`), so neither takes what the other refuses.
 */
export const SAMPLE_TEXT = {
  no: { max: 64, name: true },
  unitName: { max: 200, name: true },
  unitAddress: { max: 400 },
  foodName: { max: 200, name: true },
  spec: { max: 200, optional: true },
  brand: { max: 200, name: true, optional: true },
  batch: { max: 200, optional: true },
  producerName: { max: 200, name: true, optional: true },
  producerAddress: { max: 400, optional: true },
  category: { max: 100 },
  taskSource: { max: 200, optional: true },
  lab: { max: 200, optional: true },
  remarks: { max: 2000, optional: true },
  itemName: { max: 200, name: true },
  itemResult: { max: 200 },
  itemLimit: { max: 200, optional: true },
  itemUnit: { max: 50, optional: true },
} as const satisfies Record<string, TextRule>

const field = (f: keyof typeof SAMPLE_TEXT) => textField(SAMPLE_TEXT[f])
const optional = (f: keyof typeof SAMPLE_TEXT) => field(f).optional()
const isoDate = z.iso.date().optional()

const VerdictSchema = z.enum(['pass', 'fail'])

export const ItemInputSchema = z.strictObject({
  name: field('itemName').openapi({ example: '菌落总数' }),
  result: field('itemResult').openapi({
    description: 'Verbatim, as the lab printed it',
    example: '2.1×10⁶CFU/g',
  }),
  limit: optional('itemLimit').openapi({ example: '≤10⁵CFU/g' }),
  unit: optional('itemUnit').openapi({ description: 'Told from the result or limit when omitted' }),
  verdict: VerdictSchema,
})

export const SampleInputSchema = z
  .strictObject({
    no: field('no').openapi({ description: '抽样编号', example: 'GC26510104001' }),
    seq: z.number().int().min(1).max(1_000_000).optional().openapi({ description: '序号' }),
    unit: z.strictObject({
      name: field('unitName').openapi({
        description: '被抽样单位名称',
        example: '成都红旗连锁股份有限公司春熙路店',
      }),
      address: field('unitAddress').openapi({
        description: '被抽样单位地址',
        example: '成都市锦江区春熙路南段8号',
      }),
    }),
    foodName: field('foodName').openapi({ example: '香辣辣椒酱' }),
    spec: optional('spec'),
    brand: optional('brand'),
    batch: optional('batch').openapi({
      description: '生产日期/批号 as printed; `(购进日期)` prefix marks a purchase date',
    }),
    producer: z
      .strictObject({ name: optional('producerName'), address: optional('producerAddress') })
      .optional(),
    category: field('category').openapi({ example: '调味品' }),
    taskSource: optional('taskSource'),
    lab: optional('lab'),
    sampledOn: isoDate,
    testedOn: isoDate,
    remarks: optional('remarks'),
    items: z.array(ItemInputSchema).max(200).default([]),
  })
  .openapi('SampleInput')
export type SampleInput = z.output<typeof SampleInputSchema>

const ItemSchema = z.strictObject({
  name: z.string(),
  result: z.string(),
  limit: z.string().nullable(),
  unit: z.string().nullable(),
  verdict: VerdictSchema,
})

export const SampleSchema = z
  .strictObject({
    id: z.string(),
    no: z.string(),
    seq: z.number().int().nullable(),
    unit: z.strictObject({ name: z.string(), address: z.string() }),
    district: z.strictObject({ code: z.string(), name: z.string() }),
    foodName: z.string(),
    spec: z.string().nullable(),
    brand: z.string().nullable(),
    batch: z.string().nullable(),
    productionDate: z.string().nullable(),
    purchaseDate: z.boolean().openapi({ description: 'The date is a purchase date (购进日期)' }),
    producer: z.strictObject({ name: z.string().nullable(), address: z.string().nullable() }),
    category: z.string(),
    taskSource: z.string().nullable(),
    lab: z.string().nullable(),
    sampledOn: z.string().nullable(),
    testedOn: z.string().nullable(),
    remarks: z.string().nullable(),
    verdict: VerdictSchema,
    public: z.boolean(),
    items: z.array(ItemSchema),
    createdAt: z.string(),
  })
  .openapi('Sample')
export type SampleDto = z.infer<typeof SampleSchema>

export const SampleQuerySchema = z.object({
  no: z.string().max(64).optional(),
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  category: z.string().max(100).optional(),
  verdict: VerdictSchema.optional(),
  producer: z.string().max(200).optional().openapi({ description: 'Substring of the named producer' }),
  unit: z.string().max(200).optional().openapi({ description: 'Substring of the sampled unit' }),
  ...PageQuery,
})

export const SamplePageSchema = pageSchema(SampleSchema)

export const ImportResultSchema = z
  .strictObject({
    importId: z.string(),
    duplicate: z.boolean().openapi({ description: 'The same file was imported before; nothing was added' }),
    samples: z.number().int(),
    failing: z.number().int(),
    rows: z.number().int(),
    message: z.string(),
  })
  .openapi('SampleImportResult')

export function itemDto(i: ItemRow) {
  return { name: i.name, result: i.result, limit: i.limit_value, unit: i.unit, verdict: i.verdict }
}

export function sampleDto(s: SampleRow, items: ItemRow[], districtName: (code: string) => string): SampleDto {
  return {
    id: s.id,
    no: s.no,
    seq: s.seq,
    unit: { name: s.unit_name, address: s.unit_address },
    district: { code: s.district_code, name: districtName(s.district_code) },
    foodName: s.food_name,
    spec: s.spec,
    brand: s.brand,
    batch: s.batch,
    productionDate: s.production_date,
    purchaseDate: s.purchase_date,
    producer: { name: s.producer_name, address: s.producer_address },
    category: s.category,
    taskSource: s.task_source,
    lab: s.lab,
    sampledOn: s.sampled_on,
    testedOn: s.tested_on,
    remarks: s.remarks,
    verdict: s.verdict,
    public: s.public,
    items: items.map(itemDto),
    createdAt: s.created_at.toISOString(),
  }
}
