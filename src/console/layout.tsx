import { tryGetContext } from 'hono/context-storage'
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { ACCESS } from '../domain/access.js'
import type { Role } from '../domain/enums.js'
import { htmlLang, type Lang, tr } from '../web/i18n.js'
import { SITE_CSS } from '../web/layout.js'
import type { ConsoleEnv } from './session-auth.js'

/** The console's one script, served as a file (strict CSP: no inline script): ticks countdowns, recolours cells. */
export const CONSOLE_JS_PATH = '/assets/console.js'
/** The console's own styles on top of the shared design system. */
export const CONSOLE_CSS_PATH = '/assets/console.css'

/** The console's sections, each shown to the roles its routes admit (the ACCESS entry its pages require). */
const NAV: { href: string; text: { zh: string; en: string }; roles: readonly Role[] | 'all' }[] = [
  { href: '/console', text: { zh: '控制台', en: 'Console' }, roles: 'all' },
  { href: '/console/tasks', text: { zh: '任务', en: 'Tasks' }, roles: ACCESS.readTasks },
  { href: '/console/samples', text: { zh: '样品', en: 'Samples' }, roles: ACCESS.readSamples },
  {
    href: '/console/announcements',
    text: { zh: '公告', en: 'Announcements' },
    roles: ACCESS.readAnnouncements,
  },
  { href: '/console/complaints', text: { zh: '12315', en: '12315' }, roles: ACCESS.readComplaints },
  { href: '/console/scorecard', text: { zh: '评分', en: 'Scorecard' }, roles: ACCESS.readScorecard },
  { href: '/console/self-checks', text: { zh: '自查', en: 'Self-checks' }, roles: ACCESS.readSelfChecks },
  { href: '/console/admin', text: { zh: '管理', en: 'Admin' }, roles: ACCESS.administer },
  { href: '/logout', text: { zh: '退出', en: 'Sign out' }, roles: 'all' },
]

/** The section a path belongs to: the longest prefix; incident pages belong to the command centre. */
function currentSection(path: string): string | undefined {
  if (path === '/console' || path.startsWith('/console/incidents/')) return '/console'
  return NAV.map((n) => n.href)
    .filter((h) => h !== '/console' && (path === h || path.startsWith(`${h}/`)))
    .sort((a, b) => b.length - a.length)[0]
}

/**
 * The signed-in person's role, read from the request being rendered (Hono's context storage, set for the
 * console's pages) so that every page gets the role's navigation without passing it through each view.
 */
function signedInRole(): Role | undefined {
  return tryGetContext<ConsoleEnv>()?.get('session')?.actor.role
}

function switchHref(self: string, to: Lang): string {
  const url = new URL(self, 'http://x')
  url.searchParams.set('lang', to)
  return `${url.pathname}${url.search}`
}

/**
 * The console page shell on the shared design system (`src/web/site.css`): the public pages' header and
 * colours, the console's own navigation, the signed-in person, and the language switch (zh-CN first).
 */
export function Layout(props: {
  title: string
  children: Child
  signedInAs?: string | undefined
  lang?: Lang
  /** This page's path and query, for the language switch (signed-in pages). */
  self?: string
  script?: boolean
}) {
  const lang = props.lang ?? 'zh'
  const other: Lang = lang === 'zh' ? 'en' : 'zh'
  const role = signedInRole()
  const path = tryGetContext<ConsoleEnv>()?.req.path ?? ''
  const current = currentSection(path)
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={htmlLang(lang)}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · 红盾 Redshield`}</title>
          <link rel="stylesheet" href={SITE_CSS.path} />
          <link rel="stylesheet" href={CONSOLE_CSS_PATH} />
          {props.script ? <script src={CONSOLE_JS_PATH} defer /> : null}
        </head>
        <body class="console">
          <header class="site-header">
            <div class="wrap">
              <a class="brand" href="/console">
                {tr(lang, { zh: '红盾 · 控制台', en: 'Redshield console' })}
              </a>
              {props.signedInAs ? (
                <nav class="nav" aria-label={tr(lang, { zh: '导航', en: 'Navigation' })}>
                  {NAV.filter((n) => n.roles === 'all' || (role && n.roles.includes(role))).map((n) => (
                    <a href={n.href} aria-current={n.href === current ? 'page' : undefined}>
                      {tr(lang, n.text)}
                    </a>
                  ))}
                  {props.self ? (
                    <a href={switchHref(props.self, other)} hreflang={htmlLang(other)} lang={htmlLang(other)}>
                      {other === 'en' ? 'English' : '中文'}
                    </a>
                  ) : null}
                  <span class="who">{props.signedInAs}</span>
                </nav>
              ) : null}
            </div>
          </header>
          <main class="wrap">{props.children}</main>
        </body>
      </html>
    </>
  )
}

/** A refusal's reason (the service's own words), then the problems it names. */
export function Refusal(props: {
  refusal?: string | null | undefined
  problems?: string[] | undefined
  lang: Lang
}) {
  return (
    <>
      {props.refusal ? (
        <div class="problems" role="alert">
          <p>{props.refusal}</p>
        </div>
      ) : null}
      <Problems items={props.problems ?? []} lang={props.lang} />
    </>
  )
}

/** Problems listed all at once (一次性告知), read out by screen readers when the page loads. */
export function Problems(props: { items: string[]; lang?: Lang }) {
  if (props.items.length === 0) return null
  return (
    <div class="problems" role="alert">
      <p>
        {props.lang
          ? tr(props.lang, { zh: '请修正以下问题：', en: 'Please fix:' })
          : '请修正以下问题 Please fix:'}
      </p>
      <ul>
        {props.items.map((p) => (
          <li>{p}</li>
        ))}
      </ul>
    </div>
  )
}
