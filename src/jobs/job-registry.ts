import { PUBLISH_JOB, publishDueAnnouncements } from '../announcements/announcement-publish.job.js'
import { boardEventsJob } from '../boards/board-events.job.js'
import { boardRefreshJob } from '../boards/board-refresh.job.js'
import { complaintDeadlineJob } from '../complaints/complaint-deadline.job.js'
import { complaintRetentionJob } from '../complaints/complaint-retention.job.js'
import type { Config } from '../config.js'
import type { AppDeps } from '../deps.js'
import { escalationSweepJob } from '../escalation/escalation.job.js'
import type { ReadEvent } from '../events/events.read.js'
import { rectificationDeadlineJob } from '../rectifications/rectification-deadline.job.js'
import { runWebhookDelivery } from '../webhooks/webhook-delivery.job.js'
import { createRecurringTasks } from './recurring-tasks.job.js'

/**
 * A job on a cron schedule (minute resolution, in the zone `TZ`). Each slot runs once whatever the number of
 * instances: the first instance to insert (job, slot) into `job_runs` runs it, the others skip. After
 * downtime the latest missed slot runs once at start (`catchUp`), not once per missed slot: a job that must
 * make up every missed period (recurring tasks) does so itself from its own data.
 */
export interface CronJob {
  name: string
  kind: 'cron'
  cron: string
  /** A schedule operators may change: read from the configuration, `cron` being its default. */
  cronFrom?(config: Config): string
  description: string
  run(deps: AppDeps, slot: Date): Promise<unknown>
}

/** The schedule a cron job runs on under this configuration. */
export const cronOf = (job: CronJob, config: Config): string => job.cronFrom?.(config) ?? job.cron

/**
 * A job that must act within seconds (escalations, scheduled publication, webhook delivery): every instance
 * polls; the job's own row claims (FOR UPDATE SKIP LOCKED) make each unit of work happen once. Runs that did
 * something or failed are recorded in `job_runs`; idle polls are not.
 */
export interface LoopJob {
  name: string
  kind: 'loop'
  everyMs(config: Config): number
  description: string
  /** Returns what it did; `worked: false` means an idle poll (not recorded). */
  run(deps: AppDeps): Promise<{ worked: boolean; result?: unknown }>
  /** Poll as soon as the event bus reports committed events, not only every `everyMs`. */
  wakeOnEvents?: boolean
  /** Each batch of committed events, handed over before the poll it wakes (a consumer of the bus). */
  onEvents?(deps: AppDeps, batch: ReadEvent[]): void
}

export type JobDefinition = CronJob | LoopJob

/** The registry: adding a job is one entry here. `GET /api/v1/jobs` lists exactly these. */
export const jobs: JobDefinition[] = [
  escalationSweepJob,
  {
    name: 'recurring-tasks',
    kind: 'cron',
    cron: '* * * * *',
    description: 'Open the next occurrence of each recurring step (daily reports), catching up missed days',
    run: (deps) => createRecurringTasks(deps),
  },
  {
    name: PUBLISH_JOB,
    kind: 'loop',
    everyMs: () => 1000,
    description: 'Publish approved announcements whose scheduled time has come (within seconds of it)',
    run: async (deps) => {
      const published = await publishDueAnnouncements(deps)
      return { worked: published > 0, result: { published } }
    },
  },
  {
    name: 'webhook-delivery',
    kind: 'loop',
    everyMs: (config) => config.WEBHOOK_POLL_MS,
    wakeOnEvents: true,
    description:
      'Deliver due webhook messages (outbox rows claimed with SKIP LOCKED), in order per subscription',
    run: async (deps) => {
      const r = await runWebhookDelivery(deps)
      return { worked: r.delivered + r.failed + r.dead > 0, result: r }
    },
  },
  boardRefreshJob,
  boardEventsJob,
  // 12315 clocks and retention
  complaintDeadlineJob,
  complaintRetentionJob,
  // rectification deadlines (issue 18)
  rectificationDeadlineJob,
]
