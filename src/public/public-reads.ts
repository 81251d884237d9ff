import { type AlertSnapshot, loadAlertSnapshot } from '../alerts/alert-snapshot.js'
import type { AppDeps } from '../deps.js'
import { PolledChangeSignal } from './change-signal.js'
import { ReadCache } from './read-cache.js'
import { alertSearchEntries, SearchIndex, type SearchSource } from './search.js'

export interface PublicSnapshot {
  alerts: AlertSnapshot
  search: SearchIndex
}

export type PublicReads = ReadCache<PublicSnapshot>

/**
 * The one in-memory model behind every public read (API, feeds, pages). `sources` add search entries from
 * elsewhere — published samples once announcements land — reloaded on the same change signal.
 */
export function createPublicReads(
  deps: Pick<AppDeps, 'db' | 'config'>,
  sources: SearchSource[] = [],
): PublicReads {
  const signal = new PolledChangeSignal(deps.db, deps.config.PUBLIC_CACHE_CHECK_MS)
  return new ReadCache(signal, async () => {
    const alerts = await loadAlertSnapshot(deps.db)
    const extra = await Promise.all(sources.map((s) => s.entries()))
    return { alerts, search: new SearchIndex([...alertSearchEntries(alerts), ...extra.flat()]) }
  })
}
