import { z } from '@hono/zod-openapi'
import type { AppDeps } from '../deps.js'
import { issue, validationFailed } from '../domain/errors.js'
import { publicRoute } from '../http/route.js'
import { newRouter } from '../http/router.js'
import { json } from '../http/schemas.js'
import { chinaIso, WorkingCalendar } from './working-days.js'

export const DeadlineQuery = z.strictObject({
  from: z.string().max(40).openapi({
    description: 'ISO 8601 time of receipt (with offset or Z)',
    example: '2026-12-07T10:00:00+08:00',
  }),
  workingDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .openapi({ description: 'Working days allowed (the day of receipt is not counted)' }),
})

const DeadlineSchema = z
  .strictObject({
    due: z
      .string()
      .openapi({ description: 'End of the last working day, +08:00', example: '2026-12-16T23:59:59+08:00' }),
  })
  .openapi('Deadline')

const deadline = publicRoute({
  method: 'get',
  path: '/calendar/deadline',
  operationId: 'workingDayDeadline',
  tags: ['calendar'],
  summary: 'A deadline in working days on the Chinese calendar (holidays and 调休 make-up days)',
  request: { query: DeadlineQuery },
  responses: { 200: { description: 'The deadline', content: json(DeadlineSchema) } },
})

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

export function calendarRoutes(
  _deps: Pick<AppDeps, 'config'>,
  calendar: WorkingCalendar = WorkingCalendar.load(),
) {
  return newRouter().openapi(deadline, (c) => {
    const q = c.req.valid('query')
    const from = ISO_TIME.test(q.from) ? new Date(q.from) : new Date(Number.NaN)
    if (Number.isNaN(from.getTime()))
      throw validationFailed([
        issue(
          'query.from',
          { zh: '须为带时区的 ISO 8601 时间', en: 'must be an ISO 8601 time with an offset' },
          'invalid_time',
        ),
      ])
    return c.json({ due: chinaIso(calendar.deadline(from, q.workingDays)) }, 200)
  })
}
