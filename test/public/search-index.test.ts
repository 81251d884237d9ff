import { describe, expect, it } from 'vitest'
import { type SearchEntry, SearchIndex, searchText } from '../../src/public/search.js'

const entry = (name: string, batch: string, rank: number, time: number): SearchEntry => ({
  text: searchText(name, batch),
  rank,
  time,
  hit: {
    kind: 'sample',
    verdict: rank === 0 ? 'failed' : 'passed',
    exercise: false,
    ended: false,
    productName: name,
    brand: null,
    batch,
    producer: null,
    unitName: null,
    category: null,
    items: [],
    reason: null,
    date: '',
    reference: '',
    alertId: null,
    url: null,
  },
})

const index = new SearchIndex([
  entry('特辣辣椒面', 'B0427', 1, 1),
  entry('剁辣椒', 'DLJ-1', 0, 1),
  entry('鲜猪肉', 'ZR-0427', 0, 2),
  entry('辣椒油', 'Y9', 0, 3),
])
const names = (q: string, start = 0, limit = 10) =>
  index.search(q, start, limit).entries.map((e) => e.hit.productName)

describe('SearchIndex', () => {
  it('finds substrings of any length, failed first then newest, all terms required', () => {
    expect(names('辣椒')).toEqual(['辣椒油', '剁辣椒', '特辣辣椒面'])
    expect(names('0427')).toEqual(['鲜猪肉', '特辣辣椒面'])
    expect(names('辣椒 b0427')).toEqual(['特辣辣椒面'])
    expect(names('猪')).toEqual(['鲜猪肉'])
    expect(names('豆腐')).toEqual([])
    expect(names('   ')).toEqual([])
  })

  it('pages: start and limit, and says whether more follow', () => {
    expect(index.search('辣椒', 0, 2)).toMatchObject({ more: true })
    expect(names('辣椒', 2, 2)).toEqual(['特辣辣椒面'])
    expect(index.search('辣椒', 2, 2).more).toBe(false)
  })
})
