import type { Text } from '../domain/errors.js'
import { SPACES } from '../domain/names.js'

/**
 * Field rules shared by the single-sample API and the file import: how a district is told from an address,
 * how dates and test items are read, how names are normalised. Pure functions, no database.
 */

// Most cells need no cleaning; one test is cheaper than a replace and a trim on every cell of a large file.
const NEEDS_CLEANING = /^\s|\s$|[\t\n\r\v\f\u3000\u00a0]|\s\s/

/** Trims ASCII and full-width spaces and collapses runs inside to one space. */
export function clean(value: string | undefined | null): string {
  if (!value) return ''
  return NEEDS_CLEANING.test(value) ? value.replace(SPACES, ' ').trim() : value
}

export { DistrictResolver } from '../domain/district-resolver.js'
/** For matching a sampled unit later (retailer and business linking): the registers' one rule. */
export { normaliseName } from '../domain/names.js'

const PURCHASE_PREFIX = /^[(（]\s*购进日期\s*[)）]\s*/

export type DateReading =
  | { kind: 'none' }
  | { kind: 'batch'; text: string }
  | { kind: 'date'; text: string; date: string; purchase: boolean }
  | { kind: 'invalid'; text: string; reason: Text }

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

// Checked by arithmetic, without a Date per row: a large import reads one date on every row.
function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return undefined
  if (d > (m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0))) return undefined
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`
}

/** A plain date as `2005-03-12`, `2005/3/12` or `20050312`; undefined when not date-shaped. */
export function readDate(text: string): { date?: string; shaped: boolean } {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text)
  if (!m) return { shaped: false }
  const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]))
  return date ? { date, shaped: true } : { shaped: true }
}

/**
 * 生产日期/批号: a date (kept as a date too), a date with the `(购进日期)` prefix (a purchase date), or a batch
 * code kept as printed. A date-shaped value that is no calendar date is refused.
 */
export function readProductionDate(raw: string): DateReading {
  const text = clean(raw)
  if (!text || text === '/' || text === '-') return { kind: 'none' }
  const purchase = PURCHASE_PREFIX.test(text)
  const body = text.replace(PURCHASE_PREFIX, '')
  const { date, shaped } = readDate(body)
  if (date) return { kind: 'date', text, date, purchase }
  if (shaped || purchase)
    return {
      kind: 'invalid',
      text,
      reason: { zh: `日期「${body}」不存在`, en: `impossible date "${body}"` },
    }
  return { kind: 'batch', text }
}

/** `║` is the published separator; `||`, `|` and `丨` are what people type instead. */
const ITEM_SEPARATOR = /║|\|\||\||丨/

export function splitItemCell(cell: string): string[] {
  return cell.split(ITEM_SEPARATOR).map(clean)
}

// A unit of measure at the end of a value: CFU/g, MPN/100g, mg/kg, g/100g, %.
const UNIT = /([A-Za-zμµ][A-Za-z0-9μµ]*(?:\/[0-9]*[A-Za-zμµ]+)*|%|‰)$/

/** The unit where it can be told from the result or the limit (`2.1×10⁶CFU/g` → `CFU/g`); otherwise null. */
export function unitOf(result: string, limit: string | null): string | null {
  return UNIT.exec(result)?.[1] ?? (limit ? (UNIT.exec(limit)?.[1] ?? null) : null)
}
