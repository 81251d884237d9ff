import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import chineseDays from 'chinese-days'
import { parse } from 'yaml'
import { z } from 'zod'

/**
 * Working days on the Chinese calendar: public holidays off, and the weekend days made working days (调休)
 * on. The maintained `chinese-days` library answers for the years it covers; `db/seed/calendar.yaml`
 * supplies the years it does not cover yet (see that file for how to add one). A year covered by neither
 * falls back to Monday–Friday and is reported by `coverage()` (and fails test/complaints/calendar.test.ts
 * once it is the coming year), so a missing year is noticed before it matters.
 *
 * Dates are China Standard Time (UTC+8, no daylight saving): the calendar is China's, whatever TZ says.
 */

export const CALENDAR_FILE = resolve(import.meta.dirname, '../../db/seed/calendar.yaml')

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
const yearSchema = z.strictObject({
  provisional: z.boolean().default(false),
  holidays: z.array(z.union([dateText, z.date()])).default([]),
  workdays: z.array(z.union([dateText, z.date()])).default([]),
})
const fileSchema = z.record(z.string().regex(/^\d{4}$/), yearSchema)

const dayOf = (v: string | Date) => (typeof v === 'string' ? v : v.toISOString().slice(0, 10))

export interface YearCoverage {
  year: number
  source: 'library' | 'file' | 'none'
  provisional: boolean
}

const OFFSET_MS = 8 * 3600_000

export class WorkingCalendar {
  private readonly libraryYears: Set<number>
  private readonly fileYears = new Map<number, { provisional: boolean; off: Set<string>; on: Set<string> }>()
  /** `day|n` → the deadline's epoch milliseconds. */
  private readonly deadlines = new Map<string, number>()

  constructor(fileText: string | null) {
    const require = createRequire(import.meta.url)
    const data = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string> }
    this.libraryYears = new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))))
    if (fileText !== null) {
      // YAML reads an unquoted 2027-01-01 as a date; both forms are accepted.
      const parsed = fileSchema.parse(parse(fileText) ?? {})
      for (const [year, y] of Object.entries(parsed))
        this.fileYears.set(Number(year), {
          provisional: y.provisional,
          off: new Set(y.holidays.map(dayOf)),
          on: new Set(y.workdays.map(dayOf)),
        })
    }
  }

  static load(path = CALENDAR_FILE): WorkingCalendar {
    return new WorkingCalendar(readFileSync(path, 'utf8'))
  }

  coverage(year: number): YearCoverage {
    if (this.libraryYears.has(year)) return { year, source: 'library', provisional: false }
    const f = this.fileYears.get(year)
    return f
      ? { year, source: 'file', provisional: f.provisional }
      : { year, source: 'none', provisional: false }
  }

  /** `day` is `YYYY-MM-DD` in China. */
  isWorkday(day: string): boolean {
    const year = Number(day.slice(0, 4))
    if (this.libraryYears.has(year)) return chineseDays.isWorkday(day)
    const f = this.fileYears.get(year)
    if (f?.on.has(day)) return true
    if (f?.off.has(day)) return false
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
    return weekday !== 0 && weekday !== 6
  }

  /**
   * The end of the `n`-th working day after `from` (the day of receipt is not counted): 23:59:59 China time
   * of that day.
   */
  deadline(from: Date, n: number): Date {
    const start = chinaDay(from)
    const key = `${start}|${n}`
    const known = this.deadlines.get(key)
    if (known !== undefined) return new Date(known)
    let day = start
    let left = n
    while (left > 0) {
      day = nextDay(day)
      if (this.isWorkday(day)) left -= 1
    }
    const end = Date.parse(`${day}T23:59:59+08:00`)
    // Remembered: every intake asks the same few (day, n) pairs, each a walk over the holiday table. Bounded
    // by starting afresh rather than growing with every day ever asked about.
    if (this.deadlines.size >= 4096) this.deadlines.clear()
    this.deadlines.set(key, end)
    return new Date(end)
  }
}

/** The calendar date in China of an instant. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/** An instant as ISO 8601 with the China offset: `2026-12-09T23:59:59+08:00`. */
export function chinaIso(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS).toISOString()
  return `${local.slice(0, 19)}+08:00`
}

let shared: WorkingCalendar | undefined

/**
 * The working-day calendar (reference data read once, like the district list): the one instance complaint
 * clocks, rectification deadlines and the deadline endpoint count with.
 */
export function workingCalendar(): WorkingCalendar {
  shared ??= WorkingCalendar.load()
  return shared
}
