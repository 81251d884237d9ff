import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './app-env.js'
import { validationHook } from './errors.js'

/** Every router shares the hook that turns validation failures into problem+json. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: (result, c) => validationHook(result, c) })
}
