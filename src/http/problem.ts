import type { Context } from 'hono'
import { type AppError, type ProblemIssue, problemTitles } from '../domain/errors.js'

export type Lang = 'zh' | 'en'

/** Error bodies stay small: the first issues, and how many there were in all. */
export const MAX_ISSUES = 100

/**
 * zh-CN first; English when the caller prefers it. `?lang=` wins; otherwise Accept-Language by q-value
 * (RFC 9110 §12.5.4): the highest-weighted of zh or en, ties to the one listed first, zh when neither.
 */
export function preferredLang(c: Context): Lang {
  const q = c.req.query('lang')
  if (q === 'en' || q === 'zh') return q
  return negotiateLang(c.req.header('accept-language'))
}

export function negotiateLang(header: string | undefined): Lang {
  if (!header) return 'zh'
  let best: Lang = 'zh'
  let bestQ = 0
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const qParam = params.find((p) => p.startsWith('q='))
    const weight = qParam ? Number(qParam.slice(2)) : 1
    if (!Number.isFinite(weight) || weight <= 0 || weight > 1) continue
    const lang: Lang | null =
      range === 'zh' || range.startsWith('zh-')
        ? 'zh'
        : range === 'en' || range.startsWith('en-')
          ? 'en'
          : null
    if (lang && weight > bestQ) {
      best = lang
      bestQ = weight
    }
  }
  return best
}

/**
 * Chinese for issues raised without their own `text` (an English message and a code): a Chinese response
 * stays Chinese throughout; the English detail remains in the English response.
 */
const zhByCode: Record<string, string> = {
  required: '必填项缺失',
  invalid_type: '类型不符',
  too_small: '小于允许的最小值',
  too_big: '超出允许的上限',
  unknown_field: '未知的字段',
  unrecognized_key: '未知的字段',
  nul: '不得含有空字符 (U+0000)',
  invalid_cursor: '不是本列表给出的游标',
  invalid_value: '取值无效',
}

const renderIssue = (i: ProblemIssue, lang: Lang) => ({
  path: i.path,
  message: i.text ? i.text[lang] : lang === 'zh' ? (zhByCode[i.code ?? ''] ?? '输入无效') : i.message,
  ...(i.code ? { code: i.code } : {}),
})

export function problemResponse(c: Context, err: AppError): Response {
  const lang = preferredLang(c)
  const { issues, headers, ...rest } = err.extra
  const requestId = c.get('requestId') as string | undefined
  const body = {
    type: `urn:redshield:problem:${err.code}`,
    title: problemTitles[err.code][lang],
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail[lang] } : {}),
    instance: c.req.path,
    requestId,
    ...rest,
    ...(issues
      ? { issueCount: issues.length, issues: issues.slice(0, MAX_ISSUES).map((i) => renderIssue(i, lang)) }
      : {}),
  }
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-language': lang === 'zh' ? 'zh-CN' : 'en',
      // A fresh Response drops headers set on the context, so the request id is set here too.
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...(headers ?? {}),
    },
  })
}
