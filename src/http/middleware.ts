import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError } from '../domain/errors.js'
import type { AccessLog } from '../logger.js'
import type { AppEnv } from './app-env.js'
import type { DeclaredInputs } from './errors.js'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The caller's X-Request-Id when well-formed, else a new one. */
export const requestIdFor = (incoming: string | undefined) =>
  incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()

/**
 * Gives each request its id (the caller's X-Request-Id when well-formed) and logs it when done: request id,
 * method, path, status, duration and actor. One layer for both, since every request pays for each layer.
 */
export function requestContext(log: AccessLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now()
    const id = requestIdFor(c.req.header('x-request-id'))
    c.set('requestId', id)
    c.set('actor', null)
    c.header('X-Request-Id', id)
    await next()
    log(id, c.req.method, c.req.path, c.res.status, elapsedMs(start), c.get('actor')?.id)
  }
}

/** Milliseconds since `start` (a `performance.now()`), to two decimals as the access log shows them. */
export const elapsedMs = (start: number) => Math.round((performance.now() - start) * 100) / 100

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/**
 * Whether the request says it carries a body (a length or a chunked encoding). Without either, Node's parser
 * reads no body, so `limitBody` and `requireContentType` have nothing to check.
 */
export const declaresBody = (c: Context) =>
  c.req.header('content-length') !== undefined || c.req.header('transfer-encoding') !== undefined

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i

/**
 * A request that carries a body must say it is JSON. Paths in `ownType` take another type (a CSV import) and
 * check it in their route, after authentication, so a caller without the role learns nothing about it.
 */
export function requireContentType(ownType: ReadonlySet<string> = new Set()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (ownType.has(c.req.path)) return next()
    if (BODY_METHODS.has(c.req.method)) {
      const length = c.req.header('content-length')
      const hasBody =
        (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined
      const type = contentTypeOf(c)
      if (hasBody && !JSON_TYPE.test(type)) throw unsupportedType(type, 'application/json')
    }
    await next()
  }
}

export const contentTypeOf = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? ''

export const unsupportedType = (type: string, wanted: string) =>
  new AppError(
    'unsupported_media_type',
    {
      zh: `不支持的内容类型「${type || '（未提供）'}」，请使用 ${wanted}`,
      en: `Content-Type "${type || '(none)'}" is not supported; send ${wanted}`,
    },
    // The body is left unread, so the connection cannot carry another request.
    { headers: { connection: 'close' } },
  )

const NUL = '\u0000'
// A UTF-16 surrogate without its other half: JSON can spell it (`"\ud800"`), UTF-8 cannot carry it, and
// PostgreSQL refuses the text (jsonb: "invalid input syntax"), which surfaced as a 500.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

type Unstorable = 'nul' | 'lone_surrogate'

const unstorable = (s: string): Unstorable | undefined =>
  s.includes(NUL) ? 'nul' : LONE_SURROGATE.test(s) ? 'lone_surrogate' : undefined

interface Place {
  path: string
  code: Unstorable
}

/** Paths of every string (or key) holding U+0000 or a lone surrogate. Iterative: bodies may nest thousands deep. */
function findUnstorable(root: unknown, rootPath: string, out: Place[]): void {
  const stack: [unknown, string][] = [[root, rootPath]]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, path] = item
    if (typeof value === 'string') {
      const code = unstorable(value)
      if (code) out.push({ path, code })
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) stack.push([v, `${path}[${i}]`])
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const code = unstorable(k)
        if (code) out.push({ path: `${path}.${k.replace(LONE_SURROGATE, '\uFFFD')}`, code })
        stack.push([v, `${path}.${k.replace(LONE_SURROGATE, '\uFFFD')}`])
      }
    }
  }
}

const UNSTORABLE_TEXT: Record<Unstorable, { zh: string; en: string }> = {
  nul: { zh: '不得含有空字符 (U+0000)', en: 'must not contain the NUL character (U+0000)' },
  lone_surrogate: {
    zh: '含有不成对的代理字符（如 \\ud800），不是合法的 Unicode 文本',
    en: 'contains a lone surrogate (such as \\ud800), which is not valid Unicode text',
  },
}

/**
 * PostgreSQL cannot store U+0000 or a lone surrogate in text or jsonb. Refusing them here, for every route
 * and every field, keeps such input a 422 listing each place rather than a database error. Also remembers the
 * route's declared inputs for the validation hook, so one refusal names the problems of every input.
 */
export function checkInput(inputs: DeclaredInputs | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('declaredInputs', inputs)
    const places: Place[] = []
    for (const [name, values] of Object.entries(c.req.queries()))
      findUnstorable(values, `query.${name}`, places)
    const type = c.req.header('content-type') ?? ''
    if (BODY_METHODS.has(c.req.method) && /json/i.test(type)) {
      // Parsed once and cached by Hono for the validator; malformed JSON is the validator's to report.
      const body: unknown = await c.req.json().catch(() => undefined)
      findUnstorable(body, 'body', places)
    }
    if (places.length > 0) {
      const nul = places.every((p) => p.code === 'nul')
      throw new AppError(
        'validation_failed',
        nul
          ? {
              zh: `输入含有空字符 (U+0000)，共 ${places.length} 处`,
              en: `${places.length} value(s) contain U+0000`,
            }
          : {
              zh: `输入含有无法保存的字符，共 ${places.length} 处`,
              en: `${places.length} value(s) contain characters that cannot be stored`,
            },
        {
          issues: places.map(({ path, code }) => ({
            path,
            message: UNSTORABLE_TEXT[code].en,
            text: UNSTORABLE_TEXT[code],
            code,
          })),
        },
      )
    }
    await next()
  }
}

/**
 * Refuses bodies over `maxSize` with 413, whatever the method. A declared Content-Length is checked from the
 * header alone (Node's parser holds the body to it); only chunked bodies are counted as they stream, and a
 * request with neither header has no body to look at.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () =>
    new AppError(
      'payload_too_large',
      { zh: `请求体超过 ${maxSize} 字节上限`, en: `Request body exceeds ${maxSize} bytes` },
      // The rest of the body is never read, so the connection cannot carry another request.
      { headers: { connection: 'close' } },
    )
  const streaming = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge()
    },
  })
  return async (c, next) => {
    const length = c.req.header('content-length')
    if (length !== undefined) {
      if (Number(length) > maxSize) throw tooLarge()
      return next()
    }
    if (c.req.header('transfer-encoding') !== undefined) return streaming(c, next)
    return next()
  }
}
