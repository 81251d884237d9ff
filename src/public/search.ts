import { z } from '@hono/zod-openapi'
import type { AlertSnapshot } from '../alerts/alert-snapshot.js'

const TextSchema = z.strictObject({ zh: z.string(), en: z.string() })

export const SearchHitSchema = z
  .strictObject({
    kind: z.enum(['alert', 'sample']),
    verdict: z.enum(['failed', 'passed']).openapi({ description: 'Plainly: did this product fail?' }),
    exercise: z.boolean(),
    productName: z.string(),
    brand: z.string().nullable(),
    batch: z.string().nullable(),
    producer: z.string().nullable(),
    unitName: z.string().nullable(),
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
  /** Sort key: failed first, then newest. */
  rank: number
  time: number
  hit: SearchHit
}

/**
 * Where search looks. Alerts are one source; published samples (issue 8) are another, added by passing
 * their source to `createApp` — each returns its entries from its own snapshot, so all stay in memory.
 */
export interface SearchSource {
  entries(): Promise<SearchEntry[]>
}

/** Lower case, full-width folded (ＡＢ１ → ab1), spaces collapsed: the same on both sides of a match. */
export const normalize = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()

export const searchText = (...parts: (string | null | undefined)[]) =>
  normalize(parts.filter((p) => p).join(' \u0001 '))

/** Every product of every alert (drills included, marked), from the alert snapshot. */
export function alertSearchEntries(snapshot: AlertSnapshot): SearchEntry[] {
  return snapshot.sorted.flatMap(({ row, dto }) =>
    dto.products.map((p) => ({
      text: searchText(p.name, p.brand, p.batch, p.producer, p.unitName),
      rank: 0,
      time: row.created_at.getTime(),
      hit: {
        kind: 'alert' as const,
        verdict: 'failed' as const,
        exercise: row.exercise,
        productName: p.name,
        brand: p.brand ?? null,
        batch: p.batch ?? null,
        producer: p.producer ?? null,
        unitName: p.unitName ?? null,
        items: p.failingItems ?? [],
        reason: dto.source.kind === 'incident' ? dto.title : null,
        date: dto.issuedAt,
        reference: dto.source.reference,
        alertId: dto.id,
        url: `/alerts/${dto.id}`,
      },
    })),
  )
}

/**
 * Substring match of every query term, in memory. Chinese queries are often two characters (辣椒, 猪肉),
 * which trigram indexes cannot serve; see bench/search.bench.ts for why memory beats ILIKE here.
 */
export function searchEntries(entries: SearchEntry[], q: string): SearchEntry[] {
  const terms = normalize(q).split(' ').filter(Boolean)
  if (terms.length === 0) return []
  const out: SearchEntry[] = []
  for (const e of entries) if (terms.every((t) => e.text.includes(t))) out.push(e)
  return out.sort((a, b) => a.rank - b.rank || b.time - a.time)
}
