import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nextDailyOccurrence } from '../../src/playbooks/recurrence.js'

const next = (after: string, hhmm: string, zone: string) =>
  nextDailyOccurrence(new Date(after), hhmm, zone).toISOString()

describe('nextDailyOccurrence in Asia/Shanghai (UTC+8, no DST)', () => {
  const zone = 'Asia/Shanghai'

  it('finds 17:00 later the same local day', () => {
    expect(next('2026-03-10T08:00:00Z', '17:00', zone)).toBe('2026-03-10T09:00:00.000Z')
  })

  it('is strictly after: exactly 17:00 gives tomorrow 17:00', () => {
    expect(next('2026-03-10T09:00:00Z', '17:00', zone)).toBe('2026-03-11T09:00:00.000Z')
    expect(next('2026-03-10T08:59:59.999Z', '17:00', zone)).toBe('2026-03-10T09:00:00.000Z')
  })

  it('goes to the next day after 17:00', () => {
    expect(next('2026-03-10T10:00:00Z', '17:00', zone)).toBe('2026-03-11T09:00:00.000Z')
  })

  it('uses the local date, not the UTC date, after local midnight', () => {
    // 01:30 on 11 March in Shanghai is still 10 March in UTC.
    expect(next('2026-03-10T17:30:00Z', '17:00', zone)).toBe('2026-03-11T09:00:00.000Z')
    expect(next('2026-03-10T17:30:00Z', '00:00', zone)).toBe('2026-03-11T16:00:00.000Z')
  })

  it('crosses month and year ends', () => {
    expect(next('2026-12-31T10:00:00Z', '17:00', zone)).toBe('2027-01-01T09:00:00.000Z')
  })
})

describe('nextDailyOccurrence in Europe/London (GMT/BST)', () => {
  const zone = 'Europe/London'

  it('uses GMT in winter and BST in summer', () => {
    expect(next('2026-01-15T12:00:00Z', '17:00', zone)).toBe('2026-01-15T17:00:00.000Z')
    expect(next('2026-07-01T12:00:00Z', '17:00', zone)).toBe('2026-07-01T16:00:00.000Z')
  })

  it('moves by 23 hours across the spring change (29 March 2026)', () => {
    expect(next('2026-03-28T17:00:00Z', '17:00', zone)).toBe('2026-03-29T16:00:00.000Z')
  })

  it('moves by 25 hours across the autumn change (25 October 2026)', () => {
    expect(next('2026-10-24T16:00:00Z', '17:00', zone)).toBe('2026-10-25T17:00:00.000Z')
  })

  it('shifts a time inside the spring gap past the gap instead of skipping the day', () => {
    // 01:30 does not exist on 29 March; the report falls at 02:30 BST.
    expect(next('2026-03-28T12:00:00Z', '01:30', zone)).toBe('2026-03-29T01:30:00.000Z')
    expect(next('2026-03-29T01:30:00Z', '01:30', zone)).toBe('2026-03-30T00:30:00.000Z')
  })

  it('counts both 01:30s on the autumn day, earlier first', () => {
    expect(next('2026-10-24T12:00:00Z', '01:30', zone)).toBe('2026-10-25T00:30:00.000Z')
    expect(next('2026-10-25T00:30:00Z', '01:30', zone)).toBe('2026-10-25T01:30:00.000Z')
    expect(next('2026-10-25T01:30:00Z', '01:30', zone)).toBe('2026-10-26T01:30:00.000Z')
  })
})

describe('nextDailyOccurrence properties', () => {
  const zones = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']
  const formats = new Map(
    zones.map((zone) => [
      zone,
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    ]),
  )
  const localTime = (ms: number, zone: string) => formats.get(zone)!.format(ms)
  const MINUTE = 60_000
  const offsetMinutes = (ms: number, zone: string) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(ms)
      .find((p) => p.type === 'timeZoneName')!.value
    const m = /GMT([+-])(\d\d):(\d\d)/.exec(name)
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
  }

  it('is the first minute strictly later at that wall time, unless a clock change skipped it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(...zones),
        (t, h, m, zone) => {
          const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
          const result = nextDailyOccurrence(new Date(t), hhmm, zone).getTime()
          expect(result).toBeGreaterThan(t)
          expect(result - t).toBeLessThanOrEqual(25 * 60 * MINUTE)
          // No earlier minute in between has the wall time.
          for (let s = Math.floor(t / MINUTE) * MINUTE + MINUTE; s < result; s += MINUTE) {
            if (s > t) expect(localTime(s, zone)).not.toBe(hhmm)
          }
          // Landing elsewhere is allowed only just after a spring-forward gap that swallowed hhmm.
          if (localTime(result, zone) !== hhmm) {
            expect(offsetMinutes(result, zone)).toBeGreaterThan(offsetMinutes(result - 3 * 60 * MINUTE, zone))
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('nextDailyOccurrence refuses bad input', () => {
  it.each(['24:00', '7:00', '17:60', '1700', ''])('refuses the time %j', (hhmm) => {
    expect(() => nextDailyOccurrence(new Date(), hhmm, 'Asia/Shanghai')).toThrow(RangeError)
  })

  it('refuses an unknown time zone', () => {
    expect(() => nextDailyOccurrence(new Date(), '17:00', 'Asia/Chengdu')).toThrow(RangeError)
  })
})
