import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, problem } from '../http/schemas.js'
import { taskDto } from '../incidents/incident-view.js'
import { isDuration } from '../playbooks/duration.js'
import { reassignTask } from './reassign.service.js'
import { listTasks } from './tasks.repo.js'
import {
  acknowledgeTask,
  cancelTask,
  completeTask,
  declineTask,
  loadTaskFor,
  reportOnTask,
  startTask,
} from './tasks.service.js'

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })
const actors = ['admin', 'commander', 'district'] as const
const command = ['admin', 'commander'] as const
const statuses = ['pending', 'acknowledged', 'in_progress', 'completed', 'declined', 'cancelled'] as const

const TaskSchema = z
  .object({
    id: z.uuid(),
    incident: z.uuid(),
    district: z.string(),
    step: z.string(),
    occurrence: z.number().int(),
    level: z.string(),
    status: z.enum(statuses),
    ackDueAt: z.string(),
    dueAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    owner: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    overdue: z.enum(['unacknowledged', 'past_due']).nullable(),
  })
  .passthrough()
  .openapi('Task')

const ReportSchema = z
  .strictObject({
    figures: z.record(z.string().max(100), z.unknown()),
    note: z.string().max(4000).optional(),
  })
  .openapi('TaskReport')

const moveResponses = {
  200: { description: 'The task after the change', content: json(TaskSchema) },
  404: problem('No such task (or another district’s)'),
  409: problem('Not allowed in the task’s current state (the body names it)'),
}
const move = (path: string, summary: string) =>
  securedRoute(actors, {
    method: 'post',
    path,
    tags: ['tasks'],
    summary,
    request: { params: IdParam },
    responses: moveResponses,
  })
const moveWith = <B extends z.ZodType>(
  path: string,
  summary: string,
  body: B,
  roles: typeof actors | typeof command = actors,
) =>
  securedRoute(roles, {
    method: 'post',
    path,
    tags: ['tasks'],
    summary,
    request: { params: IdParam, body: { content: json(body), required: true } },
    responses: moveResponses,
  })

