import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Child } from 'hono/jsx'
import { htmlLang, type Lang, tr } from './i18n.js'

const css = readFileSync(new URL('./site.css', import.meta.url), 'utf8')
/** The stylesheet is served under its content hash, so it can be cached for a year. */
export const SITE_CSS = {
  body: css,
  path: `/assets/site-${createHash('sha1').update(css).digest('hex').slice(0, 10)}.css`,
}

const NAV = [
  { href: '/', text: { zh: '首页', en: 'Home' } },
  { href: '/alerts', text: { zh: '全部预警', en: 'All alerts' } },
  { href: '/search', text: { zh: '查询', en: 'Search' } },
  { href: '/announcements', text: { zh: '抽检公告', en: 'Announcements' } },
  { href: '/stats', text: { zh: '统计', en: 'Statistics' } },
]

export interface PageProps {
  lang: Lang
  title: string
  /** The path and query of this page, for the language switch. */
  self: string
  /** The search-result snippet (meta description); a general one when omitted. */
  description?: string | undefined
  children?: Child
}

const DESCRIPTION = {
  zh: '市场监督管理局发布的食品安全消费预警、抽检公告和合格率统计：查询您买的食品是否不合格。',
  en: 'Food-safety consumer alerts, sampling announcements and pass rates from the market regulator: check whether a food you bought failed.',
}

function switchHref(self: string, to: Lang): string {
  const url = new URL(self, 'http://x')
  url.searchParams.set('lang', to)
  return `${url.pathname}${url.search}`
}

/** Every page: header with navigation and language switch, main, footer. No scripts. */
export function Layout({ lang, title, self, description, children }: PageProps) {
  const site = tr(lang, { zh: '红盾 · 食品安全预警', en: 'Redshield food-safety alerts' })
  const other: Lang = lang === 'zh' ? 'en' : 'zh'
  return (
    <html lang={htmlLang(lang)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} - ${site}`}</title>
        <meta name="description" content={description ?? tr(lang, DESCRIPTION)} />
        <link rel="icon" href="/favicon.ico" sizes="16x16 32x32" />
        <link rel="stylesheet" href={SITE_CSS.path} />
        <link rel="alternate" type="application/atom+xml" title="Atom" href="/feeds/alerts.atom" />
      </head>
      <body>
        <header class="site-header">
          <div class="wrap">
            <a class="brand" href="/">
              {site}
            </a>
            <nav class="nav" aria-label={tr(lang, { zh: '导航', en: 'Navigation' })}>
              {NAV.map((n) => (
                <a href={n.href}>{tr(lang, n.text)}</a>
              ))}
              <a href={switchHref(self, other)} hreflang={htmlLang(other)} lang={htmlLang(other)}>
                {other === 'en' ? 'English' : '中文'}
              </a>
            </nav>
          </div>
        </header>
        <main class="wrap">{children}</main>
        <footer class="site-footer">
          <div class="wrap">
            {tr(lang, {
              zh: '市场监督管理局发布 · 投诉举报请拨打 12315 · ',
              en: 'Published by the Market Regulation Administration · Complaints: call 12315 · ',
            })}
            <a href="/feeds/alerts.atom">Atom</a>
          </div>
        </footer>
      </body>
    </html>
  )
}
