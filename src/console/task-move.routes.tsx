import { type Context, Hono } from 'hono'
import type { z } from 'zod'
import type { AppDeps } from '../deps.js'
import type { RequestContext } from '../domain/context.js'
import { reassignTask } from '../tasks/reassign.service.js'
import { ReasonSchema, ReassignSchema } from '../tasks/tasks.schema.js'
import { cancelTask, loadTaskFor } from '../tasks/tasks.service.js'
import { pageLang } from '../web/i18n.js'
import { ctxOf, refusalOf, str, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import { incidentRenderer } from './incident-render.js'
import type { ConsoleEnv } from './session-auth.js'

/**
 * The command centre's moves on one task (reassign a declined task, cancel an open one), posted from the
 * incident page's forms and answered on it.
 */
export function consoleTaskMoveRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  const { incidentPage } = incidentRenderer(deps)

  // Task moves of the command centre, answered on the incident page: the form checked by the API's own
  // schema (every problem at once), then the API's verb; a refusal comes back with the service's reason.
  const taskMove =
    <T,>(
      schema: z.ZodType<T>,
      bodyOf: (form: Record<string, unknown>) => unknown,
      move: (ctx: RequestContext, id: string, input: T) => Promise<unknown>,
    ) =>
    async (c: Context<ConsoleEnv>) => {
      const lang = pageLang(c)
      const ctx = ctxOf(c)
      const task = await loadTaskFor(deps.db, ctx, c.req.param('id')!)
      const parsed = schema.safeParse(bodyOf(await c.req.parseBody()))
      if (!parsed.success)
        return incidentPage(c, { problems: zodProblems(parsed.error, lang) }, 422, task.incident_id)
      try {
        await move(ctx, task.id, parsed.data)
      } catch (err) {
        const r = refusalOf(err, lang)
        return incidentPage(c, r, r.status, task.incident_id)
      }
      return c.redirect(`/console/incidents/${task.incident_id}`, 303)
    }

  app.post(
    '/console/tasks/:id/reassign',
    formFor('reassignTask'),
    taskMove(
      ReassignSchema,
      (form) => ({
        ...(str(form, 'district') ? { district: str(form, 'district') } : {}),
        reason: str(form, 'reason'),
      }),
      (ctx, id, input) => reassignTask(deps, ctx, id, input),
    ),
  )
  app.post(
    '/console/tasks/:id/cancel',
    formFor('cancelTask'),
    taskMove(
      ReasonSchema,
      (form) => ({ reason: str(form, 'reason') }),
      (ctx, id, input) => cancelTask(deps, ctx, id, input.reason),
    ),
  )

  return app
}
