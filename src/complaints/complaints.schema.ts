import { z } from '@hono/zod-openapi'
import { hasBidiControl, isInvisible } from '../domain/text.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { DistrictCodeSchema, uuidParam } from '../http/schemas.js'
import {
  amountProblem,
  canonicalAmount,
  hasXmlUnsafe,
  normalisePhone,
  PHONE_TEXT,
  XML_UNSAFE_TEXT,
} from './complaint-text.js'

export const COMPLAINT_KINDS = ['complaint', 'report', 'enquiry'] as const
export const STAFF_CHANNELS = ['phone', 'letter', 'visit'] as const
export const COMPLAINT_STATUSES = ['open', 'accepted', 'declined', 'closed'] as const
export const OUTCOMES = ['agreed', 'not_agreed', 'case_opened', 'no_case', 'answered'] as const
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number]
export type Outcome = (typeof OUTCOMES)[number]

const visible = { zh: '须含有可见字符', en: 'must contain a visible character' }
const noBidi = { zh: '不得含有双向文本控制字符', en: 'must not contain bidirectional override characters' }

/**
 * Text a consumer types: trimmed, at most `max` characters, no characters XML cannot carry; markup and
 * emoji are kept exactly as typed (pages show them as text). `required` text needs a visible character.
 */
const text = (max: number, required = true) => {
  let s = z
    .string()
    .trim()
    .max(max)
    .refine((v) => !hasXmlUnsafe(v), { message: XML_UNSAFE_TEXT.en, params: XML_UNSAFE_TEXT })
    .refine((v) => !hasBidiControl(v), { message: noBidi.en, params: noBidi })
  if (required) s = s.refine((v) => !isInvisible(v), { message: visible.en, params: visible })
  return s.openapi({
    description: `Trimmed; at most ${max} characters${required ? '; something visible' : ''}`,
  })
}

export const PhoneSchema = z
  .string()
  .max(40)
  .refine((v) => normalisePhone(v) !== null, { message: PHONE_TEXT.en, params: PHONE_TEXT })
  .transform((v) => normalisePhone(v) ?? v)
  .openapi({
    description: 'Mobile (13812345678) or landline with area code (028-86123456)',
    example: '13812345678',
  })

export const AmountSchema = z
  .string()
  .max(40)
  .superRefine((v, ctx) => {
    const p = amountProblem(v)
    if (p) ctx.addIssue({ code: 'custom', message: p.en, params: p })
  })
  .transform(canonicalAmount)
  .openapi({ description: 'Yuan as a decimal string, at most two decimals', example: '12.50' })

const DATE = /^\d{4}-\d{2}-\d{2}$/
const dateText = z
  .string()
  .regex(DATE, 'YYYY-MM-DD')
  .refine((v) => !DATE.test(v) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, {
    message: 'not a calendar date',
    params: { zh: '日期不存在', en: 'not a calendar date' },
  })

const product = z.strictObject({
  name: text(200),
  brand: text(100, false).optional(),
  batch: text(100, false).optional(),
  spec: text(100, false).optional(),
})
const business = z.strictObject({ name: text(200), address: text(300) })
const contact = z.strictObject({ name: text(50, false).optional(), phone: PhoneSchema.optional() })

const intakeFields = {
  kind: z.enum(COMPLAINT_KINDS).openapi({ description: 'complaint 投诉, report 举报, enquiry 咨询' }),
  product: product.optional(),
  business: business.optional(),
  purchasedOn: dateText.optional().openapi({ description: 'Date of purchase (not in the future)' }),
  amount: AmountSchema.optional(),
  description: text(5000).openapi({ description: 'What happened (at most 5,000 characters)' }),
  contact: contact.nullable().optional(),
}

type IntakeShape = {
  kind: ComplaintKind
  product?: unknown
  business?: unknown
  contact?: { phone?: string | undefined } | null | undefined
}

