import type { Context } from 'hono'
import type { RequestContext } from '../domain/context.js'
import { AppError } from '../domain/errors.js'
import { issueLines, type Labels } from '../web/form-problems.js'
import type { Lang } from '../web/i18n.js'
import type { ConsoleEnv } from './session-auth.js'

/** The signed-in person as the services' actor, with this request's id. */
export const ctxOf = (c: Context<ConsoleEnv>): RequestContext => ({
  actor: c.get('actor'),
  requestId: c.get('requestId'),
})

/** A posted form field as text ('' when absent or a file). */
export const str = (form: Record<string, unknown>, name: string) => {
  const v = form[name]
  return typeof v === 'string' ? v : ''
}

// The form-problem wording is the web layer's (public forms use it too); re-exported for the console's forms.
export { formProblems, issueLines, type Labels, zodProblems } from '../web/form-problems.js'

/** A refusal from the service as page text: its reason and every issue it names. A 404 or 5xx stays thrown. */
export function refusalOf(err: unknown, lang: Lang, labels: Labels = {}) {
  if (!(err instanceof AppError) || err.code === 'not_found' || err.status >= 500) throw err
  return {
    status: (err.status === 409 ? 409 : 422) as 409 | 422,
    refusal: err.detail?.[lang] ?? err.message,
    problems: issueLines(err.extra.issues ?? [], lang, labels),
  }
}
