import type { NewSample } from './samples.repo.js'

/**
 * Every sample number of a file being imported, compactly, to tell a continuation row from a new sample and
 * check it against its sample's first row. Everything per sample lives in typed arrays outside the
 * JavaScript heap: at a million samples a `Map` of number strings held ~90 MiB on the heap, and V8 lets a
 * heap grow to several times what it holds before collecting, so that live set cost several times its size
 * in peak RSS.
 */

type Item = NewSample['items'][number]

// Entries are stored in blocks of this many, so growing never copies (nor holds twice) what is stored.
const BLOCK_BITS = 16
const BLOCK = 1 << BLOCK_BITS
// Sample numbers as UTF-16 code units, each after its length, in chunks of this many units.
const ARENA_CHUNK = 1 << 20
// Longer numbers (only bad rows: a number may have 64 characters) are kept as strings, rarely.
const LONG_KEY = 256

/** FNV-1a over a string's UTF-16 code units: a field's fingerprint. */
export function fingerprint(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

// The fingerprint's bits mixed (murmur3's finaliser), so that the low bits that pick a slot are spread.
const slotHash = (text: string) => mix(fingerprint(text))

function mix(fnv: number): number {
  let h = fnv
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * A flat copy of a string that keeps no larger string alive: a cell is a slice of the piece of the file it
 * was read from, and V8 keeps a long slice's whole parent alive (so would a concatenation of slices).
 */
export const detach = (s: string) => (s.length < 13 ? s : ` ${s}`.slice(1))

// A sample's items as one string: an item's parts apart by U+0001, items by U+0002, null as U+0000. A file's
// item cell never holds these (control characters are refused), and one string per sample is a fraction of
// the objects and strings of its items, which at a million rows were most of what the index kept on the heap.
const PART = '\u0001'
const ITEM = '\u0002'
const NULL = '\u0000'

const encodeItem = (i: Item) => [i.name, i.result, i.limit ?? NULL, i.unit ?? NULL, i.verdict].join(PART)

function decodeItems(text: string): Item[] {
  return text.split(ITEM).map((one) => {
    const [name = '', result = '', limit = NULL, unit = NULL, verdict] = one.split(PART)
    return {
      name,
      result,
      limit: limit === NULL ? null : limit,
      unit: unit === NULL ? null : unit,
      verdict: verdict as Item['verdict'],
    }
  })
}

interface Block {
  lines: Int32Array
  oks: Uint8Array
  ids: Uint8Array
  prints: Uint32Array
  /** Where each number is in the arena; -1 for a long number kept in `longKeys`. */
  keyAt: Float64Array
}

/**
 * Per sample: its first row's line, whether that row was good (the sample handed on), its id, a fingerprint
 * of each sample field of its first row (which a later row of the same number must not contradict), and its
 * number, found again through an open-addressing hash table. Items are kept only for samples that have some.
 */
export class SampleIndex {
  private readonly blocks: Block[] = []
  private readonly arena: Uint16Array[] = []
  private arenaUsed = ARENA_CHUNK
  private readonly longKeys = new Map<number, string>()
  // Slot → entry + 1 (0: empty); kept at most half full.
  private table = new Int32Array(1 << 12)
  private readonly items = new Map<number, string>()
  size = 0

  /** `fields` is how many sample fields each entry fingerprints. */
  constructor(private readonly fields: number) {}

  add(no: string, id: string, line: number, ok: boolean, fields: readonly string[], items: Item[]): void {
    const k = this.size++
    if (k >> BLOCK_BITS >= this.blocks.length) this.blocks.push(this.newBlock())
    const b = this.blocks[k >> BLOCK_BITS] as Block
    const i = k & (BLOCK - 1)
    b.lines[i] = line
    b.oks[i] = ok ? 1 : 0
    writeUuid(b.ids, i * 16, id)
    for (let f = 0; f < this.fields; f++) b.prints[i * this.fields + f] = fingerprint(fields[f] ?? '')
    b.keyAt[i] = this.store(k, no)
    if (items.length > 0) this.items.set(k, detach(items.map(encodeItem).join(ITEM)))
    if (this.size * 2 > this.table.length) this.rehash(this.table.length * 2)
    else this.place(k, slotHash(no))
  }

  find(no: string): number | undefined {
    const mask = this.table.length - 1
    for (let s = slotHash(no) & mask; ; s = (s + 1) & mask) {
      const e = this.table[s] ?? 0
      if (e === 0) return undefined
      if (this.keyIs(e - 1, no)) return e - 1
    }
  }

  ok = (k: number) => this.block(k).oks[k & (BLOCK - 1)] === 1

  idOf(k: number): string {
    const b = this.block(k)
    return readUuid(b.ids, (k & (BLOCK - 1)) * 16)
  }

  /** Whether `value` of field number `f` is the first row's (by fingerprint). */
  same(k: number, f: number, value: string): boolean {
    return this.block(k).prints[(k & (BLOCK - 1)) * this.fields + f] === fingerprint(value)
  }

  /** Adds an item from a continuation row; true when it is the sample's first. */
  addItem(k: number, item: Item): boolean {
    const list = this.items.get(k)
    this.items.set(k, detach(list === undefined ? encodeItem(item) : `${list}${ITEM}${encodeItem(item)}`))
    return list === undefined
  }

  /** Each handed-on sample's number and first line. */
  *okNumbers(): Generator<[string, number]> {
    for (let k = 0; k < this.size; k++) {
      const b = this.block(k)
      const i = k & (BLOCK - 1)
      if (b.oks[i] === 1) yield [this.keyOf(k), b.lines[i] ?? 0]
    }
  }

  /** Each handed-on sample that has items: its id and items. */
  *okItems(): Generator<[string, Item[]]> {
    for (const [k, list] of this.items) if (this.ok(k)) yield [this.idOf(k), decodeItems(list)]
  }

  /** Handed-on samples with at least one failing item. */
  failing(): number {
    let n = 0
    for (const k of this.items.keys()) if (this.ok(k)) n++
    return n
  }

  private block(k: number): Block {
    return this.blocks[k >> BLOCK_BITS] as Block
  }

  private newBlock(): Block {
    return {
      lines: new Int32Array(BLOCK),
      oks: new Uint8Array(BLOCK),
      ids: new Uint8Array(BLOCK * 16),
      prints: new Uint32Array(BLOCK * this.fields),
      keyAt: new Float64Array(BLOCK),
    }
  }

  /** Stores a number's code units after their count; returns where, or -1 when kept as a string. */
  private store(k: number, no: string): number {
    if (no.length > LONG_KEY) {
      this.longKeys.set(k, detach(no))
      return -1
    }
    if (this.arenaUsed + no.length + 1 > ARENA_CHUNK) {
      this.arena.push(new Uint16Array(ARENA_CHUNK))
      this.arenaUsed = 0
    }
    const chunk = this.arena.at(-1) as Uint16Array
    const at = this.arenaUsed
    chunk[at] = no.length
    for (let c = 0; c < no.length; c++) chunk[at + 1 + c] = no.charCodeAt(c)
    this.arenaUsed += no.length + 1
    return (this.arena.length - 1) * ARENA_CHUNK + at
  }

  private keyIs(k: number, no: string): boolean {
    const at = this.block(k).keyAt[k & (BLOCK - 1)] ?? -1
    if (at < 0) return this.longKeys.get(k) === no
    const chunk = this.arena[Math.floor(at / ARENA_CHUNK)] as Uint16Array
    const o = at % ARENA_CHUNK
    if (chunk[o] !== no.length) return false
    for (let c = 0; c < no.length; c++) if (chunk[o + 1 + c] !== no.charCodeAt(c)) return false
    return true
  }

  private keyOf(k: number): string {
    const at = this.block(k).keyAt[k & (BLOCK - 1)] ?? -1
    if (at < 0) return this.longKeys.get(k) ?? ''
    const chunk = this.arena[Math.floor(at / ARENA_CHUNK)] as Uint16Array
    const o = at % ARENA_CHUNK
    return String.fromCharCode(...chunk.subarray(o + 1, o + 1 + (chunk[o] ?? 0)))
  }

  private place(k: number, hash: number): void {
    const mask = this.table.length - 1
    let s = hash & mask
    while (this.table[s] !== 0) s = (s + 1) & mask
    this.table[s] = k + 1
  }

  private rehash(slots: number): void {
    this.table = new Int32Array(slots)
    for (let k = 0; k < this.size; k++) this.place(k, this.storedHash(k))
  }

  /** `slotHash` of a stored number, read from the arena without making its string. */
  private storedHash(k: number): number {
    const at = this.block(k).keyAt[k & (BLOCK - 1)] ?? -1
    if (at < 0) return slotHash(this.longKeys.get(k) ?? '')
    const chunk = this.arena[Math.floor(at / ARENA_CHUNK)] as Uint16Array
    const o = at % ARENA_CHUNK
    let h = 0x811c9dc5
    for (let c = o + 1, end = o + 1 + (chunk[o] ?? 0); c < end; c++) {
      h ^= chunk[c] ?? 0
      h = Math.imul(h, 0x01000193)
    }
    return mix(h >>> 0)
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

function writeUuid(into: Uint8Array, at: number, id: string): void {
  for (let i = 0, c = 0; i < 16; i++, c += 2) {
    if (id.charCodeAt(c) === 45) c++ // '-'
    into[at + i] = Number.parseInt(id.slice(c, c + 2), 16)
  }
}

function readUuid(from: Uint8Array, at: number): string {
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[from[at + i] ?? 0]
  }
  return s
}
