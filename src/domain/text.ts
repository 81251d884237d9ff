import { issue, type ProblemIssue } from './errors.js'

/**
 * Text rules every entry point shares (API schemas, CLI, services). Titles and names must hold something a
 * reader can see; names must not carry bidi override or isolate controls, which make a name read differently
 * from what it is (Trojan Source).
 */

// Whitespace, controls, zero-width and other format characters, Braille and Hangul fillers: nothing visible.
const INVISIBLE = /^[\s\p{Cc}\p{Cf}\p{Zs}\u2800\u3164\uFFA0]*$/u
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u

export const isInvisible = (s: string) => INVISIBLE.test(s)
export const hasBidiControl = (s: string) => BIDI_CONTROL.test(s)

export interface TextRule {
  max: number
  /** A name: no bidi override or isolate characters either. */
  name?: boolean
  /** Free text may be empty; titles and names may not. */
  optional?: boolean
}

/**
 * The text rules as a service applies them to input from any entry point (the HTTP schemas apply the same
 * rules first, with the same words): returns the problem, or null. The value is judged trimmed.
 */
export function textProblem(value: string, rule: TextRule): { zh: string; en: string } | null {
  const s = value.trim()
  if (s.length > rule.max) return { zh: `不得超过 ${rule.max} 个字符`, en: `at most ${rule.max} characters` }
  if (!rule.optional && isInvisible(s))
    return { zh: '须含有可见字符', en: 'must contain a visible character' }
  if (rule.name && hasBidiControl(s))
    return {
      zh: '不得含有双向文本控制字符 (U+202A–U+202E, U+2066–U+2069)',
      en: 'must not contain bidirectional override characters',
    }
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
