import type pg from 'pg'
import { SearchIndex } from '../src/public/search.js'
import { startChildServer } from './lib/child-server.js'
import { runLoad, statusLine } from './lib/load.js'
import { type Summary, summarise } from './lib/stats.js'
import { syntheticEntries } from './lib/synthetic-samples.js'
import { rssMb } from './reads.bench.js'

const CONNECTIONS = 50
export const SEARCH_QUERIES = ['辣椒', '猪肉', 'b0427', '蜀红 辣椒', '锦江区某超市']

export interface SearchResult {
  samples: number
  memory: Summary
  ilike: Summary
  distinct: { perSecond: number; latency: Summary; statuses: string }
  same: { perSecond: number; latency: Summary }
  serverRssMb: number
}

/**
 * Search at `samples` published samples: the in-memory index against `ILIKE '%q%'` on PostgreSQL (no index
 * can serve a substring), then the search route under load in a server holding that many samples.
 */
export async function benchSearch(s: {
  pool: pg.Pool
  env: Record<string, string>
  samples: number
  log: (line: string) => void
}): Promise<SearchResult> {
  const entries = syntheticEntries(s.samples)
  await s.pool.query(
    'create table bench_search (id int primary key, text text not null, rank int, at bigint)',
  )
  await s.pool.query(
    'insert into bench_search select i, t from unnest($1::text[]) with ordinality as u(t, i)',
    [entries.map((e) => e.text)],
  )
  await s.pool.query('analyze bench_search')
  const index = new SearchIndex(entries)
  const memory: number[] = []
  const ilike: number[] = []
  for (let i = 0; i < 20; i++)
    for (const q of SEARCH_QUERIES) {
      let t0 = performance.now()
      index.search(q, 0, 50)
      memory.push(performance.now() - t0)
      const terms = q.split(' ')
      t0 = performance.now()
      await s.pool.query(
        `select id from bench_search where ${terms.map((_, k) => `text ilike $${k + 1}`).join(' and ')} order by rank, at desc limit 51`,
        terms.map((t) => `%${t}%`),
      )
      ilike.push(performance.now() - t0)
    }
  await s.pool.query('drop table bench_search')

  s.log('  search route under load')
  const server = await startChildServer('bench/search-server.ts', {
    ...s.env,
    PORT: '0',
    SEARCH_RATE_PER_MINUTE: '100000000',
    SEARCH_SAMPLES: String(s.samples),
  })
  try {
    await fetch(`${server.url}/api/v1/public/search?q=x`)
    let n = 0
    const distinct = await runLoad({
      url: server.url,
      connections: CONNECTIONS,
      durationS: 5,
      next: () => ({ path: `/api/v1/public/search?q=B${String(n++ % 10000).padStart(4, '0')}`, key: 'q' }),
    })
    const serverRssMb = rssMb(server.pid)
    const same = await runLoad({
      url: `${server.url}/api/v1/public/search?q=${encodeURIComponent('辣椒')}`,
      connections: CONNECTIONS,
      durationS: 5,
    })
    return {
      samples: s.samples,
      memory: summarise(memory),
      ilike: summarise(ilike),
      distinct: {
        perSecond: distinct.perSecond,
        latency: summarise(distinct.latencies),
        statuses: statusLine(distinct.statuses),
      },
      same: { perSecond: same.perSecond, latency: summarise(same.latencies) },
      serverRssMb,
    }
  } finally {
    await server.stop()
  }
}
