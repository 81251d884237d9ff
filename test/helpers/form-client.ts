import { createUser } from '../../src/users/users.service.js'
import type { TestApp } from './test-app.js'

export interface Page {
  status: number
  headers: Headers
  text: string
  location: string | null
  setCookies: string[]
}

/** A browser stand-in for the server-rendered pages: keeps cookies, never follows redirects, posts forms. */
export class FormClient {
  readonly cookies = new Map<string, string>()

  constructor(private readonly base: () => string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(method: string, path: string, body?: URLSearchParams, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base()}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body,
    })
    const setCookies = res.headers.getSetCookie()
    for (const c of setCookies) {
      const [pair = '', ...attrs] = c.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => /^\s*max-age=0$/i.test(a)) || value === ''
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return {
      status: res.status,
      headers: res.headers,
      text: await res.text(),
      location: res.headers.get('location'),
      setCookies,
    } satisfies Page
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, undefined, headers)
  }

  /** Posts a form; the CSRF token is taken from `from` (a page's HTML) unless the fields carry one. */
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>) {
    return this.request('POST', path, new URLSearchParams(fields), headers)
  }

  /** Loads the sign-in form and posts it. */
  async signIn(login: string, password: string, extra: Record<string, string> = {}, query = '') {
    const form = await this.get(`/login${query}`)
    return this.post('/login', { _csrf: csrfOf(form.text), login, password, ...extra })
  }

  /** The CSRF token of the page at `path` (signed in). */
  async csrf(path = '/console'): Promise<string> {
    return csrfOf((await this.get(path)).text)
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!m?.[1]) throw new Error(`no CSRF token in page:\n${html.slice(0, 500)}`)
  return m[1]
}

/** A person with a chosen password and no forced change, straight through the service. */
export async function makeUser(
  t: TestApp,
  login: string,
  password: string,
  opts: { role?: 'admin' | 'commander' | 'district'; district?: string; name?: string } = {},
) {
  const { user } = await createUser(
    t.deps.db,
    t.clock,
    { actor: null, requestId: 'test' },
    {
      login,
      name: opts.name ?? login,
      role: opts.role ?? 'commander',
      districtCode: opts.district,
      password,
    },
  )
  return user
}
