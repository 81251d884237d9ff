import type { Hono } from 'hono'
import { AppError } from '../domain/errors.js'
import type { AppEnv } from './app-env.js'

/**
 * For a path that exists under other methods: which ones. Built once from the routes registered so far (call
 * after mounting every route); a path a route pattern matches under some method is "known".
 */
export function allowedMethods(app: Hono<AppEnv>): (path: string) => string[] {
  const patterns = new Map<string, { re: RegExp; methods: Set<string> }>()
  for (const r of app.routes) {
    if (r.method === 'ALL') continue
    const entry = patterns.get(r.path) ?? {
      re: new RegExp(
        `^${r.path
          .split('/')
          .map((seg) =>
            seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          )
          .join('/')}/?$`,
      ),
      methods: new Set<string>(),
    }
    entry.methods.add(r.method)
    if (r.method === 'GET') entry.methods.add('HEAD')
    patterns.set(r.path, entry)
  }
  const all = [...patterns.values()]
  return (path) => {
    const methods = new Set<string>()
    for (const p of all) if (p.re.test(path)) for (const m of p.methods) methods.add(m)
    return [...methods].sort()
  }
}

export function methodNotAllowed(method: string, path: string, allow: string[]): AppError {
  return new AppError(
    'method_not_allowed',
    {
      zh: `${path} 不支持 ${method}，可用：${allow.join('、')}`,
      en: `${method} is not supported on ${path}; use ${allow.join(', ')}`,
    },
    { headers: { allow: allow.join(', ') } },
  )
}
