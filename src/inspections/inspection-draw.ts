import { createHash } from 'node:crypto'

/**
 * The draw, so anyone can repeat it from the published seed (pure: no database, no clock).
 *
 * Random numbers: the i-th number (i = 0, 1, 2, …) is the first 6 bytes of SHA-256 of the UTF-8 text
 * `<seed>:<i>`, read big-endian as an integer and divided by 2^48, giving u in [0, 1).
 *
 * Businesses: the population is split by credit class; within a class the businesses are ordered by id
 * (the register's UUID, compared as text). For classes A, B, C, D in that order, n = ceil(share × count)
 * businesses are picked by a partial Fisher–Yates shuffle: for j = 0 … n−1, k = j + floor(u × (count − j)),
 * swap positions j and k; the first n are the class's draw, in that order. The plan's list is A's draw, then
 * B's, C's and D's.
 *
 * Inspectors: then, for each drawn business in list order, its district's officers (users of role
 * `district` of that district, not disabled, not flagged as conflicted with the business) ordered by id, and
 * two of them are picked by the same partial shuffle, continuing the same number stream.
 */
export class SeededStream {
  private i = 0
  constructor(private readonly seed: string) {}
  next(): number {
    const digest = createHash('sha256').update(`${this.seed}:${this.i}`, 'utf8').digest()
    this.i += 1
    return digest.readUIntBE(0, 6) / 2 ** 48
  }
}

/** The first `n` of a partial Fisher–Yates shuffle of `items` (which is not changed). */
export function pick<T>(items: readonly T[], n: number, rng: SeededStream): T[] {
  const a = [...items]
  const take = Math.min(n, a.length)
  for (let j = 0; j < take; j++) {
    const k = j + Math.floor(rng.next() * (a.length - j))
    const t = a[j] as T
    a[j] = a[k] as T
    a[k] = t
  }
  return a.slice(0, take)
}

export const CLASSES = ['A', 'B', 'C', 'D'] as const
export type Class = (typeof CLASSES)[number]

export interface Candidate {
  id: string
  district: string
  class: Class
}

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** How many of a class the share draws. */
export const countOf = (share: number, size: number) => Math.min(size, Math.ceil(share * size - 1e-9))

/** The drawn businesses in order, and two officers each (undefined officers: fewer than two eligible). */
export function draw(
  seed: string,
  shares: Record<Class, number>,
  population: readonly Candidate[],
  officersOf: (business: Candidate) => readonly string[],
): { business: Candidate; inspectors: string[] }[] {
  const rng = new SeededStream(seed)
  const chosen = CLASSES.flatMap((c) => {
    const members = population.filter((b) => b.class === c).sort(byId)
    return pick(members, countOf(shares[c], members.length), rng)
  })
  return chosen.map((business) => ({
    business,
    inspectors: pick([...officersOf(business)].sort(), 2, rng),
  }))
}
