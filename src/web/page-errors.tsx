import type { Context, MiddlewareHandler } from 'hono'
import { AppError, type ProblemIssue } from '../domain/errors.js'
import type { AppEnv } from '../http/app-env.js'
import { type Lang, pageLang, tr } from './i18n.js'
import { Layout } from './layout.js'
import { pageHeaders } from './security.js'

/** What a page's query parameter is, in words (for sentences about it). */
const FIELDS: Record<string, { zh: string; en: string }> = {
  q: { zh: '查询词', en: 'The search words' },
  page: { zh: '页码', en: 'The page number' },
  district: { zh: '区县', en: 'The district' },
  category: { zh: '类别或危害', en: 'The category or hazard' },
  from: { zh: '起始日期', en: 'The start date' },
  to: { zh: '截止日期', en: 'The end date' },
  status: { zh: '状态', en: 'The status' },
  id: { zh: '网址中的编号', en: 'The id in the address' },
  lang: { zh: '语言', en: 'The language' },
}

/** One problem with a page's address as a sentence a person understands, in the page's language. */
export function issueSentence(i: ProblemIssue, lang: Lang): string {
  const name = i.path.replace(/^(query|path)\./, '')
  const field = FIELDS[name]
  if (i.code === 'unrecognized_key' || !field)
    return tr(lang, {
      zh: `网址中的参数「${name}」本页不使用，请去掉它再试。`,
      en: `This page does not use the parameter “${name}” in its address; remove it and try again.`,
    })
  if (i.code === 'too_big')
    return tr(lang, {
      zh: `${field.zh}太长了，请缩短后再试。`,
      en: `${field.en} is too long; shorten it and try again.`,
    })
  if (i.code === 'nul')
    return tr(lang, {
      zh: `${field.zh}中有不可见的空字符，请重新输入。`,
      en: `${field.en} contains an invisible NUL character; type it again.`,
    })
  return tr(lang, {
    zh: `${field.zh}的写法不对，请检查后再试。`,
    en: `${field.en} is not written in a form this page understands; check it and try again.`,
  })
}

const STATUS_TITLE: Record<number, { zh: string; en: string }> = {
  404: { zh: '页面不存在', en: 'Page not found' },
  422: { zh: '网址有误', en: 'Something is wrong with the address' },
  429: { zh: '查询太频繁', en: 'Too many searches' },
}

/** A person's page for a refusal: the title, the sentences, and the way back. */
export function ErrorPage(p: { lang: Lang; self: string; status: number; sentences: string[] }) {
  const { lang } = p
  const title = tr(lang, STATUS_TITLE[p.status] ?? { zh: '出错了', en: 'Something went wrong' })
  return (
    <Layout lang={lang} self={p.self} title={title}>
      <h1>{title}</h1>
      {p.sentences.map((s) => (
        <p>{s}</p>
      ))}
      <p>
        <a href="/">{tr(lang, { zh: '返回首页', en: 'Back to the home page' })}</a>
        {' · '}
        <a href="/alerts">{tr(lang, { zh: '查看全部预警', en: 'See all alerts' })}</a>
      </p>
    </Layout>
  )
}

const selfOf = (c: Context) => {
  const u = new URL(c.req.url)
  u.searchParams.delete('lang')
  return `${u.pathname}${u.search}`
}

/** An HTML answer with `status` for a page request, in the chosen language. */
export function errorPage(c: Context<AppEnv>, status: 404 | 422 | 429, sentences: string[]): Response {
  const lang = pageLang(c)
  pageHeaders(c)
  return c.html(
    `<!doctype html>${String(<ErrorPage lang={lang} self={selfOf(c)} status={status} sentences={sentences} />)}`,
    status,
  )
}

/** Unknown URLs outside the API: a page saying so, in the chosen language (not problem+json). */
export function notFoundPage(c: Context<AppEnv>): Response {
  const lang = pageLang(c)
  return errorPage(c, 404, [
    tr(lang, {
      zh: `没有这个页面：${c.req.path}。可能是网址输错了，或者内容已被撤下。`,
      en: `There is no page at ${c.req.path}. The address may be mistyped, or the content was withdrawn.`,
    }),
  ])
}

/**
 * A middleware in front of a page (the search page's rate limit) whose refusal a person reads: a 429 page in
 * the page's language with the same Retry-After, rather than problem+json.
 */
export function refusalAsPage(mw: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      return await mw(c, next)
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err
      const lang = pageLang(c)
      const res = errorPage(c, 429, [tr(lang, err.detail ?? STATUS_TITLE[429]!)])
      for (const [k, v] of Object.entries(err.extra.headers ?? {})) res.headers.set(k, v)
      return res
    }
  }
}

/**
 * The public pages' error handler: a refusal (not found, bad address) is a page with sentences in the
 * page's language; anything else goes on to the service's handler (logged, problem+json 500).
 */
export function pageErrors(err: Error, c: Context<AppEnv>): Response {
  if (!(err instanceof AppError)) throw err
  const lang = pageLang(c)
  if (err.code === 'not_found') return errorPage(c, 404, [tr(lang, err.detail ?? STATUS_TITLE[404]!)])
  if (err.code === 'validation_failed') {
    const issues = (err.extra.issues ?? []) as ProblemIssue[]
    return errorPage(
      c,
      422,
      issues.length > 0
        ? issues.map((i) => issueSentence(i, lang))
        : [tr(lang, err.detail ?? STATUS_TITLE[422]!)],
    )
  }
  throw err
}
