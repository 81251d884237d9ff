import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ZodError } from 'zod'
import type { Logger } from '../logger.js'
import { AppError, type ProblemIssue, problemResponse } from './problem.js'

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout (the transaction rolled back, nothing written)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
])

/** True when the error says the database cannot be reached, rather than that a query was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable)
  return /Connection terminated|timeout exceeded when trying to connect|PGlite is closed|driver has already been destroyed/i.test(
    err.message,
  )
}

export function zodIssues(error: ZodError, prefix?: string): ProblemIssue[] {
  return error.issues.map((i) => {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 ? '' : '.'}${String(p)}`))
      .join('')
    return { path: prefix ? (path ? `${prefix}.${path}` : prefix) : path, message: i.message, code: i.code }
  })
}

const targetNames: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' }

/** Validator hook: every validation failure takes the same problem+json path as any other error. */
export function validationHook(result: { success: boolean; error?: unknown; target: string }): void {
  if (!result.success) {
    const issues = zodIssues(result.error as ZodError, targetNames[result.target] ?? result.target)
    throw new AppError(
      'validation_failed',
      { zh: `输入校验未通过，共 ${issues.length} 处问题`, en: `${issues.length} validation problem(s)` },
      { issues },
    )
  }
}

export function handleError(err: Error, c: Context, logger: Logger): Response {
  if (err instanceof AppError) return problemResponse(c, err)
  if (err instanceof HTTPException) {
    if (err.status === 400 && /JSON/i.test(err.message))
      return problemResponse(
        c,
        new AppError('malformed_json', { zh: '请求体不是合法的 JSON', en: err.message }),
      )
    if (err.status === 413) return problemResponse(c, new AppError('payload_too_large'))
    const code = err.status === 401 ? 'unauthorized' : err.status === 404 ? 'not_found' : 'bad_request'
    return problemResponse(c, new AppError(code, { zh: err.message, en: err.message }))
  }
  if (isDatabaseUnavailable(err)) {
    logger.warn({ requestId: c.get('requestId'), err: err.message }, 'database unavailable')
    return problemResponse(
      c,
      new AppError('service_unavailable', undefined, { headers: { 'retry-after': '5' } }),
    )
  }
  logger.error({ requestId: c.get('requestId'), err }, 'unhandled error')
  return problemResponse(c, new AppError('internal_error'))
}
