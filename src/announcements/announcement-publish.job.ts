import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../http/app-env.js'
import { noPublicationHooks, type PublicationHooks, publishAnnouncement } from './announcement-publish.js'
import { claimDueAnnouncement } from './announcements.repo.js'

// Bounds one run; the next tick (seconds later) picks up the rest.
const MAX_PER_RUN = 50

/**
 * Publishes approved announcements whose time has come. Each is claimed with FOR UPDATE SKIP LOCKED and
 * published in the claiming transaction, so two instances never publish one twice, a crash publishes it
 * on the next run, and a run after downtime catches up. The events name the approver who scheduled it.
 */
export async function publishDueAnnouncements(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks'> & { publicationHooks?: PublicationHooks },
): Promise<number> {
  let published = 0
  for (; published < MAX_PER_RUN; published++) {
    const done = await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now()
      const a = await claimDueAnnouncement(trx, now)
      if (!a) return false
      const ctx: RequestContext = {
        requestId: `job:publish-announcements:${a.id}`,
        actor: a.approved_by
          ? {
              id: a.approved_by,
              name: a.approved_by_name ?? '',
              role: 'approver',
              districtCode: null,
              retailerId: null,
            }
          : null,
      }
      await publishAnnouncement(trx, deps, ctx, a, now, deps.publicationHooks ?? noPublicationHooks)
      return true
    })
    if (!done) break
  }
  return published
}
