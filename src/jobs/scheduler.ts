import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ScheduledTask, schedule } from 'node-cron'
import type { AppDeps } from '../deps.js'
import { floorMinute, previousSlot } from './cron-slots.js'
import { type CronJob, cronOf, type JobDefinition, type LoopJob, jobs as registry } from './job-registry.js'
import { claimSlot, findRun, finishRun, takeOverRun } from './job-runs.repo.js'

export type { CronJob, JobDefinition, LoopJob }

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000)

export function instanceId(): string {
  return `${hostname()}:${process.pid}`
}

/** How long a run on another host may stay `running` before a starting instance takes it as abandoned. */
export const ABANDONED_AFTER_MS = 15 * 60_000

/**
 * Whether a `running` run's instance has died. On this host that is sure: a pid that no longer runs, or this
 * very instance id (a restarted container often gets its old pid back; nothing is claimed before the
 * catch-up). Elsewhere only time can tell: a run still going after `ABANDONED_AFTER_MS`.
 */
export function isAbandoned(run: { instance: string; started_at: Date }, me: string, now: Date): boolean {
  const [host, pid] = [run.instance.slice(0, run.instance.lastIndexOf(':')), run.instance.split(':').at(-1)]
  if (run.instance === me) return true
  if (host === hostname() && pid && /^\d+$/.test(pid)) return !pidRuns(Number(pid))
  return now.getTime() - run.started_at.getTime() > ABANDONED_AFTER_MS
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether the scheduler running a job has stopped (a run started outside one never stops). */
type Stopped = () => boolean
const never: Stopped = () => false

/**
 * Runs one slot of a cron job if this instance wins the (job, slot) claim. Returns 'skipped' when another
 * instance (or an earlier run) already has it.
 */
export async function runCronSlot(
  deps: AppDeps,
  job: CronJob,
  slot: Date,
  opts: { instance?: string; catchUp?: boolean; stopped?: Stopped } = {},
): Promise<'ran' | 'failed' | 'skipped'> {
  const claimed = await claimSlot(deps.db, {
    job: job.name,
    slot,
    instance: opts.instance ?? instanceId(),
    startedAt: deps.clock.now(),
    catchUp: opts.catchUp ?? false,
  })
  if (!claimed) return 'skipped'
  return runClaimed(deps, job, slot, opts.stopped ?? never)
}

async function runClaimed(
  deps: AppDeps,
  job: CronJob,
  slot: Date,
  stopped: Stopped,
): Promise<'ran' | 'failed'> {
  const t0 = performance.now()
  let end: RunEnd
  try {
    const result = await job.run(deps, slot)
    measure(deps, job.name, 'ok', t0)
    end = { finishedAt: deps.clock.now(), outcome: 'ok', result: result ?? null }
  } catch (err) {
    measure(deps, job.name, 'failed', t0)
    deps.logger.error({ err, job: job.name, slot }, 'job failed')
    end = { finishedAt: deps.clock.now(), outcome: 'failed', error: errorText(err) }
  }
  await writeFinish(deps, job.name, slot, end, stopped)
  return end.outcome === 'ok' ? 'ran' : 'failed'
}

type RunEnd = Parameters<typeof finishRun>[3]

const FINISH_RETRY_FIRST_MS = 200
const FINISH_RETRY_MAX_MS = 5000

/**
 * Records a run's end until it is recorded. The database may be gone just then (the very failure that ended
 * the run): a lost write would leave the run `running`, which reads as a slot still in hand and is taken over
 * only at the next start. So the write is retried with a capped backoff, each failure logged; it gives up
 * only when the scheduler stops, leaving the run to the next start's catch-up (`isAbandoned`).
 */
async function writeFinish(deps: AppDeps, job: string, slot: Date, end: RunEnd, stopped: Stopped) {
  for (let delay = FINISH_RETRY_FIRST_MS; ; delay = Math.min(delay * 2, FINISH_RETRY_MAX_MS)) {
    try {
      await finishRun(deps.db, job, slot, end)
      return
    } catch (err) {
      if (stopped()) {
        deps.logger.error({ err, job, slot }, 'job run end not recorded; the next start takes the run over')
        return
      }
      deps.logger.warn(
        { err: errorText(err), job, slot, retryInMs: delay },
        'job run end not recorded; retrying',
      )
      await sleep(delay)
    }
  }
}

/**
 * After downtime: the latest slot of each cron job runs once if no instance ran it, or if the instance that
 * claimed it died during the run (its row still `running`), so a kill -9 mid-run does not lose the slot.
 */
export async function catchUpCronJobs(
  deps: AppDeps,
  jobs: JobDefinition[] = registry,
  instance = instanceId(),
  stopped: Stopped = never,
) {
  const now = deps.clock.now()
  const ran: string[] = []
  for (const job of jobs) {
    if (job.kind !== 'cron') continue
    const slot = previousSlot(cronOf(job, deps.config), deps.config.TZ, now)
    if (!slot) continue
    const run = await findRun(deps.db, job.name, slot)
    if (!run) {
      if ((await runCronSlot(deps, job, slot, { instance, catchUp: true, stopped })) !== 'skipped')
        ran.push(job.name)
    } else if (run.outcome === 'running' && isAbandoned(run, instance, now)) {
      const from = { instance: run.instance, startedAt: run.started_at }
      if (!(await takeOverRun(deps.db, { job: job.name, slot, from, instance, startedAt: now }))) continue
      deps.logger.warn(
        { job: job.name, slot, abandonedBy: run.instance },
        'job run abandoned; running it again',
      )
      await runClaimed(deps, job, slot, stopped)
      ran.push(job.name)
    }
  }
  return ran
}

/** One poll of a loop job; recorded when it did something or failed. */
export async function runLoopOnce(
  deps: AppDeps,
  job: LoopJob,
  instance = instanceId(),
  stopped: Stopped = never,
) {
  const started = deps.clock.now()
  const t0 = performance.now()
  try {
    const r = await job.run(deps)
    if (r.worked) {
      measure(deps, job.name, 'ok', t0)
      await record(deps, job, started, t0, instance, { outcome: 'ok', result: r.result ?? null }, stopped)
    }
    return r
  } catch (err) {
    measure(deps, job.name, 'failed', t0)
    deps.logger.error({ err, job: job.name }, 'job failed')
    await record(
      deps,
      job,
      started,
      t0,
      instance,
      { outcome: 'failed', error: errorText(err) },
      stopped,
    ).catch((recordErr: unknown) =>
      deps.logger.warn({ err: errorText(recordErr), job: job.name }, 'failed loop run not recorded'),
    )
    return { worked: false }
  }
}

/** The run counts in /metrics like in job_runs: slots that ran, loop polls that did something or failed. */
function measure(deps: AppDeps, job: string, outcome: 'ok' | 'failed', t0: number) {
  deps.metrics.jobRuns.inc({ job, outcome })
  deps.metrics.jobDuration.observe({ job }, (performance.now() - t0) / 1000)
}

async function record(
  deps: AppDeps,
  job: LoopJob,
  started: Date,
  t0: number,
  instance: string,
  end: { outcome: 'ok' | 'failed'; result?: unknown; error?: string },
  stopped: Stopped,
) {
  const finishedAt = new Date(started.getTime() + Math.round(performance.now() - t0))
  // Loop runs are keyed by start time; two instances starting in the same millisecond keep one row.
  if (
    await claimSlot(deps.db, { job: job.name, slot: started, instance, startedAt: started, catchUp: false })
  )
    await writeFinish(deps, job.name, started, { ...end, finishedAt }, stopped)
}

/**
 * Starts every registered job: cron jobs on node-cron in the zone `TZ` (after one catch-up pass), loop jobs
 * on a timer chain (the next poll is set when the last one ends, so polls never overlap).
 */
export function startScheduler(deps: AppDeps, jobs: JobDefinition[] = registry) {
  const instance = instanceId()
  const running = new Set<Promise<unknown>>()
  const track = (p: Promise<unknown>) => {
    running.add(p)
    void p.finally(() => running.delete(p))
    return p
  }
  let stopped = false
  const isStopped = () => stopped
  const timers = new Set<NodeJS.Timeout>()
  const tasks: ScheduledTask[] = []
  const unsubscribes: (() => void)[] = []

  track(
    catchUpCronJobs(deps, jobs, instance, isStopped).catch((err) =>
      deps.logger.error({ err }, 'catch-up failed'),
    ),
  )
  for (const job of jobs) {
    if (job.kind === 'cron') {
      tasks.push(
        schedule(
          cronOf(job, deps.config),
          (ctx) =>
            track(
              runCronSlot(deps, job, floorMinute(ctx.date), { instance, stopped: isStopped }).catch(
                (err: unknown) => deps.logger.error({ err, job: job.name }, 'job slot not claimed'),
              ),
            ),
          {
            timezone: deps.config.TZ,
            name: job.name,
            noOverlap: true,
          },
        ),
      )
    } else {
      let polling = false
      let again = false
      let pending: NodeJS.Timeout | null = null
      const loop = async () => {
        if (stopped) return
        polling = true
        await track(runLoopOnce(deps, job, instance, isStopped))
        polling = false
        if (stopped) return
        if (again) {
          again = false
          void loop()
          return
        }
        const t = setTimeout(() => {
          timers.delete(t)
          pending = null
          void loop()
        }, job.everyMs(deps.config))
        pending = t
        timers.add(t)
      }
      // A job that acts on new events (webhook delivery) polls at once when the bus sees some, not at its
      // next tick; a poll in progress is followed by one more.
      if (job.wakeOnEvents || job.onEvents)
        unsubscribes.push(
          deps.events.subscribe({
            events: (batch) => {
              if (stopped) return
              job.onEvents?.(deps, batch)
              if (!job.wakeOnEvents) return
              if (polling) {
                again = true
                return
              }
              if (pending) {
                clearTimeout(pending)
                timers.delete(pending)
                pending = null
                void loop()
              }
            },
          }),
        )
      void loop()
    }
  }
  return {
    stop: () => {
      stopped = true
      for (const u of unsubscribes) u()
      for (const t of tasks) void t.stop()
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
    idle: async () => {
      while (running.size > 0) await Promise.all(running)
    },
  }
}
