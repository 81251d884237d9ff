import type { Context } from 'hono'
import { DraftSchema } from '../announcements/announcements.schema.js'
import { draftAnnouncement } from '../announcements/announcements.service.js'
import type { AppDeps } from '../deps.js'
import { AppError } from '../domain/errors.js'
import { type Lang, pageLang } from '../web/i18n.js'
import { ctxOf, issueLines, zodProblems } from './console-forms.js'
import type { ConsoleEnv } from './session-auth.js'

/**
 * What the announcement forms share: a form's text fields, and a domain refusal as its reason followed by
 * every issue. The verbs are the API's (announcements.service.ts).
 */
export const textFields = (body: Record<string, unknown>, names: readonly string[]) =>
  Object.fromEntries(names.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']))

/** A refusal's lines (reason, then each issue), or the error again when it is not the person's to fix. */
export function refusalLines(err: unknown, lang: Lang): string[] {
  if (!(err instanceof AppError) || err.status >= 500) throw err
  return [err.detail?.[lang] ?? err.message, ...issueLines(err.extra.issues ?? [], lang)]
}

/** Sample numbers typed one a line (or separated by commas). */
export const sampleNumbers = (text: string) => text.split(/[\s,，、]+/).filter(Boolean)

/** Drafts through the API's verb: the new id, or every problem at once. */
export async function draftFromForm(
  deps: AppDeps,
  c: Context<ConsoleEnv>,
  input: {
    number: string
    title: string
    period: string
    sampleNos?: string[]
    matching?: Record<string, string>
    importId?: string
  },
): Promise<{ id: string } | { problems: string[] }> {
  const parsed = DraftSchema.safeParse(input)
  if (!parsed.success) return { problems: zodProblems(parsed.error, pageLang(c)) }
  try {
    return { id: await draftAnnouncement(deps, ctxOf(c), parsed.data) }
  } catch (err) {
    return { problems: refusalLines(err, pageLang(c)) }
  }
}
