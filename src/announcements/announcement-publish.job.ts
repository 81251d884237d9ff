import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { publishAnnouncement } from './announcement-publish.js'
import { claimDueAnnouncement } from './announcements.repo.js'

// Bounds one run; the next tick (seconds later) picks up the rest.
const MAX_PER_RUN = 50

export const PUBLISH_JOB = 'publish-announcements'

/**
 * Publishes approved announcements whose time has come. Each is claimed with FOR UPDATE SKIP LOCKED and
 * published in the claiming transaction, so two instances never publish one twice, a crash publishes it
 * on the next run, and a run after downtime catches up. Its events carry the job as a system actor; the
 * approver who scheduled the publication is on the `announcement.scheduled` event and in `published_by`.
 */
export async function publishDueAnnouncements(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks' | 'districts'>,
): Promise<number> {
  let published = 0
  for (; published < MAX_PER_RUN; published++) {
    const done = await inTransaction(deps.db, async (trx) => {
      const now = deps.clock.now()
      const a = await claimDueAnnouncement(trx, now)
      if (!a) return false
      await publishAnnouncement(trx, deps, systemContext(PUBLISH_JOB), a, now)
      return true
    })
    if (!done) break
  }
  return published
}
