import { z } from '@hono/zod-openapi'
import type { AlertSnapshot } from '../alerts/alert-snapshot.js'
import type { AlertDto } from '../alerts/alerts.schema.js'
import { normalize } from '../domain/spelling.js'

const TextSchema = z.strictObject({ zh: z.string(), en: z.string() })

export const SearchHitSchema = z
  .strictObject({
    kind: z.enum(['alert', 'sample']),
    verdict: z.enum(['failed', 'passed']).openapi({ description: 'Plainly: did this product fail?' }),
    exercise: z.boolean(),
    ended: z.boolean().openapi({ description: 'An alert that has been lifted (all clear)' }),
    productName: z.string(),
    brand: z.string().nullable(),
    batch: z.string().nullable(),
    producer: z.string().nullable(),
    unitName: z.string().nullable(),
    category: z.string().nullable().openapi({ description: 'Food category (分类)' }),
    items: z
      .array(z.strictObject({ name: z.string(), result: z.string(), limit: z.string() }))
      .openapi({ description: 'Test items: failing ones for a failed sample' }),
    reason: TextSchema.nullable().openapi({ description: 'Why an incident names the product' }),
    date: z.string().openapi({ description: 'When published or issued (+08:00)' }),
    reference: z.string().openapi({ description: 'Announcement number or incident code' }),
    alertId: z.string().nullable(),
    url: z.string().nullable(),
  })
  .openapi('SearchHit')
export type SearchHit = z.infer<typeof SearchHitSchema>

/** One searchable product: `text` is what a query is matched against. */
export interface SearchEntry {
  text: string
  /** Sort key (`rankOf`), then newest. */
  rank: number
  time: number
  hit: SearchHit
  /** The published sample the entry is about (a sample, or an alert issued for a failing sample). */
  sampleId?: string
}

/**
 * Where search looks. Alerts are one source; published samples are another, added by passing
 * their source to `createApp` — each returns its entries from its own snapshot, so all stay in memory.
 */
export interface SearchSource {
  entries(): Promise<SearchEntry[]>
}

// The one spelling both sides of a match are reduced to lives in domain/, where the alert filters use it too.
export { normalize } from '../domain/spelling.js'

/** A calendar date as `yyyymmdd`, or undefined. */
function dateKey(y: string, m: string, d: string): string | undefined {
  const [yy, mm, dd] = [Number(y), Number(m), Number(d)]
  if (yy < 1900 || yy > 2100 || mm < 1 || mm > 12 || dd < 1) return undefined
  const days = new Date(Date.UTC(yy, mm, 0)).getUTCDate()
  if (dd > days) return undefined
  return `${yy}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}`
}

const SEPARATED_DATE = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)/g
const COMPACT_DATE = /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/g

/**
 * Every date written in `text` (a 生产日期/批号 cell: 2005-03-28, 2005/3/28, 20050328, 2005年3月28日,
 * (购进日期)2005.3.28, or a batch code holding one), as `yyyymmdd`: appended to an entry's text, so a date
 * asked for in any of those forms finds it.
 */
export function datesIn(text: string | null | undefined): string[] {
  if (!text) return []
  const t = text.normalize('NFKC')
  const out = new Set<string>()
  for (const re of [SEPARATED_DATE, COMPACT_DATE])
    for (const m of t.matchAll(re)) {
      const k = dateKey(m[1] ?? '', m[2] ?? '', m[3] ?? '')
      if (k) out.add(k)
    }
  return [...out]
}

/** A query term that is a whole date in any accepted form becomes `yyyymmdd`; any other term stays. */
function queryTerm(term: string): string {
  const whole =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(term) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(term)
  return (whole && dateKey(whole[1] ?? '', whole[2] ?? '', whole[3] ?? '')) ?? term
}

/** A query as the terms every hit must contain. */
export const queryTerms = (q: string) => normalize(q).split(' ').filter(Boolean).map(queryTerm)

export const searchText = (...parts: (string | null | undefined)[]) =>
  normalize(parts.filter((p) => p).join(' \u0001 '))

/** What an incident adds to its alert's hits: its own title and hazard, its playbook's hazard and name. */
export type IncidentWords = Map<string, (string | null | undefined)[]>

/**
 * Search order: failing before passing; within failing, active alerts and failing samples before alerts
 * that have ended (lifted); real before exercise within each.
 */
export const rankOf = (h: { verdict: 'failed' | 'passed'; ended: boolean; exercise: boolean }) =>
  (h.verdict === 'failed' ? (h.ended ? 2 : 0) : 4) + (h.exercise ? 1 : 0)

/**
 * Every product of every alert (drills included, marked), from the alert snapshot; an alert that names no
 * product (an incident's public notice) is one hit of its own. Each is found by its product fields, failed
 * items, food category and dates, and by the hazard: the alert's title and event, and for an incident its
 * title, hazard and playbook (`incidents`). A cancelled alert (its announcement retracted) is left out:
 * search must not go on saying a withdrawn result failed.
 */
