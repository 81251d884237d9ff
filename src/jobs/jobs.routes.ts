import { z } from '@hono/zod-openapi'
import { decodeCursor, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { PageQuery, pageSchema } from '../http/pagination.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json, timestamp } from '../http/schemas.js'
import { nextSlot } from './cron-slots.js'
import { cronOf, type JobDefinition, jobs as registry } from './job-registry.js'
import { recentRuns } from './job-runs.repo.js'

const RECENT = 10

const RunSchema = z
  .strictObject({
    slot: timestamp(),
    instance: z.string(),
    catchUp: z.boolean(),
    startedAt: timestamp(),
    durationMs: z.number().int().nullable(),
    outcome: z.enum(['running', 'ok', 'failed']),
    error: z.string().nullable(),
    result: z.string().nullable().openapi({ description: 'What the run reported, as JSON text' }),
  })
  .openapi('JobRun')
const JobSchema = z
  .strictObject({
    name: z.string(),
    kind: z.enum(['cron', 'loop']),
    schedule: z.string().openapi({ description: 'Cron expression (zone `timeZone`), or `every <n> ms`' }),
    timeZone: z.string(),
    description: z.string(),
    schedulerEnabled: z.boolean().openapi({ description: 'Whether THIS instance runs jobs (SCHEDULER)' }),
    nextRun: timestamp().nullable(),
    lastRuns: z.array(RunSchema),
  })
  .openapi('Job')

const list = securedRoute(ACCESS.readJobs, {
  method: 'get',
  path: '/jobs',
  operationId: 'listJobs',
  tags: ['jobs'],
  summary: 'Scheduled jobs: schedule, last runs (start, duration, outcome, error) and next run',
  request: { query: z.strictObject(PageQuery) },
  responses: {
    200: {
      description: 'Jobs in registry order',
      content: json(pageSchema(JobSchema)),
    },
  },
})

export function jobRoutes(deps: AppDeps, jobs: JobDefinition[] = registry) {
  return newRouter().openapi(list, async (c) => {
    const q = c.req.valid('query')
    // The registry is small and ordered; the cursor is the position after the last job handed out.
    const from = q.cursor ? Number(decodeCursor(q.cursor, 1)[0]) : 0
    const now = deps.clock.now()
    const slice = jobs.slice(from, from + q.limit + 1)
    const rows = await Promise.all(
      slice.map(async (job, i) => ({
        job,
        index: from + i,
        runs: await recentRuns(deps.db, job.name, RECENT),
      })),
    )
    return c.json(
      pageOf(
        rows,
        q.limit,
        (r) => [r.index + 1],
        ({ job, runs }) => ({
          name: job.name,
          kind: job.kind,
          schedule: job.kind === 'cron' ? cronOf(job, deps.config) : `every ${job.everyMs(deps.config)} ms`,
          timeZone: deps.config.TZ,
          description: job.description,
          schedulerEnabled: deps.config.SCHEDULER,
          nextRun:
            job.kind === 'cron'
              ? (nextSlot(cronOf(job, deps.config), deps.config.TZ, now)?.toISOString() ?? null)
              : new Date(now.getTime() + job.everyMs(deps.config)).toISOString(),
          lastRuns: runs.map((r) => ({
            slot: r.slot.toISOString(),
            instance: r.instance,
            catchUp: r.catch_up,
            startedAt: r.started_at.toISOString(),
            durationMs: r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
            outcome: r.outcome,
            error: r.error,
            result: r.result === null || r.result === undefined ? null : JSON.stringify(r.result),
          })),
        }),
      ),
      200,
    )
  })
}
