import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'

export interface Figures {
  samples: number
  failed: number
  /** Percent with two decimals; null when nothing was sampled. */
  passRate: number | null
}

const figures = (samples: number, failed: number): Figures => ({
  samples,
  failed,
  passRate: samples === 0 ? null : Math.round(((samples - failed) / samples) * 10_000) / 100,
})

/**
 * Pass rates of published samples only, overall and by period, category and district. A sample counts
 * once, under the announcement that currently stands for it (a correction replaces its original; a
 * retracted announcement's samples are no longer public). Exercise announcements are left out.
 */
export async function publicStats(db: Kysely<DB>, districtName: (code: string) => string) {
  const rows = await db
    .selectFrom('samples as s')
    .innerJoin('announcement_samples as l', 'l.sample_id', 's.id')
    .innerJoin('announcements as a', 'a.id', 'l.announcement_id')
    .select([
      'a.period',
      's.category',
      's.district_code',
      sql<number>`count(*)::int`.as('samples'),
      sql<number>`count(*) filter (where s.verdict = 'fail')::int`.as('failed'),
    ])
    .where('s.public', '=', true)
    .where('a.status', '=', 'published')
    .where('a.superseded', 'is', null)
    .where('a.kind', '!=', 'retraction')
    .where('a.exercise', '=', false)
    .groupBy(['a.period', 's.category', 's.district_code'])
    .execute()
  const sum = (key: (r: (typeof rows)[number]) => string) => {
    const m = new Map<string, { samples: number; failed: number }>()
    for (const r of rows) {
      const e = m.get(key(r)) ?? { samples: 0, failed: 0 }
      e.samples += Number(r.samples)
      e.failed += Number(r.failed)
      m.set(key(r), e)
    }
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b))
  }
  const total = rows.reduce((t, r) => ({ s: t.s + Number(r.samples), f: t.f + Number(r.failed) }), {
    s: 0,
    f: 0,
  })
  return {
    overall: figures(total.s, total.f),
    byPeriod: sum((r) => r.period).map(([period, v]) => ({ period, ...figures(v.samples, v.failed) })),
    byCategory: sum((r) => r.category).map(([category, v]) => ({
      category,
      ...figures(v.samples, v.failed),
    })),
    byDistrict: sum((r) => r.district_code).map(([code, v]) => ({
      code,
      name: districtName(code),
      ...figures(v.samples, v.failed),
    })),
  }
}
