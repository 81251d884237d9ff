import { describe, expect, it } from 'vitest'
import { publicItem } from '../../src/alerts/alert-content.js'

describe('publicItem', () => {
  it('keeps a result printed with its unit as it is (the unit is never added twice)', () => {
    expect(
      publicItem({ name: '过氧化值', result: '0.42g/100g', limit_value: '≤0.25g/100g', unit: 'g/100g' }),
    ).toEqual({ name: '过氧化值', result: '0.42g/100g', limit: '≤0.25g/100g' })
  })

  it('adds the unit to a bare number, and leaves words and missing limits alone', () => {
    expect(publicItem({ name: '苏丹红I号', result: '1.8', limit_value: '不得检出', unit: 'mg/kg' })).toEqual({
      name: '苏丹红I号',
      result: '1.8mg/kg',
      limit: '不得检出',
    })
    expect(publicItem({ name: '菌落总数', result: '2.1×10⁶', limit_value: null, unit: 'CFU/g' })).toEqual({
      name: '菌落总数',
      result: '2.1×10⁶CFU/g',
      limit: '—',
    })
  })
})
