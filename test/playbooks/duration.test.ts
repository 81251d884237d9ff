import { describe, expect, it } from 'vitest'
import { addDuration, durationWords, isDuration, parseDuration } from '../../src/playbooks/duration.js'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

describe('parseDuration', () => {
  it.each([
    ['PT30M', 30 * MIN],
    ['PT1H', HOUR],
    ['PT24H', DAY],
    ['P1D', DAY],
    ['P1DT12H', DAY + 12 * HOUR],
    ['PT1H30M', 90 * MIN],
    ['PT90S', 90_000],
    ['P2W', 14 * DAY],
    ['PT0S', 0],
    ['P1DT0H', DAY],
  ])('%s is %d ms', (iso, ms) => {
    expect(parseDuration(iso)).toBe(ms)
    expect(isDuration(iso)).toBe(true)
  })

  it.each([
    '',
    'P',
    'PT',
    'P1DT',
    'T1H',
    '1H',
    'pt1h',
    'PT1.5H',
    'PT-1H',
    ' PT1H',
    'PT1H ',
    'P1W2D',
    'PT1M1H',
    'P99999999999999999999D',
  ])('refuses %j', (iso) => {
    expect(isDuration(iso)).toBe(false)
    expect(() => parseDuration(iso)).toThrow(RangeError)
  })

  it.each(['P53W', 'P367D', 'PT8785H', 'P14800000W', 'P366DT1S'])('refuses %s: longer than a year', (iso) => {
    expect(isDuration(iso)).toBe(false)
    expect(() => parseDuration(iso)).toThrow(/longer than a year/)
  })

  it.each([
    ['P52W', 52 * 7 * DAY],
    ['P366D', 366 * DAY],
  ])('accepts %s, within a year', (iso, ms) => {
    expect(parseDuration(iso)).toBe(ms)
  })

  it.each(['P1M', 'P1Y', 'P1Y2M', 'P1M2D', 'P1MT1H'])('refuses months and years in %s, saying why', (iso) => {
    expect(() => parseDuration(iso)).toThrow(/months and years/)
  })

  it('is not confused by minutes after T', () => {
    expect(parseDuration('PT1M')).toBe(MIN)
  })

  it('says false for anything that is not a string', () => {
    expect(isDuration(undefined)).toBe(false)
    expect(isDuration(3600)).toBe(false)
  })
})

describe('addDuration', () => {
  it('adds elapsed time, so a day is 24 hours even across a clock change', () => {
    const start = new Date('2026-03-28T12:00:00Z')
    expect(addDuration(start, 'P1D').toISOString()).toBe('2026-03-29T12:00:00.000Z')
    expect(addDuration(start, 'PT30M').toISOString()).toBe('2026-03-28T12:30:00.000Z')
  })

  it('throws on a bad duration rather than returning an invalid date', () => {
    expect(() => addDuration(new Date(), 'P1M')).toThrow(RangeError)
  })
})

describe('durationWords (issue 15: never PT30M on a page)', () => {
  it.each([
    ['PT30M', '30分钟', '30 min'],
    ['PT2H', '2小时', '2 h'],
    ['P2D', '2天', '2 days'],
    ['P1D', '1天', '1 day'],
    ['PT24H', '1天', '1 day'],
    ['P1DT12H', '1天12小时', '1 day 12 h'],
    ['PT1H30M', '1小时30分钟', '1 h 30 min'],
    ['P1W', '7天', '7 days'],
    ['PT0M', '0分钟', '0 min'],
    ['PT90S', '1分钟30秒', '1 min 30 s'],
  ])('%s reads %s / %s', (iso, zh, en) => {
    expect(durationWords(iso, 'zh')).toBe(zh)
    expect(durationWords(iso, 'en')).toBe(en)
  })

  it('leaves text that is not a duration as it is', () => {
    expect(durationWords('P1M', 'zh')).toBe('P1M')
  })
})
