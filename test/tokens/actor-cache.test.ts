import { describe, expect, it } from 'vitest'
import type { Actor } from '../../src/domain/context.js'
import { ActorCache } from '../../src/tokens/actor-cache.js'

const actor = (id: string): Actor => ({
  type: 'token',
  id,
  name: id,
  role: 'commander',
  districtCode: null,
  retailerId: null,
})

describe('actor cache', () => {
  it('keeps a resolved token for its time to live, then forgets it', () => {
    let now = 0
    const cache = new ActorCache(5_000, 10, () => now)
    cache.set('h1', actor('a'))
    now = 4_999
    expect(cache.get('h1')?.id).toBe('a')
    now = 5_000
    expect(cache.get('h1')).toBeUndefined()
  })

  it('forgets a revoked token at once and stays within its size', () => {
    const cache = new ActorCache(5_000, 2, () => 0)
    cache.set('h1', actor('a'))
    cache.set('h2', actor('b'))
    cache.forget('a')
    expect(cache.get('h1')).toBeUndefined()
    cache.set('h3', actor('c'))
    cache.set('h4', actor('d'))
    expect(cache.get('h2')).toBeUndefined() // the oldest made room
    expect(cache.get('h4')?.id).toBe('d')
  })
})
