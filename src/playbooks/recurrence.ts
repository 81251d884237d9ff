// Wall-clock arithmetic with Intl only: the offsets come from the platform's time-zone data, so
// the result is right for zones with daylight saving without a date library.

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/
const DAY = 86_400_000

export function isHhmm(s: unknown): boolean {
  return typeof s === 'string' && HHMM.test(s)
}

/**
 * The first instant strictly after `after` whose local time in `timeZone` is `hhmm`.
 * On a day when that time does not exist (a spring-forward gap) the occurrence falls just after
 * the gap, shifted by its length (what Temporal calls "compatible"), so a daily report is never
 * skipped. When it exists twice (autumn fall-back) both instants count, earlier first.
 */
export function nextDailyOccurrence(after: Date, hhmm: string, timeZone: string): Date {
  const m = HHMM.exec(hhmm)
  if (!m) throw new RangeError(`"${hhmm}" is not a time of day HH:MM`)
  const hour = Number(m[1])
  const minute = Number(m[2])
  const t = after.getTime()
  if (!Number.isFinite(t)) throw new RangeError('invalid date')
  const local = wallClock(t, timeZone)
  // Eight days covers any real zone, including one that skipped a whole calendar day.
  for (let day = 0; day < 8; day++) {
    const wall = Date.UTC(local.year, local.month - 1, local.day + day, hour, minute)
    const next = instantsAt(wall, timeZone).find((instant) => instant > t)
    if (next !== undefined) return new Date(next)
  }
  throw new RangeError(`no ${hhmm} in ${timeZone} within a week after ${after.toISOString()}`)
}

/** The instants (0..2, ascending) whose local wall time, written as if UTC, is `wall`. */
function instantsAt(wall: number, timeZone: string): number[] {
  const before = offsetAt(wall - DAY, timeZone)
  const later = offsetAt(wall + DAY, timeZone)
  const found = [...new Set([before, later])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wall)
    .sort((a, b) => a - b)
  // In a gap neither offset fits; the earlier offset lands as far past the gap as the gap is long.
  return found.length > 0 ? found : [wall - before]
}

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallClock(instant, timeZone)
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wall - Math.floor(instant / 1000) * 1000
}

interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function wallClock(instant: number, timeZone: string): WallClock {
  let format = formatters.get(timeZone)
  if (!format) {
    // Throws RangeError for an unknown zone, which is what a caller with a typo should see.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, format)
  }
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
  for (const part of format.formatToParts(instant)) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value)
  }
  return out
}
