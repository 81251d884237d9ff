import type { ProblemIssue } from '../http/problem.js'
import type { ReportField } from '../playbooks/playbook.schema.js'

/**
 * The range every figure and every incident total stays in, whatever the playbook says: integers up to
 * 2^53−1 (beyond that a JSON number is no longer exact: 9007199254740993 parses as …992), other numbers up
 * to 10^12 (so sums of them stay finite and meaningful). A playbook's own min/max narrows this further.
 */
export const FIGURE_LIMIT = { integer: Number.MAX_SAFE_INTEGER, number: 1e12 } as const

const limitOf = (type: 'integer' | 'number') => FIGURE_LIMIT[type]

/** Checks reported figures against the step's declared fields and lists every problem at once. */
export function validateFigures(fields: ReportField[], figures: Record<string, unknown>): ProblemIssue[] {
  const issues: ProblemIssue[] = []
  const byName = new Map(fields.map((f) => [f.name, f]))
  for (const name of Object.keys(figures)) {
    if (!byName.has(name))
      issues.push({
        path: `body.figures.${name}`,
        message: `unknown field; this step reports: ${fields.map((f) => f.name).join(', ') || '(no figures)'}`,
        code: 'unknown_field',
      })
  }
  for (const field of fields) {
    const path = `body.figures.${field.name}`
    const value = figures[field.name]
    if (value === undefined || value === null) {
      if (field.required) issues.push({ path, message: 'required', code: 'required' })
      continue
    }
    switch (field.type) {
      case 'integer':
      case 'number': {
        const ok = typeof value === 'number' && Number.isFinite(value)
        if (!ok || (field.type === 'integer' && !Number.isInteger(value))) {
          issues.push({ path, message: `expected ${field.type}`, code: 'invalid_type' })
          break
        }
        if (Math.abs(value) > limitOf(field.type)) {
          issues.push({
            path,
            message: `out of range: at most ±${limitOf(field.type)}${field.type === 'integer' ? ' (2^53−1, beyond which a JSON number is not exact)' : ''}`,
            code: 'too_big',
          })
          break
        }
        if (field.min !== undefined && value < field.min)
          issues.push({ path, message: `must be ≥ ${field.min}`, code: 'too_small' })
        if (field.max !== undefined && value > field.max)
          issues.push({ path, message: `must be ≤ ${field.max}`, code: 'too_big' })
        break
      }
      case 'boolean':
        if (typeof value !== 'boolean')
          issues.push({ path, message: 'expected boolean', code: 'invalid_type' })
        break
      case 'text':
        if (typeof value !== 'string') issues.push({ path, message: 'expected text', code: 'invalid_type' })
        else if (field.maxLength !== undefined && value.length > field.maxLength)
          issues.push({ path, message: `at most ${field.maxLength} characters`, code: 'too_big' })
        break
    }
  }
  return issues
}

/**
 * Refuses a report whose addition would push an incident total out of range, naming each such field, so
 * totals stay finite and exact in the incident, the after-action report and its CSV. `totals` are the
 * incident's sums before this report.
 */
export function totalRangeIssues(
  fields: ReportField[],
  totals: Record<string, number>,
  figures: Record<string, unknown>,
): ProblemIssue[] {
  const issues: ProblemIssue[] = []
  for (const field of fields) {
    const value = figures[field.name]
    if ((field.type !== 'integer' && field.type !== 'number') || typeof value !== 'number') continue
    const total = (totals[field.name] ?? 0) + value
    if (Math.abs(total) > limitOf(field.type))
      issues.push({
        path: `body.figures.${field.name}`,
        message: `the incident total would reach ${total}, beyond ±${limitOf(field.type)}`,
        code: 'total_out_of_range',
      })
  }
  return issues
}
