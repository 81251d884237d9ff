import { issue, type ProblemIssue, validationFailed } from '../domain/errors.js'
import type { ReportField } from '../playbooks/playbook.schema.js'

/**
 * The range every figure and every incident total stays in, whatever the playbook says: integers up to
 * 2^53−1 (beyond that a JSON number is no longer exact: 9007199254740993 parses as …992), other numbers up
 * to 10^12 (so sums of them stay finite and meaningful). A playbook's own min/max narrows this further.
 */
export const FIGURE_LIMIT = { integer: Number.MAX_SAFE_INTEGER, number: 1e12 } as const

const limitOf = (type: 'integer' | 'number') => FIGURE_LIMIT[type]

const typeNames = {
  integer: { zh: '整数', en: 'integer' },
  number: { zh: '数字', en: 'number' },
  boolean: { zh: '布尔值', en: 'boolean' },
  text: { zh: '文本', en: 'text' },
} as const

/** Checks reported figures against the step's declared fields and lists every problem at once. */
export function validateFigures(fields: ReportField[], figures: Record<string, unknown>): ProblemIssue[] {
  const issues: ProblemIssue[] = []
  const byName = new Map(fields.map((f) => [f.name, f]))
  const declared = fields.map((f) => f.name).join(', ')
  for (const name of Object.keys(figures)) {
    if (!byName.has(name))
      issues.push(
        issue(
          `body.figures.${name}`,
          {
            zh: `未知的字段；此步骤上报：${declared || '（无数据项）'}`,
            en: `unknown field; this step reports: ${declared || '(no figures)'}`,
          },
          'unknown_field',
        ),
      )
  }
  for (const field of fields) {
    const path = `body.figures.${field.name}`
    const value = figures[field.name]
    const expected = () =>
      issue(
        path,
        { zh: `应为${typeNames[field.type].zh}`, en: `expected ${typeNames[field.type].en}` },
        'invalid_type',
      )
    if (value === undefined || value === null) {
      if (field.required) issues.push(issue(path, { zh: '必填', en: 'required' }, 'required'))
      continue
    }
    switch (field.type) {
      case 'integer':
      case 'number': {
        const ok = typeof value === 'number' && Number.isFinite(value)
        if (!ok || (field.type === 'integer' && !Number.isInteger(value))) {
          issues.push(expected())
          break
        }
        const limit = limitOf(field.type)
        if (Math.abs(value) > limit) {
          const exact = field.type === 'integer'
          issues.push(
            issue(
              path,
              {
                zh: `超出范围：绝对值至多 ${limit}${exact ? '（2^53−1，更大的 JSON 数字无法精确表示）' : ''}`,
                en: `out of range: at most ±${limit}${exact ? ' (2^53−1, beyond which a JSON number is not exact)' : ''}`,
              },
              'too_big',
            ),
          )
          break
        }
        if (field.min !== undefined && value < field.min)
          issues.push(issue(path, { zh: `应 ≥ ${field.min}`, en: `must be ≥ ${field.min}` }, 'too_small'))
        if (field.max !== undefined && value > field.max)
          issues.push(issue(path, { zh: `应 ≤ ${field.max}`, en: `must be ≤ ${field.max}` }, 'too_big'))
        break
      }
      case 'boolean':
        if (typeof value !== 'boolean') issues.push(expected())
        break
      case 'text':
        if (typeof value !== 'string') issues.push(expected())
        else if (field.maxLength !== undefined && value.length > field.maxLength)
          issues.push(
            issue(
              path,
              { zh: `至多 ${field.maxLength} 个字符`, en: `at most ${field.maxLength} characters` },
              'too_big',
            ),
          )
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
    const limit = limitOf(field.type)
    if (Math.abs(total) > limit)
      issues.push(
        issue(
          `body.figures.${field.name}`,
          {
            zh: `事件合计将达到 ${total}，超出 ±${limit}`,
            en: `the incident total would reach ${total}, beyond ±${limit}`,
          },
          'total_out_of_range',
        ),
      )
  }
  return issues
}

/** The 422 for a report that would push incident totals out of range (each field as a `total_out_of_range` issue). */
export const totalOutOfRange = (issues: ProblemIssue[]) =>
  validationFailed(issues, {
    zh: '上报后事件合计将超出允许范围',
    en: 'This report would push incident totals out of range',
  })