/** What each kind needs: a complaint a product, a business and a reachable phone; a report a business. */
function kindRules(v: IntakeShape, ctx: z.RefinementCtx) {
  const need = (path: (string | number)[], zh: string, en: string) =>
    ctx.addIssue({ code: 'custom', path, message: en, params: { zh, en } })
  if (v.kind === 'complaint') {
    if (!v.product) need(['product'], '投诉须写明商品或服务', 'a complaint names the product or service')
    if (!v.business)
      need(
        ['business'],
        '投诉须写明被投诉经营者的名称和地址',
        'a complaint names the business and its address',
      )
  }
  if (v.kind === 'report' && !v.business)
    need(['business'], '举报须写明被举报经营者的名称和地址', 'a report names the business and its address')
  if (v.kind !== 'report' && !v.contact?.phone)
    need(
      ['contact', 'phone'],
      '投诉和咨询须留下可接通的电话（举报可匿名）',
      'a reachable phone is needed (only a report may be anonymous)',
    )
}

export const PublicComplaintSchema = z
  .strictObject(intakeFields)
  .superRefine(kindRules)
  .openapi('ComplaintSubmission', {
    example: {
      kind: 'complaint',
      product: { name: '香辣辣椒酱', brand: '蜀味', batch: '2026-11-02', spec: '250g/袋' },
      business: { name: '某某超市春熙路店', address: '成都市锦江区春熙路1号' },
      purchasedOn: '2026-11-20',
      amount: '12.50',
      description: '打开后有异味',
      contact: { name: '张三', phone: '13812345678' },
    },
  })
export type PublicComplaintInput = z.output<typeof PublicComplaintSchema>

export const StaffComplaintSchema = z
  .strictObject({
    ...intakeFields,
    channel: z.enum(STAFF_CHANNELS).openapi({ description: 'phone 电话, letter 信件, visit 来访' }),
    receivedAt: z.iso
      .datetime({ offset: true })
      .openapi({ description: 'When it was received (not in the future)' }),
    exercise: z.boolean().optional().openapi({ description: 'Exercise or test data: never counted' }),
  })
  .superRefine(kindRules)
  .openapi('StaffComplaintIntake')
export type StaffComplaintInput = z.output<typeof StaffComplaintSchema>

export const TrackingParam = z.strictObject({
  tracking: z
    .string()
    .max(40)
    .openapi({
      param: { name: 'tracking', in: 'path' },
      pattern: '^12315-\\d{4}-\\d{7}$',
      example: '12315-2026-0000001',
    }),
})
export const CodeQuery = z.strictObject({
  code: z.string().max(64).openapi({ description: 'The check code' }),
})

export const ReceiptSchema = z
  .strictObject({
    tracking: z.string().openapi({ example: '12315-2026-0000001' }),
    code: z.string().openapi({ description: 'Check code: keep it to look the complaint up' }),
  })
  .openapi('ComplaintReceipt')

const timelineItem = z.strictObject({
  type: z.string(),
  at: z.string(),
  text: z.strictObject({ zh: z.string(), en: z.string() }),
})
const reason = z.strictObject({ code: z.string(), text: z.strictObject({ zh: z.string(), en: z.string() }) })

export const PublicStatusSchema = z
  .strictObject({
    tracking: z.string(),
    kind: z.enum(COMPLAINT_KINDS),
    status: z.enum(COMPLAINT_STATUSES),
    receivedAt: z.string(),
    district: z
      .string()
      .nullable()
      .openapi({ description: 'The district bureau handling it (null: being routed)' }),
    deadlines: z.strictObject({ decideBy: z.string(), closeBy: z.string().nullable() }),
    timeline: z.array(timelineItem),
    decision: z.enum(['accept', 'decline']).nullable(),
    declineReasons: z.array(reason),
    outcome: z.enum(OUTCOMES).nullable(),
    recovered: z.string().nullable(),
  })
  .openapi('ComplaintStatus')

export const DecideSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('accept') }),
    z.strictObject({
      decision: z.literal('decline'),
      reasons: z
        .array(z.string().max(50))
        .min(1)
        .max(20)
        .openapi({ description: 'Codes from the rules’ list' }),
    }),
  ])
  .openapi('ComplaintDecision')
export type DecideInput = z.output<typeof DecideSchema>

export const CloseSchema = z
  .strictObject({
    outcome: z.enum(OUTCOMES),
    recovered: AmountSchema.optional().openapi({ description: 'Amount recovered for the consumer (agreed)' }),
    note: text(2000, false).optional(),
  })
  .openapi('ComplaintClose')
export type CloseInput = z.output<typeof CloseSchema>

