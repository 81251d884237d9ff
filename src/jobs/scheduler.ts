import { type ScheduledTask, schedule } from 'node-cron'
import { PUBLISH_JOB, publishDueAnnouncements } from '../announcements/announcement-publish.job.js'
import type { AppDeps } from '../deps.js'
import { createRecurringTasks } from './recurring-tasks.job.js'

export interface Job {
  name: string
  cron: string
  run(deps: AppDeps): Promise<unknown>
}

export const jobs: Job[] = [
  { name: 'recurring-tasks', cron: '* * * * *', run: createRecurringTasks },
  // Every two seconds: a scheduled publication appears within seconds of its time, not on a minute tick.
  { name: PUBLISH_JOB, cron: '*/2 * * * * *', run: publishDueAnnouncements },
]

/** Runs each job on its cron in the configured zone; a job's own advisory lock keeps it once per slot. */
export function startScheduler(deps: AppDeps) {
  const running = new Set<Promise<unknown>>()
  const tasks: ScheduledTask[] = jobs.map((job) =>
    schedule(
      job.cron,
      async () => {
        const p = job
          .run(deps)
          .catch((err: unknown) => deps.logger.error({ err, job: job.name }, 'job failed'))
        running.add(p)
        await p
        running.delete(p)
      },
      { timezone: deps.config.TZ, name: job.name, noOverlap: true },
    ),
  )
  return {
    stop: () => {
      for (const t of tasks) void t.stop()
    },
    idle: async () => {
      await Promise.all(running)
    },
  }
}
