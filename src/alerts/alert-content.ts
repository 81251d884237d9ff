import type { CapMsgType } from '../db/types.js'
import type { District } from '../districts/district-directory.js'
import type { Level, Text } from '../playbooks/playbook.schema.js'

/** A failing (or, for search, passing) test item as the lab reported it. */
export interface TestItem {
  name: string
  result: string
  limit: string
}

/**
 * A sample's test item as the public reads it. Results are kept as the lab printed them, usually with their
 * unit (`1.8mg/kg`); the unit is added only to a bare number, never twice.
 */
export function publicItem(i: {
  name: string
  result: string
  limit_value: string | null
  unit: string | null
}): TestItem {
  const unit = i.unit ?? ''
  // A bare number ends in a digit, superscripts included (`2.1×10⁶`).
  const withUnit = (v: string) =>
    unit && /[\d\u00B2\u00B3\u00B9\u2070\u2074-\u2079]$/.test(v) && !v.endsWith(unit) ? `${v}${unit}` : v
  return {
    name: i.name,
    result: withUnit(i.result),
    limit: i.limit_value ? withUnit(i.limit_value) : '—',
  }
}

/** A product an alert names: CAP parameters `product`, `brand`, `batch`, `producer`. */
export interface AlertProduct {
  name: string
  brand?: string | undefined
  batch?: string | undefined
  producer?: string | undefined
  producerAddress?: string | undefined
  spec?: string | undefined
  unitName?: string | undefined
  unitAddress?: string | undefined
  sampleNo?: string | undefined
  failingItems?: TestItem[] | undefined
}

export interface AlertArea {
  code: string
  nameZh: string
  nameEn: string
}

export type AlertSource =
  | { kind: 'incident'; incidentId: string; code: string }
  | { kind: 'announcement'; announcementId: string; number: string; title: string; publishedAt: string }

/** Everything one CAP message carries besides its envelope; stored with each version. */
export interface AlertContent {
  title: Text
  event: Text
  description: Text
  instruction: Text
  category: string[]
  urgency: string
  severity: string
  certainty: string
  responseType: string[]
  level: Level
  products: AlertProduct[]
  areas: AlertArea[]
  source: AlertSource
  /** Set on the version that closed or cancelled the alert. */
  closingNote?: Text | undefined
}

/**
 * Response level → CAP severity and warning colour. I 特别重大 is the most severe. Urgency and certainty
 * come from the playbook's public notice; severity always follows the level, so a level change is visible
 * to every CAP consumer.
 */
export const LEVEL_CAP: Record<Level, { severity: string; colour: string; colourZh: string }> = {
  1: { severity: 'Extreme', colour: 'red', colourZh: '红色' },
  2: { severity: 'Severe', colour: 'orange', colourZh: '橙色' },
  3: { severity: 'Moderate', colour: 'yellow', colourZh: '黄色' },
  4: { severity: 'Minor', colour: 'blue', colourZh: '蓝色' },
}

export const areasOf = (codes: string[], districts: { items: District[] }): AlertArea[] =>
  codes.map((code) => {
    const d = districts.items.find((x) => x.code === code)
    return { code, nameZh: d?.nameZh ?? code, nameEn: d?.nameEn ?? code }
  })

/** CAP wants `YYYY-MM-DDThh:mm:ss+08:00`: Shanghai time, no fraction. China keeps no daylight saving. */
export function capTime(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

export const capIdentifier = (versionId: string) => `redshield-alert-${versionId}`

export type { CapMsgType }
