import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../logger.js'
import type { AppEnv } from './app-env.js'
import { AppError } from './problem.js'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id')
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
    c.set('requestId', id)
    c.set('actor', null)
    c.header('X-Request-Id', id)
    await next()
  }
}

export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now()
    await next()
    const durationMs = Math.round((performance.now() - start) * 100) / 100
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs,
        actor: c.get('actor')?.id,
      },
      'request',
    )
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** A request that carries a body must say it is JSON (or a type the route accepts). */
export function requireContentType(
  accepted: (path: string) => RegExp = () => /^application\/([\w.-]+\+)?json$/i,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (BODY_METHODS.has(c.req.method)) {
      const length = c.req.header('content-length')
      const hasBody =
        (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? ''
      if (hasBody && !accepted(c.req.path).test(type))
        throw new AppError('unsupported_media_type', {
          zh: `不支持的内容类型「${type || '（未提供）'}」，请使用 application/json`,
          en: `Content-Type "${type || '(none)'}" is not supported; send application/json`,
        })
    }
    await next()
  }
}
