import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { appendEvents } from '../events/events.repo.js'
import type { CronJob } from '../jobs/job-registry.js'

const BATCH = 5000

/**
 * Clears the name and phone of complaints closed longer ago than COMPLAINT_RETENTION_DAYS (three years by
 * default), keeping the anonymous record and its figures. Rows are claimed with SKIP LOCKED.
 */
export async function clearExpiredPersonalData(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>) {
  const now = deps.clock.now()
  const before = new Date(now.getTime() - deps.config.COMPLAINT_RETENTION_DAYS * 86_400_000)
  return inTransaction(deps.db, async (trx) => {
    const rows = await trx
      .selectFrom('complaints')
      .select(['id', 'tracking', 'district_code'])
      .where('closed_at', '<', before)
      .where((eb) => eb.or([eb('contact_name', 'is not', null), eb('contact_phone', 'is not', null)]))
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute()
    if (rows.length === 0) return { cleared: 0 }
    await trx
      .updateTable('complaints')
      .set({ contact_name: null, contact_phone: null, personal_cleared_at: now })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute()
    await appendEvents(
      trx,
      systemContext('complaint-retention'),
      now,
      rows.map((r) => ({
        type: 'complaint.personal_data_cleared' as const,
        districtCode: r.district_code,
        subject: r.tracking,
        payload: { tracking: r.tracking },
      })),
    )
    return { cleared: rows.length }
  })
}

export const complaintRetentionJob: CronJob = {
  name: 'complaint-retention',
  kind: 'cron',
  cron: '30 3 * * *',
  description:
    'Clear complainants’ names and phones COMPLAINT_RETENTION_DAYS after closing (default three years)',
  run: (deps) => clearExpiredPersonalData(deps),
}