export function alertSearchEntries(
  snapshot: AlertSnapshot,
  incidents: IncidentWords = new Map(),
): SearchEntry[] {
  return snapshot.sorted.flatMap(({ row, dto }) => {
    if (dto.status === 'cancelled') return []
    const ended = dto.status === 'closed'
    const hazard = [
      dto.title.zh,
      dto.title.en,
      dto.event.zh,
      dto.event.en,
      ...(dto.source.kind === 'incident' ? (incidents.get(dto.source.id) ?? []) : []),
    ]
    const products = dto.products.length > 0 ? dto.products : [{ name: dto.title.zh }]
    return products.map((p: AlertDto['products'][number]) => {
      const items = p.failingItems ?? []
      const hit: SearchHit = {
        kind: 'alert',
        verdict: 'failed',
        exercise: row.exercise,
        ended,
        productName: p.name,
        brand: p.brand ?? null,
        batch: p.batch ?? null,
        producer: p.producer ?? null,
        unitName: p.unitName ?? null,
        category: dto.productCategory,
        items,
        reason: dto.source.kind === 'incident' ? dto.title : null,
        date: dto.issuedAt,
        reference: dto.source.reference,
        alertId: dto.id,
        url: `/alerts/${dto.id}`,
      }
      return {
        text: searchText(
          p.name,
          p.brand,
          p.batch,
          p.producer,
          p.unitName,
          dto.productCategory,
          ...items.map((i) => i.name),
          ...hazard,
          ...datesIn(p.batch),
        ),
        rank: rankOf(hit),
        time: row.created_at.getTime(),
        ...(row.sample_id ? { sampleId: row.sample_id } : {}),
        hit,
      }
    })
  })
}

/**
 * One hit per product: a failing published sample that has its own alert is found once, as that alert — which
 * says it failed, with the item, result, limit and date, and links to the alert page — not a second time as
 * the announcement's sample.
 */
export function oneHitPerProduct(entries: SearchEntry[]): SearchEntry[] {
  const alerted = new Set<string>()
  for (const e of entries) if (e.hit.kind === 'alert' && e.sampleId) alerted.add(e.sampleId)
  return entries.filter((e) => e.hit.kind !== 'sample' || !e.sampleId || !alerted.has(e.sampleId))
}

/**
 * Substring search over every entry, in memory. Chinese queries are often two characters (辣椒, 猪肉), which
 * trigram indexes cannot serve and `ILIKE '%…%'` answers by scanning every row (see bench/RESULTS.md). Here
 * the entries are sorted once (failed first, then newest) and every two-character sequence of their text
 * maps to the ascending list of entries holding it. A query walks the shortest such list among its terms'
 * bigrams, checks each candidate for every term, and stops as soon as the page is full: a common term ends
 * after a page of candidates, a rare one visits only the entries that hold its rarest bigram. One-character
 * queries fall back to a scan.
 */
export class SearchIndex {
  private readonly sorted: SearchEntry[]
  private readonly postings = new Map<string, Int32Array>()

  constructor(entries: SearchEntry[]) {
    this.sorted = [...entries].sort((a, b) => a.rank - b.rank || b.time - a.time)
    const lists = new Map<string, number[]>()
    this.sorted.forEach((e, i) => {
      for (let k = 0; k + 1 < e.text.length; k++) {
        const gram = e.text.slice(k, k + 2)
        const list = lists.get(gram)
        if (!list) lists.set(gram, [i])
        else if (list[list.length - 1] !== i) list.push(i)
      }
    })
    for (const [gram, list] of lists) this.postings.set(gram, Int32Array.from(list))
  }

  /** Entries `start`..`start+limit` of the matches, and whether more follow. */
  search(q: string, start: number, limit: number): { entries: SearchEntry[]; more: boolean } {
    const terms = queryTerms(q)
    if (terms.length === 0) return { entries: [], more: false }
    const lists: Int32Array[] = []
    for (const t of terms)
      for (let k = 0; k + 1 < t.length; k++)
        lists.push(this.postings.get(t.slice(k, k + 2)) ?? new Int32Array(0))
    lists.sort((a, b) => a.length - b.length)
    // The two shortest lists intersected: digits and common characters make single bigrams unselective.
    const [a, b] = lists
    const candidates: ArrayLike<number> | null =
      a === undefined ? null : b === undefined ? a : intersect(a, b)
    const out: SearchEntry[] = []
    let seen = 0
    const total = candidates === null ? this.sorted.length : candidates.length
    for (let c = 0; c < total; c++) {
      const entry = this.sorted[candidates === null ? c : candidates[c]!]!
      if (!terms.every((t) => entry.text.includes(t))) continue
      if (seen++ < start) continue
      if (out.length === limit) return { entries: out, more: true }
      out.push(entry)
    }
    return { entries: out, more: false }
  }
}

/** Both ascending lists' common members, in one merge pass. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length))
  let n = 0
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i]!
    const y = b[j]!
    if (x === y) {
      out[n++] = x
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return out.subarray(0, n)
}
