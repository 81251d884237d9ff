// Hand-written rather than a library: the accepted subset is tiny, and the libraries on npm
// (tinyduration, iso8601-duration) accept years, months and fractions that we must refuse anyway.
// Months and years are refused because their length depends on the calendar: a deadline has to
// be a fixed number of milliseconds. A day is taken as exactly 24 hours (elapsed time, not
// calendar days), which is what a response deadline means.

const WEEKS = /^P(\d+)W$/
const DAY_TIME = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Milliseconds in an ISO-8601 duration of the form PnW or PnDTnHnMnS (integers only). */
export function parseDuration(iso: string): number {
  const ms = tryParse(iso)
  if (typeof ms === 'string') throw new RangeError(ms)
  return ms
}

export function isDuration(s: unknown): boolean {
  return typeof s === 'string' && typeof tryParse(s) === 'number'
}

export function addDuration(date: Date, iso: string): Date {
  return new Date(date.getTime() + parseDuration(iso))
}

/** A number of milliseconds, or the reason the text is not an accepted duration. */
function tryParse(iso: string): number | string {
  const weeks = WEEKS.exec(iso)
  if (weeks) return checked(iso, Number(weeks[1]) * 7 * DAY)
  const m = DAY_TIME.exec(iso)
  // `P` alone, `PT` alone and a trailing `T` match the pattern with no component at all.
  if (m?.slice(1).some((part) => part !== undefined) && !iso.endsWith('T')) {
    const [, d, h, min, s] = m.map((part) => Number(part ?? 0))
    return checked(iso, d! * DAY + h! * HOUR + min! * MINUTE + s! * SECOND)
  }
  if (/^P(?:\d+[YMWD])*?\d+[YM]/.test(iso)) {
    return `"${iso}": months and years are not allowed (their length varies); use days or weeks`
  }
  return `"${iso}" is not an ISO-8601 duration such as PT30M, PT24H, P1D or P1DT12H`
}

/**
 * The longest accepted duration: a year (366 days, so P52W and P365D pass). Nothing in a response plan
 * lasts longer, and a window of millennia (P14800000W) validated but made every activation a 500 when
 * its deadline fell outside the range a date can hold.
 */
export const MAX_DURATION_MS = 366 * DAY

function checked(iso: string, ms: number): number | string {
  return Number.isSafeInteger(ms) && ms <= MAX_DURATION_MS
    ? ms
    : `"${iso}" is longer than a year; at most P366D (52 weeks, 366 days)`
}

/**
 * A duration as a person reads it, never `PT30M`: "30分钟", "2小时", "2天", "1天12小时" in Chinese; "30 min",
 * "2 h", "2 days", "1 day 12 h" in English. Text that is not a duration is returned as it is.
 */
export function durationWords(iso: string, lang: 'zh' | 'en'): string {
  const ms = tryParse(iso)
  if (typeof ms === 'string') return iso
  return msWords(ms, lang)
}

/** Milliseconds in the same words (whole seconds; zero is "0分钟" / "0 min"). */
export function msWords(ms: number, lang: 'zh' | 'en'): string {
  const total = Math.round(Math.abs(ms) / SECOND)
  const d = Math.floor(total / 86_400)
  const h = Math.floor((total % 86_400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const parts: string[] = []
  if (lang === 'zh') {
    if (d) parts.push(`${d}天`)
    if (h) parts.push(`${h}小时`)
    if (m) parts.push(`${m}分钟`)
    if (s) parts.push(`${s}秒`)
    return parts.join('') || '0分钟'
  }
  if (d) parts.push(`${d} ${d === 1 ? 'day' : 'days'}`)
  if (h) parts.push(`${h} h`)
  if (m) parts.push(`${m} min`)
  if (s) parts.push(`${s} s`)
  return parts.join(' ') || '0 min'
}
