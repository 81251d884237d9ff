import type { Text } from '../domain/errors.js'

/**
 * Field rules of a complaint: phone numbers (mobile and landline), exact yuan amounts, characters XML cannot
 * carry (a complaint's words may reach XML exports and CAP), and the masks lists show. Pure functions.
 */

// C0 controls other than tab, LF and CR; U+FFFE/U+FFFF; a surrogate without its pair (in /u mode a paired
// surrogate is one code point and does not match the range).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const XML_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u

export const hasXmlUnsafe = (s: string) => XML_UNSAFE.test(s)

export const XML_UNSAFE_TEXT: Text = {
  zh: '含有无法保存的控制字符',
  en: 'contains control characters that cannot be stored',
}

/**
 * A mainland mobile (`13812345678`, `+86 138 1234 5678`) or a landline with its area code (`028-86123456`,
 * `(028)86123456`, with an extension `-123`), normalised (`13812345678`, `028-86123456`); null when neither.
 */
export function normalisePhone(raw: string): string | null {
  const s = raw.trim().replace(/[\s\u3000]/g, '')
  const mobile = /^(?:\+86|0086)?-?(1[3-9]\d{9})$/.exec(s.replace(/-/g, ''))
  if (mobile) return mobile[1]!
  const land = /^(?:\+86-?|0086-?)?\(?(0\d{2,3})\)?-?([2-9]\d{6,7})(?:-|转|ext\.?)?(\d{1,6})?$/i.exec(s)
  if (land) {
    const area = land[1]!.startsWith('0') ? land[1]! : `0${land[1]}`
    return `${area}-${land[2]}${land[3] ? `-${land[3]}` : ''}`
  }
  return null
}

export const PHONE_TEXT: Text = {
  zh: '须为可接通的手机号（如 13812345678）或带区号的固话（如 028-86123456）',
  en: 'must be a mobile number (e.g. 13812345678) or a landline with its area code (e.g. 028-86123456)',
}

/** `138****1234`; a landline keeps its area code and last four digits (`028-****3456`). */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`
  const m = /^(0\d{2,3})-(\d+)/.exec(phone)
  if (m) return `${m[1]}-****${m[2]!.slice(-4)}`
  return '****'
}

/** `张三` → `张*`; `欧阳娜娜` → `欧***`. */
export function maskName(name: string | null): string | null {
  if (name === null) return null
  const chars = [...name]
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`
}

/** Largest amount accepted: ten million yuan less a fen. */
export const MAX_AMOUNT = '9999999.99'

/** The problem with an amount string (yuan, at most two decimals), or null when it is fine. */
export function amountProblem(s: string): Text | null {
  if (/^-/.test(s.trim())) return { zh: '金额不能为负数', en: 'must not be negative' }
  if (!/^\d+(\.\d+)?$/.test(s))
    return { zh: '须为金额数字，如 12.50', en: 'must be a decimal amount such as 12.50' }
  if (/\.\d{3,}$/.test(s)) return { zh: '金额最多保留两位小数（分）', en: 'at most two decimals (fen)' }
  const [whole] = s.split('.')
  if ((whole ?? '').replace(/^0+(?=\d)/, '').length > 7)
    return { zh: `金额过大（不超过 ${MAX_AMOUNT} 元）`, en: `too large (at most ${MAX_AMOUNT} yuan)` }
  return null
}

/** `012.5` → `12.50`: the canonical text numeric(12,2) gives back. */
export function canonicalAmount(s: string): string {
  const [whole = '0', frac = ''] = s.split('.')
  return `${whole.replace(/^0+(?=\d)/, '')}.${frac.padEnd(2, '0')}`
}
