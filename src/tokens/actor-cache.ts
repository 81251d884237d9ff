import type { Actor } from '../domain/context.js'

/**
 * Resolved tokens, kept for a few seconds so a busy client does not cost a query per request. Revoking through
 * this instance forgets the token at once; another instance notices within `ttlMs`. Unknown tokens are never
 * cached, so guessing cannot fill it.
 */
export class ActorCache {
  private readonly entries = new Map<string, { actor: Actor; until: number }>()

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(hash: string): Actor | undefined {
    const hit = this.entries.get(hash)
    if (!hit) return undefined
    if (hit.until > this.now()) return hit.actor
    this.entries.delete(hash)
    return undefined
  }

  set(hash: string, actor: Actor): void {
    // Maps iterate in insertion order: dropping the first entry drops the oldest.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(hash, { actor, until: this.now() + this.ttlMs })
  }

  forget(tokenId: string): void {
    for (const [hash, hit] of this.entries) if (hit.actor.id === tokenId) this.entries.delete(hash)
  }
}
