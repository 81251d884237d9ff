import { describe, expect, it } from 'vitest'
import { SampleIndex } from '../../src/samples/sample-index.js'

/**
 * The import's index of sample numbers, beyond what a test file's few rows reach: more entries than a block
 * and than the first hash tables hold, numbers of any length and script, items with null parts.
 */

const id = (n: number) => `0190a1b2-c3d4-7e5f-8a9b-${n.toString(16).padStart(12, '0')}`

describe('SampleIndex', () => {
  it('finds every number among 150,000, with its line, id, verdict and first-row fields', () => {
    const index = new SampleIndex(2)
    for (let n = 0; n < 150_000; n++)
      index.add(`GC${n}`, id(n), n + 2, n % 7 !== 0, [`单位${n % 13}`, ''], [])
    expect(index.size).toBe(150_000)
    for (const n of [0, 1, 65_535, 65_536, 131_072, 149_999]) {
      const k = index.find(`GC${n}`)
      expect(k).toBe(n)
      expect(index.idOf(k as number)).toBe(id(n))
      expect(index.ok(k as number)).toBe(n % 7 !== 0)
      expect(index.same(k as number, 0, `单位${n % 13}`)).toBe(true)
      expect(index.same(k as number, 0, `单位${(n + 1) % 13}`)).toBe(false)
      expect(index.same(k as number, 1, '')).toBe(true)
    }
    expect(index.find('GC150000')).toBeUndefined()
    expect(index.find('GC1 ')).toBeUndefined()
    const numbers = [...index.okNumbers()]
    expect(numbers).toHaveLength(150_000 - Math.ceil(150_000 / 7))
    expect(numbers[0]).toEqual(['GC1', 3])
  })

  it('keeps numbers of any length and script apart', () => {
    const index = new SampleIndex(0)
    const long = 'X'.repeat(300)
    const numbers = ['', '抽样-1', 'a', 'A', long, `${long}Y`, '😀', 'GC'.repeat(120)]
    numbers.forEach((no, k) => {
      index.add(no, id(k), k, true, [], [])
    })
    numbers.forEach((no, k) => {
      expect(index.find(no)).toBe(k)
    })
    expect([...index.okNumbers()].map(([no]) => no)).toEqual(numbers)
  })

  it('keeps items in order, null parts as null, and counts the failing samples that were handed on', () => {
    const index = new SampleIndex(0)
    const a = {
      name: '苏丹红Ⅰ号',
      result: '1.8mg/kg',
      limit: '不得检出',
      unit: 'mg/kg',
      verdict: 'fail',
    } as const
    const b = { name: '过氧化值', result: '0.5', limit: null, unit: null, verdict: 'fail' } as const
    index.add('S1', id(1), 2, true, [], [a])
    index.add('S2', id(2), 3, true, [], [])
    index.add('S3', id(3), 4, false, [], [a])
    expect(index.addItem(0, b)).toBe(false)
    expect(index.addItem(1, b)).toBe(true)
    expect(index.addItem(1, a)).toBe(false)
    expect(new Map(index.okItems())).toEqual(
      new Map([
        [id(1), [a, b]],
        [id(2), [b, a]],
      ]),
    )
    expect(index.failing()).toBe(2)
  })
})