export const TransferSchema = z
  .strictObject({ district: DistrictCodeSchema, reason: text(1000) })
  .openapi('ComplaintTransfer')
export type TransferInput = z.output<typeof TransferSchema>

export const AssignSchema = z.strictObject({ district: DistrictCodeSchema }).openapi('ComplaintAssign')

export const ComplaintIdParam = z.strictObject({ id: uuidParam('id') })

export const ComplaintListQuery = z.strictObject({
  ...PageQuery,
  status: z.enum(COMPLAINT_STATUSES).optional(),
  kind: z.enum(COMPLAINT_KINDS).optional(),
  district: DistrictCodeSchema.optional().openapi({ description: 'Command centre: one district' }),
  queue: z
    .enum(['city'])
    .optional()
    .openapi({ description: '`city`: complaints no district could be told for' }),
  mine: z.enum(['true', 'false']).optional().openapi({ description: 'Only those the caller owns' }),
})
export type ComplaintListInput = z.output<typeof ComplaintListQuery>

const contactOut = z.strictObject({ name: z.string().nullable(), phone: z.string().nullable() }).nullable()

export const ComplaintSchema = z
  .strictObject({
    id: z.uuid(),
    tracking: z.string(),
    kind: z.enum(COMPLAINT_KINDS),
    channel: z.enum(['web', ...STAFF_CHANNELS]),
    status: z.enum(COMPLAINT_STATUSES),
    receivedAt: z.string(),
    district: z.string().nullable(),
    owner: z.strictObject({ id: z.string(), name: z.string().nullable(), since: z.string() }).nullable(),
    product: z.strictObject({
      name: z.string().nullable(),
      brand: z.string().nullable(),
      batch: z.string().nullable(),
      spec: z.string().nullable(),
    }),
    business: z.strictObject({
      id: z
        .uuid()
        .nullable()
        .openapi({ description: 'The business of the register it names (/businesses/{id})' }),
      name: z.string().nullable(),
      address: z.string().nullable(),
    }),
    purchasedOn: z.string().nullable(),
    amount: z.string().nullable(),
    description: z.string(),
    anonymous: z.boolean(),
    contact: contactOut.openapi({
      description: 'Full for the owning district and the command centre; masked in lists',
    }),
    decideBy: z.string(),
    closeBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decision: z.enum(['accept', 'decline']).nullable(),
    declineReasons: z.array(z.string()),
    closedAt: z.string().nullable(),
    outcome: z.enum(OUTCOMES).nullable(),
    recovered: z.string().nullable(),
    note: z.string().nullable(),
    exercise: z.boolean(),
    incidentId: z.string().nullable(),
  })
  .openapi('Complaint')

export const ComplaintPageSchema = pageSchema(ComplaintSchema).openapi('ComplaintPage')

const received = z.strictObject({
  complaint: z.number().int(),
  report: z.number().int(),
  enquiry: z.number().int(),
  total: z.number().int(),
})
export const FigureRowSchema = z
  .strictObject({
    month: z.string().openapi({ example: '2026-11' }),
    district: z.string().nullable().openapi({ description: 'null: the city queue' }),
    received,
    decided: z.number().int(),
    decidedOnTime: z.number().int(),
    decidedOnTimeRate: z
      .number()
      .nullable()
      .openapi({ description: 'Per cent, one decimal; null when none' }),
    closed: z.number().int(),
    closedOnTime: z.number().int(),
    closedOnTimeRate: z.number().nullable(),
    mediationsAgreed: z.number().int(),
    recovered: z.string().openapi({ description: 'Yuan recovered for consumers, exact', example: '12.50' }),
  })
  .openapi('ComplaintFigureRow')
export const FiguresQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Default: this year' }),
  district: DistrictCodeSchema.optional(),
})
export const FiguresSchema = z
  .strictObject({ year: z.number().int(), rows: z.array(FigureRowSchema) })
  .openapi('ComplaintFigures')
export const CityYearSchema = z
  .strictObject({
    year: z.number().int(),
    received,
    decidedOnTimeRate: z.number().nullable(),
    closedOnTimeRate: z.number().nullable(),
    mediationsAgreed: z.number().int(),
    recovered: z.string(),
    months: z.array(FigureRowSchema),
  })
  .openapi('ComplaintCityYear')
export const YearQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Default: this year' }),
})
