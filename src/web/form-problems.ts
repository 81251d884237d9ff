import type { z } from 'zod'
import type { ProblemIssue } from '../domain/errors.js'
import { zodIssues } from '../http/errors.js'
import { type Lang, tr } from './i18n.js'

/**
 * Issues as page lines in the page's language, each named by its field's label when one is given (for the
 * field or, for a nested path, its first part).
 */
export const issueLines = (issues: ProblemIssue[], lang: Lang, labels: Labels = {}) =>
  issues.map((i) => {
    const path = i.path.replace(/^body\./, '')
    const label = labels[path] ?? labels[path.split('.')[0] ?? '']
    return `${label ? tr(lang, label) : path || '—'}：${i.text?.[lang] ?? i.message}`
  })

/**
 * A form schema's problems as page lines, worded like the API's 422 (zh-CN or English); an empty required
 * field reads as a sentence a person acts on ("原因：请填写", not "字符串长度过短：期望 >=1 字符").
 */
export const zodProblems = (error: z.ZodError, lang: Lang, labels: Labels = {}) => {
  const issues = zodIssues(error)
  error.issues.forEach((raw, n) => {
    const r = raw as { code: string; origin?: string; minimum?: unknown; expected?: string; input?: unknown }
    const empty =
      (r.code === 'too_small' && r.origin === 'string' && Number(r.minimum) === 1) ||
      (r.code === 'invalid_type' && r.input === undefined)
    const i = issues[n]
    if (empty && i) {
      i.text = { zh: '请填写', en: 'required: please fill it in' }
      i.message = i.text.en
    }
  })
  return issueLines(issues, lang, labels)
}

export type Labels = Record<string, { zh: string; en: string }>

/**
 * Every problem of a form at once: the schema's, then the service's own checks (e.g. a binding) on the
 * fields the schema passed, so a person fixes everything in one go.
 */
export function formProblems(error: z.ZodError, more: ProblemIssue[], labels: Labels, lang: Lang) {
  const flagged = new Set(error.issues.map((i) => String(i.path[0] ?? '')))
  return [
    ...zodProblems(error, lang, labels),
    ...issueLines(
      more.filter((i) => !flagged.has(i.path.replace(/^body\./, ''))),
      lang,
      labels,
    ),
  ]
}
