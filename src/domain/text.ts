import { z } from '@hono/zod-openapi'
import { issue, type ProblemIssue, type Text } from './errors.js'

/**
 * The text rules every entry point shares: one helper (`textField`) builds the zod schema an API route, a
 * console form and the CLI parse with, and `textProblem` is the same rule for input that is not parsed by a
 * schema cell by cell (the CSV import). Every text is trimmed; titles and names must hold something a reader
 * can see; names must not carry bidi override or isolate controls, which make a name read differently from
 * what it is (Trojan Source); and no text may hold a character XML 1.0 cannot carry (it is written into the
 * Atom and CAP feeds), nor other control characters but tab and line breaks.
 */

// Whitespace, controls, zero-width and other format characters, Braille and Hangul fillers: nothing visible.
const INVISIBLE = /^[\s\p{Cc}\p{Cf}\p{Zs}\u2800\u3164\uFFA0]*$/u
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u
// C0 controls but tab, LF and CR; DEL and the C1 controls; U+FFFE, U+FFFF; unpaired surrogates.
const NOT_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it refuses
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const isInvisible = (s: string) => INVISIBLE.test(s)
export const hasBidiControl = (s: string) => BIDI_CONTROL.test(s)

export interface TextRule {
  max: number
  /** A name: no bidi override or isolate characters either. */
  name?: boolean
  /** Free text may be empty; titles and names may not. */
  optional?: boolean
}

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`

const RULE_WORDS = {
  visible: { zh: '须含有可见字符', en: 'must contain a visible character' },
  noBidi: {
    zh: '不得含有双向文本控制字符 (U+202A–U+202E, U+2066–U+2069)',
    en: 'must not contain bidirectional override characters',
  },
}

/** A character no text may hold (XML cannot carry it, or it is a control), named; null when there is none. */
export function badCharacter(value: string): Text | null {
  const m = NOT_TEXT.exec(value)
  if (!m) return null
  return {
    zh: `含有不允许的控制字符或非法字符 ${codePoint(m[0])}（XML 无法承载）`,
    en: `contains ${codePoint(m[0])}, a control or non-character that XML cannot carry`,
  }
}

/**
 * The text rules as one function: the problem with `value`, or null. The value is judged trimmed, except for
 * the characters no text may hold, which count wherever they are (trimming would hide a U+000B).
 */
export function textProblem(value: string, rule: TextRule): Text | null {
  const bad = badCharacter(value)
  if (bad) return bad
  const s = value.trim()
  if (s.length > rule.max) return { zh: `不得超过 ${rule.max} 个字符`, en: `at most ${rule.max} characters` }
  if (!rule.optional && isInvisible(s)) return RULE_WORDS.visible
  if (rule.name && hasBidiControl(s)) return RULE_WORDS.noBidi
  return null
}

/** The text rules over several fields at once: one issue per field that breaks its rule. */
export function textIssues(
  prefix: string,
  fields: (readonly [string, string | undefined, TextRule])[],
): ProblemIssue[] {
  const out: ProblemIssue[] = []
  for (const [field, value, rule] of fields) {
    const problem = value === undefined ? null : textProblem(value, rule)
    if (problem) out.push(issue(`${prefix}.${field}`, problem, 'invalid_text'))
  }
  return out
}

const describe = (rule: TextRule) =>
  [
    'Trimmed',
    rule.optional ? null : 'at least one visible character',
    rule.name ? 'no bidi override characters' : null,
    'no control characters but tab and line breaks',
    `at most ${rule.max} characters`,
  ]
    .filter(Boolean)
    .join('; ')

/**
 * The zod schema of a text field under `rule`: what API routes (and so the OpenAPI document), console forms
 * and the CLI parse with. Length is zod's own check (its `too_big`/`too_small` codes); the rest is
 * `textProblem`'s words, carried in `params` for the validation hook to render in the caller's language.
 */
export function textField(rule: TextRule) {
  let s = z
    .string()
    // Before trimming, so a U+000B at either end is refused rather than trimmed away.
    .superRefine((v, ctx) => {
      const bad = badCharacter(v)
      if (bad) ctx.addIssue({ code: 'custom', message: bad.en, params: bad })
    })
    .trim()
  if (!rule.optional) s = s.min(1)
  s = s.max(rule.max)
  // An empty string is min(1)'s to report, once.
  if (!rule.optional)
    s = s.refine((v) => v.length === 0 || !isInvisible(v), {
      message: RULE_WORDS.visible.en,
      params: RULE_WORDS.visible,
    })
  if (rule.name)
    s = s.refine((v) => !hasBidiControl(v), { message: RULE_WORDS.noBidi.en, params: RULE_WORDS.noBidi })
  return s.openapi({ description: describe(rule) })
}

/** A trimmed title or text of at most `max` characters with something visible in it. */
export const visibleText = (max: number) => textField({ max })

/** A name: like `visibleText`, and without bidi override or isolate controls. */
export const nameText = (max: number) => textField({ max, name: true })

/** Free text (notes, reasons): trimmed, at most `max` characters, may be empty. */
export const trimmedText = (max: number) => textField({ max, optional: true })
