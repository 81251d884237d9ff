import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chinaIso, WorkingCalendar } from '../../src/calendar/working-days.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const calendar = WorkingCalendar.load()
const due = (from: string, n: number) => chinaIso(calendar.deadline(new Date(from), n))

describe('working days on the Chinese calendar', () => {
  it('skips public holidays and counts the weekend days made working days (调休); receipt day not counted', () => {
    // National Day 2026: 1–7 October off; Saturday 10 October is a working day.
    expect(due('2026-09-28T10:00:00+08:00', 7)).toBe('2026-10-13T23:59:59+08:00')
    expect(due('2026-09-30T23:30:00+08:00', 1)).toBe('2026-10-08T23:59:59+08:00')
    // Saturday 14 February 2026 is a make-up working day before the Spring Festival.
    expect(due('2026-02-13T09:00:00+08:00', 1)).toBe('2026-02-14T23:59:59+08:00')
    // An ordinary week: Monday + 7 = the Wednesday after next.
    expect(due('2026-12-07T10:00:00+08:00', 7)).toBe('2026-12-16T23:59:59+08:00')
    // Late at night UTC is already the next day in China.
    expect(due('2026-12-06T17:00:00Z', 1)).toBe('2026-12-08T23:59:59+08:00')
  })

  it('crosses into a year the library lacks through db/seed/calendar.yaml (1 January off)', () => {
    expect(due('2026-12-24T10:00:00+08:00', 7)).toBe('2027-01-05T23:59:59+08:00')
  })

  // Fails when the year after the current one is covered neither by chinese-days nor by db/seed/calendar.yaml:
  // add the year to the file (see its header) or upgrade chinese-days.
  it('covers this year and the coming year', () => {
    const year = new Date().getUTCFullYear()
    for (const y of [year, year + 1])
      expect(calendar.coverage(y).source, `calendar year ${y}`).not.toBe('none')
  })
})

describe('GET /api/v1/calendar/deadline', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  it('answers the end of the last working day, +08:00, to anyone', async () => {
    const r = await t.call('GET', '/api/v1/calendar/deadline?from=2026-09-28T10:00:00%2B08:00&workingDays=7')
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ due: '2026-10-13T23:59:59+08:00' })
  })

  it('refuses a time without an offset, a bad count, a missing parameter', async () => {
    for (const q of [
      'from=2026-09-28&workingDays=7',
      'from=2026-09-28T10:00:00Z&workingDays=0',
      'workingDays=3',
      'from=x&workingDays=abc',
    ]) {
      const r = await t.call('GET', `/api/v1/calendar/deadline?${q}`)
      expect(r.status, q).toBe(422)
    }
  })
})
