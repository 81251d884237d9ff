import { type AlertSnapshot, loadAlertSnapshot } from '../alerts/alert-snapshot.js'
import type { AppDeps } from '../deps.js'
import { ReadCache } from '../http/read-cache.js'
import type { AnnouncementPagesSource, AnnouncementSummary } from './announcement-pages.js'
import { BusChangeSignal, PolledChangeSignal } from './change-signal.js'
import { incidentWords } from './published-sources.js'
import { alertSearchEntries, oneHitPerProduct, SearchIndex, type SearchSource } from './search.js'

export interface PublicSnapshot {
  alerts: AlertSnapshot
  search: SearchIndex
  /** The home page's latest announcements, newest first (null: no announcement source). */
  latestAnnouncements: AnnouncementSummary[] | null
}

/** How many announcements the home page lists. */
const LATEST = 5

export type PublicReads = ReadCache<PublicSnapshot>

/**
 * The one in-memory model behind every public read (API, feeds, pages). `sources` add search entries from
 * elsewhere — published samples once announcements land — reloaded on the same change signal.
 */
export function createPublicReads(
  deps: Pick<AppDeps, 'db' | 'config' | 'events' | 'playbooks'>,
  sources: SearchSource[] = [],
  announcements?: AnnouncementPagesSource,
): PublicReads {
  const signal = new BusChangeSignal(
    deps.events,
    new PolledChangeSignal(deps.db, deps.config.PUBLIC_CACHE_CHECK_MS),
  )
  return new ReadCache(signal, async () => {
    const [alerts, incidents] = await Promise.all([loadAlertSnapshot(deps.db), incidentWords(deps)])
    const extra = await Promise.all(sources.map((s) => s.entries()))
    const latest = announcements ? (await announcements.list()).slice(0, LATEST) : null
    return {
      alerts,
      search: new SearchIndex(oneHitPerProduct([...alertSearchEntries(alerts, incidents), ...extra.flat()])),
      latestAnnouncements: latest,
    }
  })
}
