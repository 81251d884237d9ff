/**
 * Domain errors: what went wrong, in words a caller can act on, independent of transport. Services, the CLI
 * and jobs throw these; `http/problem.ts` renders them as problem+json and the CLI as one line.
 */

/** Stable machine codes; clients switch on these, never on text. Each maps to its HTTP status. */
export const problemStatus = {
  bad_request: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_state: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_mismatch: 422,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
} as const

export type ProblemCode = keyof typeof problemStatus

export const PROBLEM_CODES = Object.keys(problemStatus) as [ProblemCode, ...ProblemCode[]]

/** User-facing text: zh-CN first, English available. */
export interface Text {
  zh: string
  en: string
}

export const problemTitles: Record<ProblemCode, Text> = {
  bad_request: { zh: '请求有误', en: 'Bad request' },
  malformed_json: { zh: '请求体不是合法的 JSON', en: 'Malformed JSON body' },
  unauthorized: { zh: '未认证：缺少或无效的访问令牌', en: 'Missing or invalid access token' },
  forbidden: { zh: '无权执行此操作', en: 'Not allowed for this role' },
  not_found: { zh: '资源不存在', en: 'Not found' },
  method_not_allowed: { zh: '不支持的请求方法', en: 'Method not allowed' },
  conflict: { zh: '与当前状态冲突', en: 'Conflict' },
  invalid_state: { zh: '当前状态不允许此操作', en: 'Not allowed in the current state' },
  precondition_failed: { zh: '记录已被修改', en: 'Precondition failed: the record changed' },
  payload_too_large: { zh: '请求体过大', en: 'Payload too large' },
  unsupported_media_type: { zh: '不支持的内容类型', en: 'Unsupported media type' },
  validation_failed: { zh: '输入校验未通过', en: 'Validation failed' },
  idempotency_mismatch: {
    zh: '幂等键已用于另一份不同的请求',
    en: 'Idempotency key was used with a different request',
  },
  rate_limited: { zh: '请求过于频繁', en: 'Too many requests' },
  service_unavailable: { zh: '服务暂不可用，请稍后重试', en: 'Service temporarily unavailable' },
  internal_error: { zh: '服务器内部错误', en: 'Internal server error' },
}

/**
 * One problem with the input. `message` is English; `text`, when given, carries both languages (the HTTP
 * layer picks one). `path` names the place: `body.title`, `query.limit`, or a bare field name from the CLI.
 */
export interface ProblemIssue {
  path: string
  message: string
  code?: string
  text?: Text
}

/** An issue in both languages. */
export const issue = (path: string, text: Text, code?: string): ProblemIssue => ({
  path,
  message: text.en,
  text,
  ...(code ? { code } : {}),
})

export interface ProblemExtra {
  issues?: ProblemIssue[]
  headers?: Record<string, string>
  [k: string]: unknown
}

export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: ProblemCode,
    readonly detail?: Text,
    readonly extra: ProblemExtra = {},
  ) {
    super(detail?.en ?? problemTitles[code].en)
    this.status = problemStatus[code]
  }
}

export const notFound = (what: Text) => new AppError('not_found', what)
export const forbidden = (why: Text) => new AppError('forbidden', why)
export const invalidState = (why: Text, current: string) => new AppError('invalid_state', why, { current })
export const conflict = (why: Text) => new AppError('conflict', why)
/** The database is unreachable or too slow (a statement or connection timeout): nothing was written. */
export const serviceUnavailable = (retryAfterSeconds = 5) =>
  new AppError(
    'service_unavailable',
    {
      zh: '数据库暂不可用或响应过慢，未写入任何内容；请稍后重试',
      en: 'The database is unavailable or too slow; nothing was written. Retry later',
    },
    { headers: { 'retry-after': String(retryAfterSeconds) } },
  )
export const validationFailed = (issues: ProblemIssue[], detail?: Text) =>
  new AppError(
    'validation_failed',
    detail ?? { zh: `输入校验未通过，共 ${issues.length} 处问题`, en: `${issues.length} problem(s)` },
    { issues },
  )

/** SQLSTATE of a unique-key violation. */
const UNIQUE_VIOLATION = '23505'

/**
 * A duplicate key (PostgreSQL 23505) as a 409 naming the conflicting field, whoever raced whom: mapped once
 * here (by the transaction helper and the HTTP layer), not by each verb. The field comes from the server's
 * detail `Key (field)=(value) already exists.`; the value is not echoed (it may be personal).
 */
export function uniqueViolation(err: unknown): AppError | undefined {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== UNIQUE_VIOLATION) return undefined
  const detail = String((err as { detail?: unknown }).detail ?? '')
  const fields = /^Key \((.+?)\)=/.exec(detail)?.[1] ?? (err as { constraint?: string }).constraint ?? 'key'
  const conflictError = new AppError(
    'conflict',
    { zh: `已存在相同的记录（${fields}）`, en: `A record with the same ${fields} already exists` },
    { issues: [issue(fields, { zh: '与已有记录重复', en: 'duplicates an existing record' }, 'duplicate')] },
  )
  // A verb that words its own refusal for a known key (a login taken) finds the server's error here.
  conflictError.cause = err
  return conflictError
}

/** The duplicate-key error behind `err` (raw, or already mapped by `uniqueViolation`), on `table` if given. */
export function duplicateKeyOf(
  err: unknown,
  table?: string,
): { table?: string; constraint?: string } | undefined {
  const raw = err instanceof AppError && err.cause instanceof Error ? err.cause : err
  if (!(raw instanceof Error) || (raw as { code?: unknown }).code !== UNIQUE_VIOLATION) return undefined
  const found = raw as { table?: string; constraint?: string }
  return table === undefined || found.table === table ? found : undefined
}