const list = securedRoute(actors, {
  method: 'get',
  path: '/tasks',
  tags: ['tasks'],
  summary: 'List tasks (a district token sees its own district’s only)',
  request: {
    query: z.object({
      incident: z.uuid().optional(),
      status: z.enum(statuses).optional(),
      district: z
        .string()
        .regex(/^\d{6}$/)
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: { description: 'Tasks by due time', content: json(z.object({ items: z.array(TaskSchema) })) },
  },
})

const get = securedRoute(actors, {
  method: 'get',
  path: '/tasks/{id}',
  tags: ['tasks'],
  summary: 'A task with its step: instructions and the figures to report',
  request: { params: IdParam },
  responses: { 200: { description: 'The task', content: json(TaskSchema) }, 404: problem('No such task') },
})

const ack = move('/tasks/{id}/ack', 'Acknowledge (repeating returns the first acknowledgement unchanged)')
const start = move('/tasks/{id}/start', 'Start work on an acknowledged task')
const report = securedRoute(actors, {
  method: 'post',
  path: '/tasks/{id}/reports',
  tags: ['tasks'],
  summary: 'Report figures, validated against the step’s declared fields',
  request: { params: IdParam, body: { content: json(ReportSchema), required: true } },
  responses: {
    201: {
      description: 'Report filed',
      content: json(z.object({ task: TaskSchema, report: z.record(z.string(), z.unknown()) })),
    },
    404: problem('No such task'),
    409: problem('Not acknowledged yet, or already finished'),
  },
})
const complete = moveWith(
  '/tasks/{id}/complete',
  'Complete',
  z.strictObject({ note: z.string().max(4000).optional() }),
)
const decline = moveWith(
  '/tasks/{id}/decline',
  'Decline with a reason, for the command centre to resolve',
  z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
)
const cancel = moveWith(
  '/tasks/{id}/cancel',
  'Cancel (command centre)',
  z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
  command,
)

const window = z
  .string()
  .max(40)
  .refine(isDuration, 'an ISO-8601 duration such as PT30M, PT2H or P1D (no months or years)')
  .refine((d) => !/^P(T?0+[DHMSW])+$|^PT(0+[HMS])+$/.test(d), 'must be longer than zero')
const reassign = securedRoute(command, {
  method: 'post',
  path: '/tasks/{id}/reassign',
  operationId: 'reassignTask',
  tags: ['tasks'],
  summary: 'Reassign a declined task (首办责任制): a new task, for the same or another district in scope',
  request: {
    params: IdParam,
    body: {
      content: json(
        z
          .strictObject({
            district: z
              .string()
              .regex(/^\d{6}$/, 'a six-digit GB/T 2260 code')
              .optional(),
            ackWithin: window.optional(),
            dueWithin: window.optional(),
            reason: z.string().trim().min(1).max(2000),
          })
          .openapi('TaskReassignment'),
      ),
      required: true,
    },
  },
  responses: {
    201: { description: 'The new task, linked to the declined one', content: json(TaskSchema) },
    404: problem('No such task'),
    409: problem('Not declined, already reassigned, or the incident is closed'),
  },
})

export function taskRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const actor = c.get('actor')
      // A district token is confined to its own district whatever it asks for.
      const district = actor?.role === 'district' ? (actor.districtCode ?? '') : q.district
      const rows =
        district !== undefined && q.district !== undefined && district !== q.district
          ? []
          : await listTasks(deps.db, { ...q, district })
      const now = deps.clock.now()
      return c.json(
        {
          items: rows.map((t) => ({
            ...taskDto(t, now),
            incidentCode: t.incident_code,
            exercise: t.exercise,
          })),
        },
        200,
      )
    })
    .openapi(get, async (c) => {
      const task = await loadTaskFor(deps.db, requestContextOf(c), c.req.valid('param').id)
      const incident = await deps.db
        .selectFrom('incidents')
        .select(['playbook_hash', 'code'])
        .where('id', '=', task.incident_id)
        .executeTakeFirstOrThrow()
      const playbook = await deps.playbooks.pinned(deps.db, incident.playbook_hash)
      const step = playbook.steps.find((s) => s.key === task.step_key)
      return c.json(
        { ...taskDto(task, deps.clock.now()), incidentCode: incident.code, stepDetail: step ?? null },
        200,
      )
    })
    .openapi(ack, async (c) =>
      c.json(
        taskDto(await acknowledgeTask(deps, requestContextOf(c), c.req.valid('param').id), deps.clock.now()),
        200,
      ),
    )
    .openapi(start, async (c) =>
      c.json(
        taskDto(await startTask(deps, requestContextOf(c), c.req.valid('param').id), deps.clock.now()),
        200,
      ),
    )
    .openapi(report, async (c) => {
      const result = await reportOnTask(
        deps,
        requestContextOf(c),
        c.req.valid('param').id,
        c.req.valid('json'),
      )
      return c.json(
        {
          task: taskDto(result.task, deps.clock.now()),
          report: { ...result.report, createdAt: result.report.createdAt.toISOString() },
        },
        201,
      )
    })
    .openapi(complete, async (c) => {
      const body = c.req.valid('json')
      return c.json(
        taskDto(
          await completeTask(deps, requestContextOf(c), c.req.valid('param').id, body.note),
          deps.clock.now(),
        ),
        200,
      )
    })
    .openapi(decline, async (c) => {
      const body = c.req.valid('json')
      return c.json(
        taskDto(
          await declineTask(deps, requestContextOf(c), c.req.valid('param').id, body.reason),
          deps.clock.now(),
        ),
        200,
      )
    })
    .openapi(reassign, async (c) => {
      const task = await reassignTask(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json'))
      c.header('Location', `/api/v1/tasks/${task.id}`)
      return c.json(taskDto(task, deps.clock.now()), 201)
    })
    .openapi(cancel, async (c) => {
      const body = c.req.valid('json')
      return c.json(
        taskDto(
          await cancelTask(deps, requestContextOf(c), c.req.valid('param').id, body.reason),
          deps.clock.now(),
        ),
        200,
      )
    })
}
