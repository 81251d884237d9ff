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
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_mismatch: 422,
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
  payload_too_large: { zh: '请求体过大', en: 'Payload too large' },
  unsupported_media_type: { zh: '不支持的内容类型', en: 'Unsupported media type' },
  validation_failed: { zh: '输入校验未通过', en: 'Validation failed' },
  idempotency_mismatch: {
    zh: '幂等键已用于另一份不同的请求',
    en: 'Idempotency key was used with a different request',
  },
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
export const validationFailed = (issues: ProblemIssue[], detail?: Text) =>
  new AppError(
    'validation_failed',
    detail ?? { zh: `输入校验未通过，共 ${issues.length} 处问题`, en: `${issues.length} problem(s)` },
    { issues },
  )
