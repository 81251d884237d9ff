import { createHash } from 'node:crypto'
import type { FailingProduct, Notice, OwnSample } from './board-inputs.js'

/**
 * The fewest failing products a board lists. Every one relevant to the board is listed — this retailer's
 * own first, then all of its district's — and a list shorter than this is filled up with the city's,
 * newest first. The kiosk shows them a screenful at a time, rotating (kiosk.js); twelve rows is about what a
 * 1080p wall screen shows in type readable across a corridor.
 */
export const BOARD_MAX_PRODUCTS = 12
/** How many of the retailer's own published samples its board lists (newest first). */
export const BOARD_OWN_RECORD = 10
export const HOTLINE = {
  number: '12315',
  zh: '市场监管投诉举报热线',
  en: 'Market regulation complaints hotline',
} as const

export interface BoardRetailer {
  id: string
  name: string
  nameEn: string | null
  district: string
  districtName: string
  address: string | null
}

/** The credit-risk classes (金信工程) with the short label a board shows beside the letter. */
export const CREDIT_CLASS_LABEL = {
  A: { zh: '低风险', en: 'low risk' },
  B: { zh: '一般风险', en: 'general risk' },
  C: { zh: '较高风险', en: 'higher risk' },
  D: { zh: '高风险', en: 'high risk' },
} as const
export type CreditClass = keyof typeof CREDIT_CLASS_LABEL

/** The retailer's linked business's class as its board shows it: 信用风险分类 A 低风险. */
export interface BoardCredit {
  class: CreditClass
  label: { zh: string; en: string }
}

export const boardCredit = (c: CreditClass | null): BoardCredit | null =>
  c === null ? null : { class: c, label: CREDIT_CLASS_LABEL[c] }

export type BoardProduct = FailingProduct & {
  scope: 'retailer' | 'district' | 'city'
  atThisRetailer: boolean
}

export interface BoardContent {
  retailer: BoardRetailer
  /**
   * The credit-risk class of the business the retailer is linked to (null: not linked, or not classified);
   * absent on boards built before the class was shown.
   */
  creditClass?: BoardCredit | null
  notices: Notice[]
  failingProducts: BoardProduct[]
  failingTotal: number
  ownRecord: OwnSample[]
  cityPassRate: { quarter: string; samples: number; failed: number; passRate: number | null }
  hotline: typeof HOTLINE
}

/** What every board of one district shares: computed once per refresh, hashed once. */
export interface DistrictPart {
  notices: Notice[]
  hash: string
}

export const sha = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32)

/** The board of one retailer from the shared inputs; deterministic, so equal inputs give equal boards. */
export function boardContent(
  retailer: BoardRetailer,
  notices: Notice[],
  failing: FailingProduct[],
  own: OwnSample[],
  passRate: BoardContent['cityPassRate'],
  credit: CreditClass | null = null,
): BoardContent {
  const ownNos = new Set(own.map((s) => s.sampleNo))
  const products: BoardProduct[] = []
  for (const f of failing)
    if (ownNos.has(f.sampleNo)) products.push({ ...f, scope: 'retailer', atThisRetailer: true })
  // Every product of the district: the kiosk pages through them, so none is dropped for want of room.
  for (const f of failing)
    if (!ownNos.has(f.sampleNo) && f.district === retailer.district)
      products.push({ ...f, scope: 'district', atThisRetailer: false })
  // The city's only fill a short list: stop copying once it is full (a full refresh builds every board from
  // the same 500 failing products, so copying all of them per board dominated its CPU time).
  const limit = Math.max(BOARD_MAX_PRODUCTS, products.length)
  for (const f of failing) {
    if (products.length >= limit) break
    if (!ownNos.has(f.sampleNo) && f.district !== retailer.district)
      products.push({ ...f, scope: 'city', atThisRetailer: false })
  }
  return {
    retailer,
    creditClass: boardCredit(credit),
    notices,
    failingProducts: products,
    failingTotal: failing.length,
    ownRecord: own.slice(0, BOARD_OWN_RECORD),
    cityPassRate: passRate,
    hotline: HOTLINE,
  }
}

/** The quarter `now` falls in, in the zone `tz`: its label and its first instant. */
export function quarterOf(now: Date, tz: string): { label: string; from: Date } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  const y = get('year')
  const m = get('month')
  const localAsUtc = Date.UTC(y, m - 1, get('day'), get('hour'), get('minute'), get('second'))
  const offset = localAsUtc - Math.floor(now.getTime() / 1000) * 1000
  const q = Math.floor((m - 1) / 3)
  return { label: `${y}Q${q + 1}`, from: new Date(Date.UTC(y, q * 3, 1) - offset) }
}
