import type { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppDeps } from '../deps.js'
import { ACCESS } from '../domain/access.js'
import { callerOf } from '../domain/context.js'
import { levelName } from '../domain/enums.js'
import { type AppEnv, requestContextOf } from '../http/app-env.js'
import { securedRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { IdParam, json, pageSchema, problem } from '../http/schemas.js'
import { stepDto } from '../playbooks/playbook-response.schema.js'
import { reassignTask } from './reassign.service.js'
import { taskSheetOf } from './task-disposal.read.js'
import {
  correctTaskReport,
  DisposalRecordSchema,
  ReportCorrectionSchema,
  recordSampleDisposal,
} from './task-disposal.service.js'
import { reportEntryDto, taskDto, taskSheetDto } from './task-view.js'
import {
  CompleteSchema,
  DisposalResultSchema,
  ReasonSchema,
  ReassignSchema,
  ReportIdParam,
  ReportResultSchema,
  ReportSchema,
  TaskListItemSchema,
  TaskQuerySchema,
  TaskReportEntrySchema,
  TaskSchema,
  TaskSheetSchema,
} from './tasks.schema.js'
import {
  acknowledgeTask,
  cancelTask,
  completeTask,
  declineTask,
  listTasksFor,
  reportOnTask,
  startTask,
  taskWithStep,
} from './tasks.service.js'

const moveResponses = {
  200: { description: 'The task after the change', content: json(TaskSchema) },
  404: problem('No such task (or another district’s)'),
  409: problem('Not allowed in the task’s current state (the body names it)'),
}
const move = (path: string, operationId: string, summary: string) =>
  securedRoute(ACCESS.moveTask, {
    method: 'post',
    path,
    operationId,
    tags: ['tasks'],
    summary,
    request: { params: IdParam },
    responses: moveResponses,
  })
const moveWith = <B extends z.ZodType>(
  path: string,
  operationId: string,
  summary: string,
  body: B,
  roles: (typeof ACCESS)['moveTask' | 'cancelTask'] = ACCESS.moveTask,
) =>
  securedRoute(roles, {
    method: 'post',
    path,
    operationId,
    tags: ['tasks'],
    summary,
    request: { params: IdParam, body: { content: json(body), required: true } },
    responses: moveResponses,
  })

const list = securedRoute(ACCESS.readTasks, {
  method: 'get',
  path: '/tasks',
  operationId: 'listTasks',
  tags: ['tasks'],
  summary: 'List tasks by due time, a page at a time (a district token sees its own district’s only)',
  request: { query: TaskQuerySchema },
  responses: {
    200: { description: 'A page of tasks by due time', content: json(pageSchema(TaskListItemSchema)) },
  },
})

const get = securedRoute(ACCESS.readTasks, {
  method: 'get',
  path: '/tasks/{id}',
  operationId: 'getTask',
  tags: ['tasks'],
  summary:
    'A task with its step, its incident (current level, title, exercise), the failing samples to dispose of by shop, the reports filed and their sums',
  request: { params: IdParam },
  responses: {
    200: { description: 'The task', content: json(TaskSheetSchema) },
    404: problem('No such task'),
  },
})

const ack = move(
  '/tasks/{id}/ack',
  'acknowledgeTask',
  'Acknowledge (repeating returns the first acknowledgement unchanged)',
)
const start = move('/tasks/{id}/start', 'startTask', 'Start work on an acknowledged task')
const report = securedRoute(ACCESS.reportTask, {
  method: 'post',
  path: '/tasks/{id}/reports',
  operationId: 'reportOnTask',
  tags: ['tasks'],
  summary: 'Report figures, validated against the step’s declared fields',
  request: { params: IdParam, body: { content: json(ReportSchema), required: true } },
  responses: {
    201: { description: 'Report filed', content: json(ReportResultSchema) },
    404: problem('No such task'),
    409: problem('Not acknowledged yet, or already finished'),
  },
})
const disposal = securedRoute(ACCESS.recordDisposal, {
  method: 'post',
  path: '/tasks/{id}/disposals',
  operationId: 'recordSampleDisposal',
  tags: ['tasks'],
  summary: 'Record what was done about one of the task’s failing samples (下架 units, 封存 kg, 未见在售)',
  request: { params: IdParam, body: { content: json(DisposalRecordSchema), required: true } },
  responses: {
    201: { description: 'Record filed as a report on the task', content: json(DisposalResultSchema) },
    404: problem('No such task'),
    409: problem('Not acknowledged yet, or already finished'),
    422: problem('The sample is not on the task, or the figures are wrong'),
  },
})
const correction = securedRoute(ACCESS.correctReport, {
  method: 'post',
  path: '/tasks/{id}/reports/{reportId}/corrections',
  operationId: 'correctTaskReport',
  tags: ['tasks'],
  summary:
    'Correct figures of a filed report: a correcting report with the reason and the signed change (the original stays)',
  request: { params: ReportIdParam, body: { content: json(ReportCorrectionSchema), required: true } },
  responses: {
    201: { description: 'The correcting report', content: json(TaskReportEntrySchema) },
    404: problem('No such task or report'),
    409: problem('The incident is closed, or the task has nothing to correct'),
    422: problem('A figure that cannot be corrected, or no change'),
  },
})
const complete = moveWith('/tasks/{id}/complete', 'completeTask', 'Complete', CompleteSchema)
const decline = moveWith(
  '/tasks/{id}/decline',
  'declineTask',
  'Decline with a reason, for the command centre to resolve',
  ReasonSchema,
)
const cancel = moveWith(
  '/tasks/{id}/cancel',
  'cancelTask',
  'Cancel (command centre)',
  ReasonSchema,
  ACCESS.cancelTask,
)

const reassign = securedRoute(ACCESS.reassignTask, {
  method: 'post',
  path: '/tasks/{id}/reassign',
  operationId: 'reassignTask',
  tags: ['tasks'],
  summary: 'Reassign a declined task (首办责任制): a new task, for the same or another district in scope',
  request: { params: IdParam, body: { content: json(ReassignSchema), required: true } },
  responses: {
    201: { description: 'The new task, linked to the declined one', content: json(TaskSchema) },
    404: problem('No such task'),
    409: problem('Not declined, already reassigned, or the incident is closed'),
  },
})

export function taskRoutes(deps: AppDeps) {
  const now = () => deps.clock.now()
  return newRouter()
    .openapi(list, async (c) => {
      const page = await listTasksFor(deps, requestContextOf(c), c.req.valid('query'))
      const at = now()
      return c.json(
        {
          items: page.items.map((t) => ({
            ...taskDto(t, at),
            incidentCode: t.incident_code,
            exercise: t.exercise,
            incidentTitle: t.incident_title,
            incidentLevel: levelName(t.incident_level),
          })),
          next: page.next,
        },
        200,
      )
    })
    .openapi(get, async (c) => {
      const ctx = requestContextOf(c)
      const { task, incidentCode, step } = await taskWithStep(deps, ctx, c.req.valid('param').id)
      const sheet = await taskSheetOf(deps, task)
      return c.json(
        {
          ...taskDto(task, now()),
          incidentCode,
          stepDetail: step ? stepDto(step) : null,
          ...taskSheetDto(sheet),
        },
        200,
      )
    })
    .openapi(ack, async (c) =>
      c.json(taskDto(await acknowledgeTask(deps, requestContextOf(c), c.req.valid('param').id), now()), 200),
    )
    .openapi(start, async (c) =>
      c.json(taskDto(await startTask(deps, requestContextOf(c), c.req.valid('param').id), now()), 200),
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
          task: taskDto(result.task, now()),
          report: { ...result.report, createdAt: result.report.createdAt.toISOString() },
        },
        201,
      )
    })
    .openapi(disposal, async (c) => {
      const id = c.req.valid('param').id
      const result = await recordSampleDisposal(deps, requestContextOf(c), id, c.req.valid('json'))
      const r = result.report
      return c.json(
        {
          task: taskDto(result.task, now()),
          report: reportEntryDto({ ...r, corrects: null, reason: null, by: callerName(c) }),
        },
        201,
      )
    })
    .openapi(correction, async (c) => {
      const { id, reportId } = c.req.valid('param')
      const { report: r } = await correctTaskReport(
        deps,
        requestContextOf(c),
        id,
        reportId,
        c.req.valid('json'),
      )
      return c.json(reportEntryDto({ ...r, note: null, by: callerName(c) }), 201)
    })
    .openapi(complete, async (c) => {
      const { note } = c.req.valid('json')
      const task = await completeTask(deps, requestContextOf(c), c.req.valid('param').id, note)
      return c.json(taskDto(task, now()), 200)
    })
    .openapi(decline, async (c) => {
      const { reason } = c.req.valid('json')
      const task = await declineTask(deps, requestContextOf(c), c.req.valid('param').id, reason)
      return c.json(taskDto(task, now()), 200)
    })
    .openapi(reassign, async (c) => {
      const task = await reassignTask(deps, requestContextOf(c), c.req.valid('param').id, c.req.valid('json'))
      c.header('Location', `/api/v1/tasks/${task.id}`)
      return c.json(taskDto(task, now()), 201)
    })
    .openapi(cancel, async (c) => {
      const { reason } = c.req.valid('json')
      const task = await cancelTask(deps, requestContextOf(c), c.req.valid('param').id, reason)
      return c.json(taskDto(task, now()), 200)
    })
}

const callerName = (c: Context<AppEnv>) => callerOf(requestContextOf(c))?.name ?? null
