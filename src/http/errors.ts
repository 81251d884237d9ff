import type { RouteConfig } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { type ZodError, z } from 'zod'
import { AppError, type ProblemIssue, serviceUnavailable, uniqueViolation } from '../domain/errors.js'
import type { Logger } from '../logger.js'
import { problemResponse } from './problem.js'

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

/** PostgreSQL's refusal of a text that is not a UUID where one is compared (SQLSTATE 22P02). */
function isMalformedUuid(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err as { code?: unknown }).code === '22P02' &&
    /invalid input syntax for type uuid/i.test(err.message)
  )
}

/** True when the error says the database cannot be reached, rather than that a query was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable)
  // "…is not queryable": a rollback (or any statement) on a pg client whose connection was lost mid-transaction.
  return /Connection terminated|timeout exceeded when trying to connect|PGlite is closed|driver has already been destroyed|is not queryable/i.test(
    err.message,
  )
}

const zhError = z.locales.zhCN().localeError
const enError = z.locales.en().localeError

function localised(
  localeError: typeof zhError,
  issue: Parameters<typeof zhError>[0],
  fallback: string,
): string {
  const out = localeError(issue)
  return typeof out === 'string' ? out : (out?.message ?? fallback)
}

// zod's zh-CN locale leaves type names in English ("期望 string"); a Chinese reader gets Chinese.
const zhTypeNames: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  array: '数组',
  object: '对象',
  date: '日期',
  bigint: '大整数',
  null: '空值',
  undefined: '未定义',
  nan: 'NaN',
  set: '集合',
  map: '映射',
  file: '文件',
}
const zhTypes = (s: string) =>
  s.replace(
    /\b(string|number|int|boolean|array|object|date|bigint|null|undefined|set|map|file)\b/g,
    (w) => zhTypeNames[w] ?? w,
  )

const joinPath = (prefix: string | undefined, path: string) =>
  prefix ? (path ? `${prefix}.${path}` : prefix) : path

/**
 * Every zod issue as a problem issue in both languages, rendered from the raw issue with zod's own locales
 * (so a Chinese response is Chinese throughout). A message the schema set itself is kept for English;
 * a rule that carries its own `{zh, en}` in `params` uses that. An unknown key is one issue per key, named.
 */
export function zodIssues(error: ZodError, prefix?: string): ProblemIssue[] {
  const out: ProblemIssue[] = []
  for (const i of error.issues) {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 ? '' : '.'}${String(p)}`))
      .join('')
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys)
        out.push({
          path: joinPath(prefix, path ? `${path}.${key}` : key),
          message: 'unknown field',
          code: 'unrecognized_key',
          text: { zh: '未知的字段', en: 'unknown field' },
        })
      continue
    }
    const own = i.code === 'custom' ? (i.params as { zh?: string; en?: string } | undefined) : undefined
    const raw = i as unknown as Parameters<typeof zhError>[0]
    const text =
      own?.zh && own.en
        ? { zh: own.zh, en: own.en }
        : {
            zh: zhTypes(localised(zhError, raw, i.message)),
            en: i.message || localised(enError, raw, i.code),
          }
    out.push({ path: joinPath(prefix, path), message: text.en, code: i.code, text })
  }
  return out
}

const targetNames: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' }

/** A route's declared inputs, remembered per request so that a failure can name the body's problems too. */
export type DeclaredInputs = RouteConfig['request']

/**
 * The body's problems, when an earlier input (query, path, headers) already failed: the validators stop at the
 * first failure, so without this a caller would fix the query only to learn about the body next.
 */
async function bodyProblems(c: Context, inputs: NonNullable<DeclaredInputs>): Promise<ProblemIssue[]> {
  const media = inputs.body?.content?.['application/json']
  const schema = media && 'schema' in media ? media.schema : undefined
  if (!(schema instanceof z.ZodType) || !/json/i.test(c.req.header('content-type') ?? '')) return []
  // Parsed once and cached by Hono; malformed JSON is reported on its own once the rest is fixed.
  const value: unknown = await c.req.json().catch(() => undefined)
  if (value === undefined) return []
  const parsed = schema.safeParse(value)
  return parsed.success ? [] : zodIssues(parsed.error, 'body')
}

/**
 * Validator hook: every validation failure takes the same problem+json path as any other error, naming every
 * problem at once — a bad query with a bad body lists both, though the validators stop at the first.
 */
export async function validationHook(
  result: { success: boolean; error?: unknown; target: string },
  c?: Context,
): Promise<void> {
  if (result.success) return
  const issues = zodIssues(result.error as ZodError, targetNames[result.target] ?? result.target)
  const inputs = c?.get('declaredInputs') as DeclaredInputs | undefined
  if (c && inputs && result.target !== 'json') issues.push(...(await bodyProblems(c, inputs)))
  throw new AppError(
    'validation_failed',
    { zh: `输入校验未通过，共 ${issues.length} 处问题`, en: `${issues.length} validation problem(s)` },
    { issues },
  )
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
  const duplicate = uniqueViolation(err)
  if (duplicate) return problemResponse(c, duplicate)
  // A path id that is not a UUID names nothing that can exist: not found, as for any unknown id (path ids
  // declare `format: uuid`; the lookup is where a malformed one is met).
  if (isMalformedUuid(err)) return problemResponse(c, new AppError('not_found'))
  if (isDatabaseUnavailable(err)) {
    logger.warn({ requestId: c.get('requestId'), err: err.message }, 'database unavailable')
    return problemResponse(c, serviceUnavailable())
  }
  logger.error({ requestId: c.get('requestId'), err }, 'unhandled error')
  return problemResponse(c, new AppError('internal_error'))
}
