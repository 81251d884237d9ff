import type { ProblemIssue } from '../domain/errors.js'
import type { ReportField } from '../playbooks/playbook.schema.js'

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
