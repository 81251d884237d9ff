import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'

export type Lang = 'zh' | 'en'
export interface Text {
  zh: string
  en: string
}

const COOKIE = 'lang'

/**
 * Page language: `?lang=en|zh` wins and is remembered in a cookie for a year; then the cookie; then zh-CN,
 * the service's first language (Accept-Language is not consulted, so a shared link looks the same to all).
 */
export function pageLang(c: Context): Lang {
  const q = c.req.query('lang')
  if (q === 'en' || q === 'zh') {
    setCookie(c, COOKIE, q, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'Lax', httpOnly: true })
    return q
  }
  const saved = getCookie(c, COOKIE)
  return saved === 'en' ? 'en' : 'zh'
}

export const htmlLang = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en')

/** Picks the text for the page language. */
export const tr = (lang: Lang, text: Text) => text[lang]

/** Formats a time in Shanghai for people, e.g. 2026-11-30 09:00. */
export function localTime(at: Date | string, lang: Lang): string {
  const d = typeof at === 'string' ? new Date(at) : at
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
  return lang === 'zh' ? s : `${s} (UTC+8)`
}
