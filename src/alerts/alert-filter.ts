import { normalize } from '../domain/spelling.js'
import type { AlertEntry } from './alert-snapshot.js'

/**
 * What a list of alerts can be narrowed by: the one rule behind the public API (`GET /public/alerts`) and
 * the `/alerts` page, so both answer the same question the same way.
 */
export interface AlertFilter {
  /** `ended`: lifted or cancelled. */
  status: 'active' | 'ended' | 'all'
  /** Drills only, or real alerts only: never both in one list. */
  exercise: boolean
  district?: string | null | undefined
  /** Exactly a CAP category (Health, Safety) or a food category (调味品). */
  category?: string | undefined
  /** Words, all of which the alert names as category or hazard (spellings folded: 苏丹红Ⅰ = 苏丹红1号). */
  hazard?: string | undefined
  /** Issued on or after / on or before, Beijing dates `YYYY-MM-DD`. */
  from?: string | null | undefined
  to?: string | null | undefined
}

/** The Beijing date an alert was issued on, `YYYY-MM-DD`. */
export const issuedOn = (e: AlertEntry) =>
  new Date(e.row.created_at.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

/** Category or hazard words: the food category, CAP category, title, event, failed items of its products. */
function hazardText(e: AlertEntry): string {
  const d = e.dto
  return normalize(
    [
      d.productCategory ?? '',
      ...d.category,
      d.title.zh,
      d.title.en,
      d.event.zh,
      d.event.en,
      ...d.products.flatMap((p) => (p.failingItems ?? []).map((i) => i.name)),
    ].join(' \u0001 '),
  )
}

/** Whether the alert is one the filter selects. */
export function matchesAlert(e: AlertEntry, f: AlertFilter): boolean {
  if (e.row.exercise !== f.exercise) return false
  if (f.status === 'active' && e.row.status !== 'active') return false
  if (f.status === 'ended' && e.row.status === 'active') return false
  if (f.district && !e.row.districts.includes(f.district)) return false
  if (f.category && !e.dto.category.includes(f.category) && e.row.product_category !== f.category)
    return false
  if (f.from || f.to) {
    const day = issuedOn(e)
    if (f.from && day < f.from) return false
    if (f.to && day > f.to) return false
  }
  const words = f.hazard ? normalize(f.hazard).split(' ').filter(Boolean) : []
  if (words.length > 0) {
    const text = hazardText(e)
    if (!words.every((w) => text.includes(w))) return false
  }
  return true
}
